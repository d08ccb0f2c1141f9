"""staking lock-up and release (docs/protocol.md §7): ΔT(rep) formula, locks on new stake, unstake limited
to the unlocked bond (error names the unlock height), reputation shortening lock-up and release,
lock pruning, slash caps, slash_malicious / slash_fault, genesis locks and the Stake query."""

from __future__ import annotations

import pytest
from sprint.staking.v1 import query_pb2

from chain.context import BlockInfo, Context
from chain.errors import ErrInvalidRequest
from chain.gas import GasMeter
from chain.modules import registry
from chain.modules.bank.keeper import supply_invariant_violation
from chain.modules.staking import genesis as staking_genesis
from chain.modules.staking import keys
from chain.modules.staking.params import default_params, lockup_blocks, release_blocks, scaled_blocks, validate_params
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from tests.helpers.chain import DENOM, INITIAL_BALANCE, make_keys
from tests.helpers.staking import STAKING_ADDRESS, staking_state

KEYS = make_keys(4)
A, B = KEYS[0].address, KEYS[1].address


def setup(app_state=None, reputation_epochs: int = 4, **params):
    """(store, keepers): lock-up 2..10 blocks, release 3..9 blocks, 4 epochs to full reputation."""
    params = {"min_lockup": 2, "max_lockup": 10, "unbonding_blocks": 9, "min_release": 3, **params}
    store = CacheStore(MemoryDB().snapshot())
    keepers = registry.build_keepers()
    state = staking_state(KEYS, **params) if app_state is None else app_state
    state["reputation"] = {"params": {"full_reputation_epochs": str(reputation_epochs)}}
    registry.init_genesis(store, keepers, state)
    return store, keepers


def ctx_at(store, height: int) -> Context:
    return Context(store, BlockInfo(height, 0, 0, "t"), GasMeter(None))


def honest(store, keepers, operator: bytes, epochs: int) -> None:
    for epoch in range(epochs):
        keepers.reputation.end_epoch(ctx_at(store, 1), epoch, [operator], [])


def invariants_hold(store, keepers) -> bool:
    return supply_invariant_violation(keepers.bank, store) is None and \
        keepers.staking.total_staked(store) == keepers.bank.balance(store, STAKING_ADDRESS, DENOM)


# ---------------------------------------------------------------- formula and params


@pytest.mark.parametrize("honest_epochs, expected", [(0, 100), (1, 80), (2, 60), (3, 40), (5, 20), (99, 20)])
def test_scaled_blocks_falls_linearly_with_honest_epochs(honest_epochs, expected):
    assert scaled_blocks(20, 100, honest_epochs, 4) == expected


def test_scaled_blocks_edge_cases():
    assert scaled_blocks(20, 100, 0, 0) == 20  # N = 0: full reputation at once
    assert scaled_blocks(20, 10, 0, 4) == 20  # longest below shortest counts as shortest
    assert scaled_blocks(0, 7, 1, 3) == 4  # floor(7 * 2 / 3)


def test_release_blocks_caps_min_release_at_unbonding_blocks():
    params = default_params()
    params.unbonding_blocks, params.min_release_blocks = 5, 50
    assert release_blocks(params, 0, 4) == release_blocks(params, 4, 4) == 5
    params.min_release_blocks = 1
    assert (release_blocks(params, 0, 4), release_blocks(params, 2, 4), release_blocks(params, 4, 4)) == (5, 3, 1)
    assert lockup_blocks(default_params(), 0, 30) == 100_800 and lockup_blocks(default_params(), 30, 30) == 10_000


def test_default_params():
    params = default_params()
    validate_params(params)
    assert (params.min_lockup_blocks, params.max_lockup_blocks, params.min_release_blocks, params.malicious_slash_bps,
            params.fault_slash_bps, params.ban_blocks) == (10_000, 100_800, 14_400, 7_500, 10, 100_000)


@pytest.mark.parametrize("field, value, message", [
    ("min_lockup_blocks", 100_801, "min_lockup_blocks <= max_lockup_blocks"),
    ("max_lockup_blocks", 10**8, "max_lockup_blocks"),
    ("min_release_blocks", 0, "min_release_blocks"),
    ("malicious_slash_bps", 10_001, "malicious_slash_bps"),
    ("fault_slash_bps", 10_001, "fault_slash_bps"),
    ("ban_blocks", 10**8, "ban_blocks"),
])
def test_bad_params_are_rejected(field, value, message):
    params = default_params()
    setattr(params, field, value)
    with pytest.raises(ErrInvalidRequest, match=message):
        validate_params(params)


# ---------------------------------------------------------------- locks


def test_new_stake_is_locked_and_unstake_names_the_unlock_height():
    store, keepers = setup()
    staking = keepers.staking
    ctx = ctx_at(store, 5)
    staking.stake(ctx, A, 1000)  # reputation 0: locked max_lockup = 10 blocks
    assert dict(ctx.events[-1].attributes)["unlock_height"] == "15"
    staking.stake(ctx_at(store, 7), A, 500)  # unlocks at 17
    assert staking.locks(store, A) == [(15, 1000), (17, 500)]
    assert (staking.locked(store, A, 14), staking.unlocked(store, A, 14)) == (1500, 0)
    branch = store.branch()
    with pytest.raises(ErrInvalidRequest, match="only 0usprint of the 1500usprint bonded is unlocked; .*"
                                                "1usprint is unlocked from height 15"):
        staking.unstake(ctx_at(branch, 14), A, 1)
    with pytest.raises(ErrInvalidRequest, match="1001usprint is unlocked from height 17"):
        staking.unstake(ctx_at(branch, 15), A, 1001)
    assert staking.bonded(branch, A) == 1500 and staking.unbonding_entries(branch, A) == []
    staking.unstake(ctx_at(store, 15), A, 1000)  # exactly the unlocked part
    assert staking.bonded(store, A) == 500 and staking.unlocked(store, A, 15) == 0
    staking.unstake(ctx_at(store, 17), A, 500)
    assert staking.bonded(store, A) == 0 and invariants_hold(store, keepers)


def test_genesis_bonds_are_unlocked_and_zero_lockup_makes_no_lock():
    store, keepers = setup(app_state=staking_state(KEYS, bonds={KEYS[0].bech32: 700}, unbonding_blocks=9))
    assert keepers.staking.unlocked(store, A, 1) == 700
    ctx = ctx_at(store, 3)
    keepers.staking.stake(ctx, A, 5)  # the helper's params: no lock-up
    assert keepers.staking.locks(store, A) == [] and keepers.staking.unlocked(store, A, 3) == 705
    assert dict(ctx.events[-1].attributes)["unlock_height"] == "3"


def test_reputation_shortens_lockup_and_release():
    store, keepers = setup()
    staking = keepers.staking
    assert (staking.lockup_blocks(store, A), staking.release_blocks(store, A)) == (10, 9)
    honest(store, keepers, A, 2)  # half reputation: 2 + 8 * 2 // 4, 3 + 6 * 2 // 4
    assert (staking.lockup_blocks(store, A), staking.release_blocks(store, A)) == (6, 6)
    honest(store, keepers, B, 9)  # beyond full reputation
    assert (staking.lockup_blocks(store, B), staking.release_blocks(store, B)) == (2, 3)
    staking.stake(ctx_at(store, 1), B, 90)
    assert staking.locks(store, B) == [(3, 90)]
    entry = staking.unstake(ctx_at(store, 3), B, 90)
    assert (entry.creation_height, entry.completion_height) == (3, 6)
    keepers.reputation.record_fraud(ctx_at(store, 4), B)  # fraud: back to the longest lengths
    assert (staking.lockup_blocks(store, B), staking.release_blocks(store, B)) == (10, 9)


def test_end_block_prunes_reached_locks():
    store, keepers = setup()
    keepers.staking.stake(ctx_at(store, 1), A, 10)  # until 11
    keepers.staking.stake(ctx_at(store, 2), B, 10)  # until 12
    keepers.staking.end_block(ctx_at(store, 10))
    assert len(list(store.iterate(keys.LOCK_QUEUE_PREFIX))) == 2
    keepers.staking.end_block(ctx_at(store, 11))
    assert [(op, h) for op, h, _ in keepers.staking.iterate_locks(store)] == [(B, 12)]
    assert list(store.iterate(keys.LOCK_BY_OPERATOR_PREFIX + A)) == []


def test_slash_caps_the_locked_amount_at_the_bond():
    store, keepers = setup()
    keepers.staking.stake(ctx_at(store, 1), A, 1000)
    keepers.staking.slash_malicious(ctx_at(store, 2), A, "fraud")  # default 75%
    assert keepers.staking.bonded(store, A) == 250
    assert (keepers.staking.locked(store, A, 2), keepers.staking.unlocked(store, A, 2)) == (250, 0)
    assert keepers.staking.unlocked(store, A, 11) == 250


def test_slash_malicious_and_fault_use_the_params():
    store, keepers = setup(app_state=staking_state(KEYS, bonds={KEYS[0].bech32: 100_000}))
    ctx = ctx_at(store, 2)
    assert keepers.staking.slash_fault(ctx, A, "job expired") == 100  # 10 bps
    assert keepers.staking.slash_malicious(ctx, A, "inference fraud") == 99_900 * 7_500 // 10_000
    events = [dict(e.attributes) for e in ctx.events if e.type == "slash"]
    assert [(e["reason"], e["fraction_bps"]) for e in events] == [("job expired", "10"), ("inference fraud", "7500")]
    assert invariants_hold(store, keepers)


# ---------------------------------------------------------------- linear release


def test_release_is_linear_and_the_last_block_releases_the_rest():
    store, keepers = setup(app_state=staking_state(KEYS, bonds={KEYS[0].bech32: 1000}, unbonding_blocks=4))
    keepers.staking.unstake(ctx_at(store, 10), A, 1000)
    keepers.staking.end_block(ctx_at(store, 10))  # the creation block releases nothing
    amounts = []
    for height in range(10, 16):
        before = keepers.bank.balance(store, A, DENOM)
        keepers.staking.end_block(ctx_at(store, height))
        amounts.append(keepers.bank.balance(store, A, DENOM) - before)
        assert invariants_hold(store, keepers)
    assert amounts == [0, 250, 250, 250, 250, 0]
    assert keepers.bank.balance(store, A, DENOM) == INITIAL_BALANCE + 1000


def test_release_of_a_small_amount_pays_the_rest_at_completion():
    store, keepers = setup(app_state=staking_state(KEYS, bonds={KEYS[0].bech32: 2}, unbonding_blocks=5))
    keepers.staking.unstake(ctx_at(store, 1), A, 2)
    paid = []
    for height in range(2, 7):
        ctx = ctx_at(store, height)
        keepers.staking.end_block(ctx)
        paid.append([(e.type, dict(e.attributes)["amount"]) for e in ctx.events if e.type.startswith("unbonding")])
    assert paid == [[], [], [], [("unbonding_release", "1usprint")], [("unbonding_complete", "1usprint")]]


# ---------------------------------------------------------------- genesis and query


def test_genesis_locks_round_trip():
    lock = {"operator": KEYS[0].bech32, "amount": "300", "unlock_height": "40"}
    state = staking_state(KEYS, bonds={KEYS[0].bech32: 500})
    state["staking"]["locks"] = [lock]
    store, keepers = setup(app_state=state)
    assert keepers.staking.unlocked(store, A, 39) == 200
    exported = staking_genesis.export_genesis(store, keepers.staking)
    assert exported["locks"] == [lock]
    again_state = staking_state(KEYS, bonds={KEYS[0].bech32: 500})
    again_state["staking"] = exported
    again, keepers2 = setup(app_state=again_state)
    assert staking_genesis.export_genesis(again, keepers2.staking) == exported


@pytest.mark.parametrize("locks, message", [
    ([{"operator": "sprint1bad", "amount": "1", "unlock_height": "5"}], "locks\\[0\\]: operator"),
    ([{"operator": KEYS[0].bech32, "amount": "0", "unlock_height": "5"}], "locks\\[0\\]: amount"),
    ([{"operator": KEYS[0].bech32, "amount": "1", "unlock_height": "0"}], "unlock_height"),
    ([{"operator": KEYS[0].bech32, "amount": "1", "unlock_height": "5"}] * 2, "same operator and unlock_height"),
    ([{"operator": KEYS[0].bech32, "amount": "501", "unlock_height": "5"}], "more locked than bonded"),
    ([{"operator": KEYS[1].bech32, "amount": "1", "unlock_height": "5"}], "more locked than bonded"),
])
def test_bad_genesis_locks_are_rejected(locks, message):
    state = staking_state(KEYS, bonds={KEYS[0].bech32: 500})["staking"]
    state["locks"] = locks
    with pytest.raises(ErrInvalidRequest, match=message):
        staking_genesis.validate_genesis(state)


def test_stake_query_shows_locks_and_the_unlocked_amount():
    store, keepers = setup(app_state=staking_state(KEYS, bonds={KEYS[0].bech32: 100}, min_lockup=5, max_lockup=5))
    keepers.staking.stake(ctx_at(store, 1), A, 40)  # locked until 6; the store has no committed height (0)
    router = registry.build_query_router()
    raw = router.query_bytes("/sprint.staking.v1.Query/Stake",
                             query_pb2.QueryStakeRequest(operator=KEYS[0].bech32).SerializeToString(), store, keepers)
    got = query_pb2.QueryStakeResponse.FromString(raw)
    assert (got.bonded, got.unlocked) == ("140", "100")
    assert [(lock.amount, lock.unlock_height, lock.operator) for lock in got.locks] == [("40", 6, KEYS[0].bech32)]
