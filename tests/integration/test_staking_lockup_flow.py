"""In-process App blocks: a registered host's new collateral is locked (MsgUnstake fails with code 18
naming the unlock height, state unchanged) until the lock-up passes; its unbonding is released
linearly; a ban applied in a block is lifted by the registry's end_block at banned_until; the
reputation and hosts queries answer over ABCI. Supply and staking invariants after every block."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401  (puts tendermint on sys.path)
from sprint.hosts.v1 import query_pb2 as hosts_query
from sprint.reputation.v1 import query_pb2 as reputation_query
from tendermint.abci import types_pb2 as abci

from chain.modules.bank.keeper import supply_invariant_violation
from chain.store.memory import MemoryDB
from tests.helpers.chain import balance, make_keys, new_app, run_block, sequence, sign_messages
from tests.helpers.staking import STAKING_ADDRESS, register_host_msg, staking_state, unstake_msg

KEYS = make_keys(3)
HOST = KEYS[0]
MIN = 1_000_000
LOCKUP = 4  # blocks (no reputation yet: max_lockup)
RELEASE = 3  # unbonding_blocks


class Chain:
    def __init__(self):
        self.app = new_app(MemoryDB(), staking_state(KEYS, min_collateral=MIN, unbonding_blocks=RELEASE,
                                                     min_lockup=1, max_lockup=LOCKUP, ban_blocks=5))
        self.ban_at: dict[int, int] = {}  # height -> banned_until, applied to HOST in that block's end_block
        original = self.app.keepers.staking.end_block

        def end_block(ctx):  # stands in for inference re-verification, which bans on confirmed fraud
            original(ctx)
            if ctx.block.height in self.ban_at:
                self.app.keepers.hosts.ban(ctx, HOST.address, self.ban_at[ctx.block.height], "inference fraud")

        self.app.keepers.staking.end_block = end_block
        self.block()

    def block(self, *msgs):
        txs = [sign_messages(HOST, list(msgs), sequence=sequence(self.app, HOST.address) or 0)] if msgs else []
        result = run_block(self.app, txs)
        store = self.app.committed_store()
        assert supply_invariant_violation(self.app.keepers.bank, store) is None
        assert self.app.keepers.staking.total_staked(store) == balance(self.app, STAKING_ADDRESS)
        return result

    def query(self, path: str, request, response):
        resp = self.app.query(abci.RequestQuery(path=path, data=request.SerializeToString()))
        assert resp.code == 0, resp.log
        return response.FromString(resp.value)

    def host_status(self) -> tuple[int, int]:
        host = self.query("/sprint.hosts.v1.Query/Host", hosts_query.QueryHostRequest(operator=HOST.bech32),
                          hosts_query.QueryHostResponse).host
        return host.status, host.banned_until


def test_locked_collateral_then_linear_release():
    chain = Chain()
    registered = chain.block(register_host_msg(HOST, 0, collateral=2 * MIN))
    assert registered.results[0].code == 0, registered.results[0].log
    unlock = registered.height + LOCKUP
    store = chain.app.committed_store
    before = chain.app.keepers.staking.bonded(store(), HOST.address)
    while chain.app.height < unlock - 1:
        refused = chain.block(unstake_msg(HOST.bech32, 1)).results[0]
        assert refused.code == 18 and f"is unlocked from height {unlock}" in refused.log, refused.log
        assert chain.app.keepers.staking.bonded(store(), HOST.address) == before
        assert chain.app.keepers.staking.unbonding_entries(store(), HOST.address) == []
    unstaked = chain.block(unstake_msg(HOST.bech32, 900_000))
    assert unstaked.height == unlock and unstaked.results[0].code == 0, unstaked.results[0].log
    paid_back = []
    for _ in range(RELEASE):
        block = chain.block()
        paid_back += [dict((a.key, a.value) for a in e.attributes)["amount"]
                      for e in block.response.events if e.type in ("unbonding_release", "unbonding_complete")]
    assert paid_back == ["300000usprint", "300000usprint", "300000usprint"]
    assert chain.app.keepers.staking.locks(store(), HOST.address) == []  # pruned once reached


def test_ban_is_lifted_at_banned_until_and_queries_answer():
    chain = Chain()
    chain.block(register_host_msg(HOST, 0, collateral=2 * MIN))
    chain.ban_at[chain.app.height + 1] = chain.app.height + 4
    banned = chain.block()
    assert [e.type for e in banned.response.events].count("host_banned") == 1
    until = banned.height + 3
    assert chain.host_status() == (3, until)  # HOST_STATUS_BANNED
    while chain.app.height < until - 1:
        chain.block()
        assert chain.host_status() == (3, until)
    lifted = chain.block()
    assert lifted.height == until and "host_unbanned" in [e.type for e in lifted.response.events]
    assert chain.host_status() == (1, 0)  # HOST_STATUS_ACTIVE again: still bonded above the minimum

    rep = chain.query("/sprint.reputation.v1.Query/Host", reputation_query.QueryHostRequest(host=HOST.bech32),
                      reputation_query.QueryHostResponse)
    assert (rep.reputation.host, rep.reputation.has_record, rep.reputation.validation_ppm) == \
        (HOST.bech32, False, 1_000_000)
    assert rep.reputation.score_ppm == 250_000  # only bonded host: the whole stake share
    params = chain.query("/sprint.reputation.v1.Query/Params", reputation_query.QueryParamsRequest(),
                         reputation_query.QueryParamsResponse).params
    assert params.full_reputation_epochs == 30
    missing = chain.app.query(abci.RequestQuery(path="/sprint.reputation.v1.Query/Host",
                                                data=reputation_query.QueryHostRequest(host=KEYS[1].bech32)
                                                .SerializeToString()))
    assert missing.code != 0 and "not a registered host" in missing.log
