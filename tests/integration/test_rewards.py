"""In-process App over three epochs with 4 hosts proposing in turn: per-block issuance, gas fees,
slashes and settlement burns; after every block the supply equals genesis supply + minted - burned
(from the block events), the rewards account holds exactly the unsettled accruals and pools, and
each epoch's settlement pays the hosts what its outcomes say. Queries answer over ABCI."""

from __future__ import annotations

import hashlib

import cosmpy.protos  # noqa: F401  (puts tendermint on sys.path)
from sprint.rewards.v1 import query_pb2 as rewards_query
from tendermint.abci import types_pb2 as abci

from chain.invariants import minted_minus_burned
from chain.modules.bank.keys import module_address
from chain.modules.hosts.keys import consensus_address
from chain.modules.rewards.params import block_reward
from chain.store.memory import MemoryDB
from tests.helpers.chain import DENOM, block_time, make_send, new_app, timestamp
from tests.helpers.sprint import FEE, GAS_LIMIT, sprint_state

REWARDS = module_address("rewards")
EPOCHS = 3


class Net:
    """4 hosts; block h is proposed by host h % 4; every 3rd block the outsider pays a send fee;
    blocks in SLASH_AT slash host 3 by 10% inside end_block."""

    SLASH_AT = (7, 20)

    def __init__(self):
        self.state, self.hosts, self.outsider = sprint_state(4, [10, 20, 30, 40])
        self.app = new_app(MemoryDB(), self.state)
        self.keepers = self.app.keepers
        self.outsider_account = 2 * 4
        self.sent = 0
        self.minted = 0
        self.burned = 0
        self.events: list = []
        original = self.keepers.staking.end_block

        def end_block(ctx):  # stands in for a module that slashes during end_block
            original(ctx)
            if ctx.block.height in self.SLASH_AT:
                self.keepers.staking.slash(ctx, self.hosts[3].address, 1000, "test fault")

        self.keepers.staking.end_block = end_block

    def store(self):
        return self.app.committed_store()

    def supply(self) -> int:
        return self.keepers.bank.supply(self.store(), DENOM)

    def block(self):
        height = self.app.height + 1
        txs = []
        if height % 3 == 0:
            txs.append(make_send(self.outsider, self.hosts[0].bech32, 1, sequence=self.sent,
                                 account_number=self.outsider_account, gas_limit=GAS_LIMIT, fee=FEE))
            self.sent += 1
        resp = self.app.finalize_block(abci.RequestFinalizeBlock(
            txs=txs, height=height, time=timestamp(block_time(height)),
            hash=hashlib.sha256(b"block%d" % height).digest(),
            proposer_address=consensus_address(self.hosts[height % 4].pubkey)))
        self.app.commit(abci.RequestCommit())
        assert all(r.code == 0 for r in resp.tx_results), [r.log for r in resp.tx_results]
        events = [e for r in resp.tx_results for e in r.events] + list(resp.events)
        self.events.extend(events)
        return resp


def _plain_events(events):
    from chain.context import Event
    return [Event(e.type, [(a.key, a.value) for a in e.attributes]) for e in events]


def _query(app, method, request, response_class):
    resp = app.query(abci.RequestQuery(path=f"/sprint.rewards.v1.Query/{method}", data=request.SerializeToString()))
    return resp if resp.code else response_class.FromString(resp.value)


def _block_keeps_supply(net, rewards_params, genesis_supply: int) -> None:
    """One block: supply = genesis + minted - burned, issuance bounded, the rewards account = unsettled."""
    resp = net.block()
    net_change = minted_minus_burned(_plain_events(list(resp.events) +
                                                   [e for r in resp.tx_results for e in r.events]))
    net.minted += block_reward(rewards_params, net.app.height)
    assert net.supply() == genesis_supply + sum(minted_minus_burned(_plain_events(net.events)).values())
    assert net_change.get(DENOM, 0) <= block_reward(rewards_params, net.app.height)
    rewards = net.keepers.rewards
    assert net.keepers.bank.balance(net.store(), REWARDS, DENOM) == rewards.unsettled_total(net.store())


def _minted(events) -> int:
    """Total amount of the `mint` events."""
    return sum(int(a.value[:-len(DENOM)]) for e in events if e.type == "mint"
               for a in e.attributes if a.key == "amount")


def _outcomes(net, epoch: int) -> list:
    return _query(net.app, "Outcomes", rewards_query.QueryOutcomesRequest(epoch=epoch),
                  rewards_query.QueryOutcomesResponse).outcomes


def test_three_epochs_of_issuance_fees_slashes_and_settlements_conserve_supply():
    net = Net()
    sprint_params = net.keepers.sprint.get_params(net.app.block_cache)
    rewards_params = net.keepers.rewards.get_params(net.app.block_cache)
    genesis_supply = net.keepers.bank.supply(net.app.block_cache, DENOM)
    from chain.modules.sprint.epochs import bounds
    last = bounds(sprint_params, EPOCHS - 1).end
    operator_before = {h.address: net.keepers.bank.balance(net.app.block_cache, h.address, DENOM) for h in net.hosts}
    for _ in range(last):
        _block_keeps_supply(net, rewards_params, genesis_supply)

    store = net.store()
    totals = minted_minus_burned(_plain_events(net.events))
    minted = _minted(net.events)
    assert minted == net.minted == last * rewards_params.initial_block_reward
    slashes = [e for e in net.events if e.type == "slash"]
    assert len(slashes) == len(Net.SLASH_AT)
    assert net.supply() == genesis_supply + totals[DENOM] < genesis_supply + minted  # slashes and dust burned

    # every epoch settled; what hosts received equals the released totals (fees from sends go to host 0)
    released = {h.address: 0 for h in net.hosts}
    for epoch in range(EPOCHS):
        assert net.keepers.rewards.is_settled(store, epoch)
        outcomes = _outcomes(net, epoch)
        assert {o.host for o in outcomes} == {h.bech32 for h in net.hosts}
        for outcome in outcomes:
            assert not outcome.caught and outcome.withheld == 0 and outcome.released > 0
            released[next(h.address for h in net.hosts if h.bech32 == outcome.host)] += outcome.released
    for host in net.hosts:
        gained = net.keepers.bank.balance(store, host.address, DENOM) - operator_before[host.address]
        assert gained == released[host.address] + (net.sent if host is net.hosts[0] else 0)
    # all issuance and fees of the settled epochs left the rewards account (paid or burned); the last
    # block's issuance and fee, minted after the inference settlement settled the epoch, feed the next one
    last_block = rewards_params.initial_block_reward + (FEE if last % 3 == 0 else 0)
    assert net.keepers.bank.balance(store, REWARDS, DENOM) == last_block
    next_pool = net.keepers.rewards.get_pool(store, EPOCHS)
    proposer = net.keepers.rewards.get_accrual(store, EPOCHS, net.hosts[last % 4].address)
    assert next_pool.executor_pool + next_pool.validator_pool + proposer.proposer_rewards == last_block
    # heavier hosts earn more from the executor pool (weights 10:20:30:40, equal proposer turns)
    assert released[net.hosts[0].address] < released[net.hosts[3].address]


def test_queries_show_pending_accruals_pools_and_outcomes():
    net = Net()
    for _ in range(5):
        net.block()
    host = net.hosts[1]
    pending = _query(net.app, "Pending", rewards_query.QueryPendingRequest(host=host.bech32),
                     rewards_query.QueryPendingResponse)
    params = net.keepers.rewards.get_params(net.store())
    # host 1 proposed block 1 and 5: 10% of each block's issuance (+ fees of block 3 went to host 3)
    assert [a.epoch for a in pending.accruals] == [0]
    assert pending.accruals[0].proposer_rewards == 2 * params.initial_block_reward // 10
    assert pending.total == pending.accruals[0].proposer_rewards
    assert pending.block_reward == params.initial_block_reward
    assert not pending.HasField("last_outcome")

    pool = _query(net.app, "Pool", rewards_query.QueryPoolRequest(), rewards_query.QueryPoolResponse).pool
    assert (pool.epoch, pool.issued, pool.gas_fees) == (0, 5 * params.initial_block_reward, FEE)
    assert pool == _query(net.app, "Pool", rewards_query.QueryPoolRequest(epoch=0), rewards_query.QueryPoolResponse).pool
    assert _query(net.app, "Params", rewards_query.QueryParamsRequest(), rewards_query.QueryParamsResponse).params == params

    not_yet = _query(net.app, "Outcomes", rewards_query.QueryOutcomesRequest(epoch=0), rewards_query.QueryOutcomesResponse)
    assert not_yet.code == 38 and "not been settled" in not_yet.log
    bad = _query(net.app, "Pending", rewards_query.QueryPendingRequest(host="nope"), rewards_query.QueryPendingResponse)
    assert bad.code == 18

    from chain.modules.sprint.epochs import bounds
    while net.app.height < bounds(net.keepers.sprint.get_params(net.store()), 0).end:
        net.block()
    pending = _query(net.app, "Pending", rewards_query.QueryPendingRequest(host=host.bech32),
                     rewards_query.QueryPendingResponse)
    assert pending.last_outcome.epoch == 0 and pending.last_outcome.released > 0
    assert all(a.epoch >= 1 for a in pending.accruals)

