"""In-process App blocks: register -> stake -> unstake -> linear release over the unbonding period -> slash
(including a pending unbonding entry), with the bank supply invariant and the staking invariant
(bonds + unbonding == staking module balance) checked after every block, then an export/import."""

from __future__ import annotations

import pytest

import cosmpy.protos  # noqa: F401  (puts tendermint on sys.path)
from sprint.staking.v1 import query_pb2 as staking_query
from tendermint.abci import types_pb2 as abci

from chain.modules.bank.keeper import supply_invariant_violation
from chain.store.memory import MemoryDB
from tests.helpers.chain import FEE, INITIAL_BALANCE, balance, make_keys, new_app, run_block, sequence, sign_messages
from tests.helpers.staking import STAKING_ADDRESS, register_host_msg, stake_msg, staking_state, unstake_msg

KEYS = make_keys(3)
HOST = KEYS[0]
MIN = 1_000_000
LOCKUP = 3


class Chain:
    """An App plus bookkeeping: every block checks both invariants."""

    def __init__(self):
        self.app = new_app(MemoryDB(), staking_state(KEYS, min_collateral=MIN, unbonding_blocks=LOCKUP))
        self.slash_at: dict[int, int] = {}  # height -> fraction_bps applied to HOST in that block's end_block
        self.slashed: list[int] = []
        original = self.app.keepers.staking.end_block

        def end_block(ctx):  # stands in for the Sprint module's settlement, which calls slash
            original(ctx)
            if ctx.block.height in self.slash_at:
                self.slashed.append(self.app.keepers.staking.slash(
                    ctx, HOST.address, self.slash_at[ctx.block.height], "rejected proof"))

        self.app.keepers.staking.end_block = end_block
        self.block()

    def block(self, *msgs):
        txs = [sign_messages(HOST, list(msgs), sequence=sequence(self.app, HOST.address) or 0)] if msgs else []
        result = run_block(self.app, txs)
        store = self.app.committed_store()
        assert supply_invariant_violation(self.app.keepers.bank, store) is None
        assert self.app.keepers.staking.total_staked(store) == balance(self.app, STAKING_ADDRESS)
        assert all(r.code == 0 for r in result.results), [r.log for r in result.results]
        return result

    def bonded(self) -> int:
        return self.app.keepers.staking.bonded(self.app.committed_store(), HOST.address)

    def query_stake(self):
        resp = self.app.query(abci.RequestQuery(path="/sprint.staking.v1.Query/Stake",
                                                data=staking_query.QueryStakeRequest(operator=HOST.bech32)
                                                .SerializeToString()))
        assert resp.code == 0, resp.log
        return staking_query.QueryStakeResponse.FromString(resp.value)


def released(block) -> list[tuple[str, str]]:
    """("release" | "complete", amount) of the block's unbonding events."""
    return [(e.type[10:], dict((a.key, a.value) for a in e.attributes)["amount"])
            for e in block.response.events if e.type in ("unbonding_release", "unbonding_complete")]


@pytest.fixture()
def chain():
    return Chain()


def _unstake_releases_linearly(chain, paid: int) -> int:
    """Unstake 1,000,000 and follow its release to completion; returns `paid` plus the unstake fee."""
    app = chain.app
    unstaked_at = chain.block(unstake_msg(HOST.bech32, 1_000_000)).height
    paid += FEE
    assert chain.bonded() == 1_500_000
    assert [(e.amount, e.completion_height) for e in chain.query_stake().unbonding] == \
        [("1000000", unstaked_at + LOCKUP)]
    # released linearly: each block remaining // blocks left (this one included), the last the rest
    assert released(chain.block()) == [("release", "333333usprint")]
    assert balance(app, HOST.address) == INITIAL_BALANCE - paid + 333_333
    assert [e.amount for e in chain.query_stake().unbonding] == ["666667"]
    assert released(chain.block()) == [("release", "333333usprint")]
    assert released(chain.block()) == [("complete", "333334usprint")]
    assert app.height == unstaked_at + LOCKUP
    assert balance(app, HOST.address) == INITIAL_BALANCE - paid + 1_000_000
    assert list(chain.query_stake().unbonding) == []
    return paid


def test_register_stake_unstake_release_slash(chain):
    app = chain.app
    chain.block(register_host_msg(HOST, 0, collateral=2 * MIN))
    chain.block(stake_msg(HOST.bech32, 500_000))
    assert chain.bonded() == 2_500_000
    paid = 2 * FEE + 2_500_000
    assert balance(app, HOST.address) == INITIAL_BALANCE - paid

    paid = _unstake_releases_linearly(chain, paid)

    # unstaking does not dodge a slash: the pending entry loses the same fraction
    second = chain.block(unstake_msg(HOST.bech32, 400_000)).height
    paid += FEE
    supply = app.keepers.bank.supply(app.committed_store(), "usprint")
    chain.slash_at[second + 1] = 5000
    block = chain.block()  # releases 400000 // 3 = 133333, then the slash halves the bond and the rest
    assert released(block) == [("release", "133333usprint")]
    assert chain.slashed == [550_000 + 133_333]
    slash = [dict((a.key, a.value) for a in e.attributes) for e in block.response.events if e.type == "slash"]
    assert slash == [{"host": HOST.bech32, "amount": "683333usprint", "reason": "rejected proof",
                      "fraction_bps": "5000"}]
    minted = sum(int(dict((a.key, a.value) for a in e.attributes)["amount"].removesuffix("usprint"))
                 for e in block.response.events if e.type == "mint")  # block issuance (rewards module)
    assert app.keepers.bank.supply(app.committed_store(), "usprint") == supply + minted - 683_333
    assert chain.bonded() == 550_000
    assert not app.keepers.staking.meets_min_collateral(app.committed_store(), HOST.address)
    assert chain.query_stake().bonded == "550000"
    assert released(chain.block()) == [("release", "66667usprint")]  # 133334 // 2
    assert released(chain.block()) == [("complete", "66667usprint")]
    assert app.height == second + LOCKUP
    assert balance(app, HOST.address) == INITIAL_BALANCE - paid + 1_000_000 + 133_333 + 66_667 + 66_667


def test_export_after_activity_reimports_to_the_same_state(chain):
    chain.block(register_host_msg(HOST, 0, collateral=2 * MIN))
    chain.block(unstake_msg(HOST.bech32, 1_500_000))  # below the minimum, entry pending
    chain.slash_at[chain.app.height + 1] = 1000
    chain.block()  # releases 1500000 // 3, then slashes 10% of the bond and of the rest
    exported = chain.app.export_genesis()
    assert exported["staking"]["bonds"] == [{"operator": HOST.bech32, "amount": "450000"}]
    assert [e["amount"] for e in exported["staking"]["unbonding"]] == ["900000"]
    again = new_app(MemoryDB(), exported)
    run_block(again)
    assert again.export_genesis()["staking"] == exported["staking"]
    assert again.export_genesis()["hosts"] == exported["hosts"]
    assert supply_invariant_violation(again.keepers.bank, again.committed_store()) is None
