"""rewards: issuance schedule, per-block split and fee sweep, accruals, settlement (release, withhold,
forfeit + bounty), pools, queries' building blocks and determinism, on a CacheStore over a fresh chain."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED
from sprint.rewards.v1.rewards_pb2 import Params

from chain.context import BlockInfo, Context
from chain.errors import ErrInvalidRequest
from chain.gas import GasMeter
from chain.modules.bank.keys import FEE_COLLECTOR, module_address
from chain.modules.hosts.keys import consensus_address
from chain.modules.rewards import genesis as rewards_genesis
from chain.modules.rewards.keeper import accrual_total, proportional_shares, release_amount
from chain.modules.rewards.params import block_reward, default_params, validate_params
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from tests.helpers.chain import DENOM, new_app, run_block
from tests.helpers.sprint import sprint_state

REWARDS = module_address("rewards")


# --- issuance schedule ---------------------------------------------------------------------------

def test_block_reward_decays_by_decay_bps_every_period():
    params = default_params()
    assert [block_reward(params, h) for h in (1, 2, 100_000)] == [1_000_000] * 3
    assert block_reward(params, 100_001) == 950_000
    assert block_reward(params, 200_000) == 950_000
    assert block_reward(params, 200_001) == 902_500
    assert block_reward(params, 300_001) == 857_375
    # floored at every step: 7 x 0.95 -> 6, 6 x 0.95 -> 5, ...
    tiny = Params(denom=DENOM, initial_block_reward=7, decay_period_blocks=1, decay_bps=500,
                  executor_bps=6000, validator_bps=3000, proposer_bps=1000)
    assert [block_reward(tiny, h) for h in range(1, 6)] == [7, 6, 5, 4, 3]
    assert block_reward(tiny, 10_000) == 0


def test_params_validation_and_genesis_round_trip_keep_zero_fields():
    bad = default_params()
    bad.proposer_bps = 2000
    with pytest.raises(ErrInvalidRequest, match="sum to 10000"):
        validate_params(bad)
    with pytest.raises(ErrInvalidRequest, match="decay_period_blocks"):
        rewards_genesis.validate_genesis({"params": {"decay_period_blocks": "0"}})
    state = {"params": {"initial_block_reward": "0"}}
    params = rewards_genesis.validate_genesis(state)
    assert params.initial_block_reward == 0 and params.decay_bps == 500
    exported = {"params": rewards_genesis._params_json(params)}
    assert exported["params"]["initial_block_reward"] == "0"
    assert rewards_genesis.validate_genesis(exported) == params


def test_release_amount_and_proportional_shares_are_integer_floors():
    assert release_amount(1000, {}) == 1000
    assert release_amount(1000, {"jobs_assigned": 3, "jobs_done": 2}) == 666
    assert release_amount(1000, {"duties_drawn": 4, "duties_done": 1}) == 250
    assert release_amount(1000, {"jobs_assigned": 3, "jobs_done": 2, "duties_drawn": 4, "duties_done": 3}) == 500
    assert release_amount(1000, {"jobs_assigned": 2, "jobs_done": 5}) == 1000  # capped at 1
    assert release_amount(1000, {"jobs_assigned": 2, "jobs_done": 0}) == 0
    assert proportional_shares(100, [(b"a", 1), (b"b", 2), (b"c", 0)]) == [(b"a", 33), (b"b", 66)]
    assert proportional_shares(100, [(b"a", 0)]) == []


# --- a chain to work on --------------------------------------------------------------------------

class World:
    """A committed chain with n hosts (weights 10, 20, 30, ...); `ctx(height)` gives a fresh block
    context over the committed state."""

    def __init__(self, n: int = 3, weights=None, statuses=None):
        state, self.hosts, _ = sprint_state(n, weights or [10 * (i + 1) for i in range(n)], statuses=statuses)
        state["rewards"] = {"params": {"initial_block_reward": "0"}}  # blocks mint nothing until a test asks
        self.app = new_app(MemoryDB(), state)
        run_block(self.app)
        self.keepers = self.app.keepers
        self.rewards = self.keepers.rewards
        self.bank = self.keepers.bank

    def ctx(self, height: int = 5, proposer: bytes = b"", store=None) -> Context:
        store = store if store is not None else CacheStore(self.app.committed_store())
        return Context(store, BlockInfo(height, 0, 0, "sprint-test-1", proposer), GasMeter(None))

    def set_reward(self, store, amount: int, **fields) -> None:
        params = self.rewards.get_params(store)
        params.initial_block_reward = amount
        for name, value in fields.items():
            setattr(params, name, value)
        self.rewards.set_params(store, params)

    def fund_rewards(self, ctx: Context, amount: int) -> None:
        """Mint `amount` into the rewards account (what callers do before accrue)."""
        self.bank.mint_to_module(ctx, "rewards", [(DENOM, amount)])

    def balance(self, store, address: bytes) -> int:
        return self.bank.balance(store, address, DENOM)

    def proposer(self, index: int) -> bytes:
        return consensus_address(self.hosts[index].pubkey)

    def address(self, index: int) -> bytes:
        return self.hosts[index].address


def test_end_block_mints_sweeps_fees_and_splits_to_proposer_and_pools():
    w = World()
    ctx = w.ctx(height=5, proposer=w.proposer(1))
    w.set_reward(ctx.store, 1_000_000)
    w.bank.send_to_module(ctx, w.address(0), FEE_COLLECTOR, [(DENOM, 10_001)])
    supply = w.bank.supply(ctx.store, DENOM)
    w.rewards.end_block(ctx, w.keepers)

    assert w.bank.supply(ctx.store, DENOM) == supply + 1_000_000
    assert w.balance(ctx.store, module_address(FEE_COLLECTOR)) == 0
    assert w.balance(ctx.store, REWARDS) == 1_010_001
    accrual = w.rewards.get_accrual(ctx.store, 0, w.address(1))
    assert accrual.proposer_rewards == 101_000  # 10% of 1_010_001, floored
    pool = w.rewards.get_pool(ctx.store, 0)
    assert (pool.issued, pool.gas_fees, pool.validator_pool) == (1_000_000, 10_001, 303_000)
    assert pool.executor_pool == 1_010_001 - 101_000 - 303_000
    assert w.rewards.unsettled_total(ctx.store) == 1_010_001
    assert [e.type for e in ctx.events].count("mint") == 1


def test_unknown_proposer_share_joins_the_executor_pool():
    w = World()
    ctx = w.ctx(height=5, proposer=b"\x07" * 20)
    w.set_reward(ctx.store, 1000)
    w.rewards.end_block(ctx, w.keepers)
    pool = w.rewards.get_pool(ctx.store, 0)
    assert (pool.executor_pool, pool.validator_pool) == (700, 300)
    assert w.rewards.all_accruals(ctx.store) == []


def test_settlement_releases_pools_by_weight_and_duties_and_burns_the_dust():
    w = World(3)  # weights 10, 20, 30
    ctx = w.ctx(height=5)
    w.set_reward(ctx.store, 1001)
    w.rewards.end_block(ctx, w.keepers)  # executor 701, validator 300
    before = {i: w.balance(ctx.store, w.address(i)) for i in range(3)}
    supply = w.bank.supply(ctx.store, DENOM)
    outcomes = {w.address(0): {"duties_drawn": 1, "duties_done": 1}, w.address(2): {"duties_drawn": 2, "duties_done": 2}}
    written = w.rewards.settle_epoch(ctx, SimpleNamespace(reputation=None), 0, outcomes)

    # executor pool by weight 10:20:30 -> 116, 233, 350 (1 dust); validator pool by duties 1:2 -> 100, 200
    got = {i: w.balance(ctx.store, w.address(i)) - before[i] for i in range(3)}
    assert got == {0: 116 + 100, 1: 233, 2: 350 + 200}
    assert w.bank.supply(ctx.store, DENOM) == supply - 2  # the floor dust (701 - 699 = 2) is burned
    assert w.balance(ctx.store, REWARDS) == 0 == w.rewards.unsettled_total(ctx.store)
    assert [o.released for o in written] == [got[i] for i in sorted(range(3), key=lambda i: w.address(i))]
    outcome = w.rewards.get_outcome(ctx.store, 0, w.address(2))
    assert (outcome.duties_drawn, outcome.duties_done, outcome.released, outcome.caught) == (2, 2, 550, False)
    assert w.rewards.last_outcome(ctx.store, w.address(2)) == outcome
    assert w.rewards.settle_epoch(ctx, SimpleNamespace(reputation=None), 0, outcomes) == []  # once only


def test_no_duties_done_moves_the_validator_pool_to_executors_and_banned_hosts_get_none():
    w = World(3, weights=[10, 10, 10], statuses=["HOST_STATUS_ACTIVE", "HOST_STATUS_ACTIVE", "HOST_STATUS_BANNED"])
    ctx = w.ctx(height=5)
    w.set_reward(ctx.store, 1000)
    w.rewards.end_block(ctx, w.keepers)
    before = [w.balance(ctx.store, w.address(i)) for i in range(3)]
    w.rewards.settle_epoch(ctx, SimpleNamespace(reputation=None), 0, {})
    assert [w.balance(ctx.store, w.address(i)) - before[i] for i in range(3)] == [500, 500, 0]
    assert w.keepers.hosts.get_host(ctx.store, w.address(2)).status == HOST_STATUS_BANNED


def test_executor_pool_follows_weight_times_reputation_score():
    w = World(2, weights=[10, 10])
    ctx = w.ctx(height=5)
    w.set_reward(ctx.store, 1000, validator_bps=0, executor_bps=9000)
    w.rewards.end_block(ctx, w.keepers)
    scores = {w.address(0): 250_000, w.address(1): 750_000}
    reputation = SimpleNamespace(scores=lambda store: scores)
    before = [w.balance(ctx.store, w.address(i)) for i in range(2)]
    w.rewards.settle_epoch(ctx, SimpleNamespace(reputation=reputation), 0, {})
    assert [w.balance(ctx.store, w.address(i)) - before[i] for i in range(2)] == [250, 750]


def test_missed_work_and_missed_duties_withhold_and_burn_a_share():
    w = World(3)
    ctx = w.ctx(height=5)
    for i in range(3):
        w.fund_rewards(ctx, 1200)
        w.rewards.accrue(ctx, 0, w.address(i), "executor_fees", 1200)
    supply = w.bank.supply(ctx.store, DENOM)
    before = [w.balance(ctx.store, w.address(i)) for i in range(3)]
    outcomes = {w.address(0): {"jobs_assigned": 4, "jobs_done": 3},                     # missed work
                w.address(1): {"duties_drawn": 3, "duties_done": 1},                    # missed duties
                w.address(2): {"jobs_assigned": 2, "jobs_done": 2, "duties_drawn": 5, "duties_done": 5}}
    w.rewards.settle_epoch(ctx, SimpleNamespace(reputation=None), 0, outcomes)
    got = [w.balance(ctx.store, w.address(i)) - before[i] for i in range(3)]
    assert got == [900, 400, 1200]
    assert w.bank.supply(ctx.store, DENOM) == supply - 300 - 800
    withheld = {e.attributes[1][1]: e.attributes[2][1] for e in ctx.events if e.type == "rewards_withheld"}
    assert withheld == {w.hosts[0].bech32: "300", w.hosts[1].bech32: "800"}
    assert w.rewards.get_outcome(ctx.store, 0, w.address(1)).withheld == 800
    assert w.balance(ctx.store, REWARDS) == 0


@pytest.mark.parametrize("cap, each", [(10**9, 1000), (900, 450)])  # bounty_bps binds, then the cap binds
def test_caught_host_forfeits_everything_and_confirmers_share_a_capped_bounty(cap, each):
    w = World(3)
    ctx = w.ctx(height=5)
    cheat, confirmers = w.address(0), [w.address(1), w.address(2)]
    w.fund_rewards(ctx, 4000)
    w.rewards.accrue(ctx, 0, cheat, "executor_fees", 3000)
    w.rewards.accrue(ctx, 0, cheat, "proposer_rewards", 1000)
    w.rewards.record_fraud(ctx, 0, cheat, confirmers[:1], cap // 2)
    w.rewards.record_fraud(ctx, 0, cheat, confirmers + [cheat], cap - cap // 2)  # accumulates, never the cheat
    assert w.rewards.bounty_claim(ctx.store, 0, cheat) == (cap, sorted(confirmers))
    supply = w.bank.supply(ctx.store, DENOM)
    before = [w.balance(ctx.store, w.address(i)) for i in range(3)]
    w.rewards.settle_epoch(ctx, SimpleNamespace(reputation=None), 0, {cheat: {"jobs_assigned": 1, "jobs_done": 1}})

    got = [w.balance(ctx.store, w.address(i)) - before[i] for i in range(3)]
    assert got == [0, each, each]  # bounty = min(4000 x 50%, cap), split equally
    assert w.bank.supply(ctx.store, DENOM) == supply - (4000 - 2 * each)
    outcome = w.rewards.get_outcome(ctx.store, 0, cheat)
    assert (outcome.caught, outcome.forfeited, outcome.released, outcome.withheld) == (True, 4000, 0, 0)
    assert [e.type for e in ctx.events].count("rewards_bounty") == 2
    assert w.balance(ctx.store, REWARDS) == 0


def test_bounty_bps_comes_from_the_inference_params_when_present():
    w = World(2)
    ctx = w.ctx(height=5)
    w.fund_rewards(ctx, 1000)
    w.rewards.accrue(ctx, 0, w.address(0), "executor_fees", 1000)
    w.rewards.record_fraud(ctx, 0, w.address(0), [w.address(1)], 10**6)
    inference = SimpleNamespace(get_params=lambda store: SimpleNamespace(bounty_bps=2000))
    before = w.balance(ctx.store, w.address(1))
    w.rewards.settle_epoch(ctx, SimpleNamespace(reputation=None, inference=inference), 0, {})
    assert w.balance(ctx.store, w.address(1)) - before == 200


def test_accruals_to_a_settled_epoch_go_to_the_next_one_and_end_block_settles_at_the_last_block():
    w = World(2)
    params = w.keepers.sprint.get_params(w.app.committed_store())
    from chain.modules.sprint.epochs import bounds
    last = bounds(params, 0).end
    ctx = w.ctx(height=last)
    w.set_reward(ctx.store, 100)
    w.fund_rewards(ctx, 50)
    w.rewards.accrue(ctx, 0, w.address(0), "validator_fees", 50)
    w.rewards.end_block(ctx, w.keepers)  # the last block of epoch 0: settles it
    assert w.rewards.is_settled(ctx.store, 0)
    assert w.rewards.get_accrual(ctx.store, 0, w.address(0)) is None
    w.fund_rewards(ctx, 7)
    assert w.rewards.accrue(ctx, 0, w.address(0), "executor_fees", 7) == 1
    assert accrual_total(w.rewards.get_accrual(ctx.store, 1, w.address(0))) == 7
    assert w.rewards.record_fraud(ctx, 0, w.address(1), [w.address(0)], 5) == 1
    # a block after the settlement within the same epoch number would also feed epoch 1
    ctx2 = w.ctx(height=last, store=ctx.store)
    w.rewards.end_block(ctx2, w.keepers)
    assert w.rewards.get_pool(ctx.store, 1).issued == 100
    assert w.balance(ctx.store, REWARDS) == w.rewards.unsettled_total(ctx.store) == 107
    with pytest.raises(ValueError):
        w.rewards.accrue(ctx, 1, w.address(0), "salary", 1)


def test_settlement_is_independent_of_the_outcomes_dict_order():
    def settle(reverse: bool):
        w = World(4)
        ctx = w.ctx(height=5, proposer=w.proposer(3))
        w.set_reward(ctx.store, 99_991)
        w.rewards.end_block(ctx, w.keepers)
        items = [(w.address(i), {"duties_drawn": 3, "duties_done": i % 3, "jobs_assigned": 2, "jobs_done": 1 + i % 2})
                 for i in range(4)]
        w.rewards.settle_epoch(ctx, SimpleNamespace(reputation=None), 0, dict(reversed(items) if reverse else items))
        return ctx.store.sorted_writes(), [(e.type, e.attributes) for e in ctx.events]

    assert settle(False) == settle(True)
