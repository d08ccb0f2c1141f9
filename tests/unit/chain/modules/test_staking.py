"""staking module: params, keeper math (stake, unbonding queue, slash rounding), genesis, queries."""

from __future__ import annotations

import json

import pytest
from sprint.staking.v1.staking_pb2 import Params

from chain.context import BlockInfo, Context
from chain.errors import ErrInsufficientFunds, ErrInvalidRequest
from chain.gas import GasMeter
from chain.modules import registry
from chain.modules.bank.keeper import supply_invariant_violation
from chain.modules.staking import genesis as staking_genesis
from chain.modules.staking import keys
from chain.modules.staking.params import default_params, validate_params
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from tests.helpers.chain import DENOM, INITIAL_BALANCE, make_keys
from tests.helpers.staking import STAKING_ADDRESS, STAKING_BECH32, staking_state

KEYS = make_keys(4)
A, B, C = (k.address for k in KEYS[:3])


def setup(app_state=None, **params):
    """(store, keepers) after genesis with staking params (min 1_000_000, 3 blocks lock-up)."""
    store = CacheStore(MemoryDB().snapshot())
    keepers = registry.build_keepers()
    registry.init_genesis(store, keepers, staking_state(KEYS, **params) if app_state is None else app_state)
    return store, keepers


def ctx_at(store, height: int) -> Context:
    return Context(store, BlockInfo(height, 0, 0, "t"), GasMeter(None))


def invariants_hold(store, keepers) -> bool:
    staked = keepers.staking.total_staked(store)
    return supply_invariant_violation(keepers.bank, store) is None and \
        staked == keepers.bank.balance(store, STAKING_ADDRESS, DENOM)


# ---------------------------------------------------------------- params


def test_default_params_are_valid_and_stored():
    params = default_params()
    validate_params(params)
    assert (params.bond_denom, params.min_collateral, params.unbonding_blocks, params.max_unbonding_entries) == \
        ("usprint", "1000000000", 100_800, 7)
    store, keepers = setup(app_state={})
    assert keepers.staking.get_params(store) == params
    assert store.get(keys.PARAMS_KEY) == params.SerializeToString()


@pytest.mark.parametrize("field, value, message", [
    ("bond_denom", "x", "bond_denom"),
    ("min_collateral", "-1", "min_collateral"),
    ("min_collateral", "01", "min_collateral"),
    ("min_collateral", "", "min_collateral"),
    ("unbonding_blocks", 0, "unbonding_blocks"),
    ("max_unbonding_entries", 0, "max_unbonding_entries"),
])
def test_bad_params_are_rejected(field, value, message):
    params = default_params()
    setattr(params, field, value)
    with pytest.raises(ErrInvalidRequest, match=message):
        validate_params(params)


def test_partial_genesis_params_keep_the_other_defaults():
    valid = staking_genesis.validate_genesis({"params": {"min_collateral": "0"}})
    assert valid.params.min_collateral == "0" and valid.params.unbonding_blocks == 100_800


# ---------------------------------------------------------------- stake / unstake


def test_stake_moves_coins_into_the_module_account():
    store, keepers = setup()
    ctx = ctx_at(store, 5)
    keepers.staking.stake(ctx, A, 1_500_000)
    assert keepers.staking.bonded(store, A) == 1_500_000
    assert keepers.bank.balance(store, A, DENOM) == INITIAL_BALANCE - 1_500_000
    assert keepers.bank.balance(store, STAKING_ADDRESS, DENOM) == 1_500_000
    assert [e.type for e in ctx.events][-1] == "stake"
    assert invariants_hold(store, keepers)


def test_stake_more_than_balance_fails_without_writes():
    store, keepers = setup()
    branch = store.branch()
    with pytest.raises(ErrInsufficientFunds, match="insufficient funds"):
        keepers.staking.stake(ctx_at(branch, 5), A, INITIAL_BALANCE + 1)
    assert keepers.staking.bonded(branch, A) == 0 and keepers.bank.balance(branch, A, DENOM) == INITIAL_BALANCE


def test_meets_min_collateral_boundary():
    store, keepers = setup(min_collateral=1_000_000)
    keepers.staking.stake(ctx_at(store, 1), A, 999_999)
    assert not keepers.staking.meets_min_collateral(store, A)
    keepers.staking.stake(ctx_at(store, 1), A, 1)
    assert keepers.staking.meets_min_collateral(store, A)
    assert not keepers.staking.meets_min_collateral(store, B)


def test_unstake_creates_an_entry_completing_after_the_lockup():
    store, keepers = setup(unbonding_blocks=3)
    keepers.staking.stake(ctx_at(store, 1), A, 1000)
    entry = keepers.staking.unstake(ctx_at(store, 10), A, 300)
    assert (entry.completion_height, entry.creation_height, entry.amount) == (13, 10, "300")
    keepers.staking.unstake(ctx_at(store, 10), A, 200)  # same block: merged into one entry
    entries = keepers.staking.unbonding_entries(store, A)
    assert [(e.completion_height, e.amount) for e in entries] == [(13, "500")]
    assert keepers.staking.bonded(store, A) == 500
    assert store.get(keys.queue_key(13, A)) is not None
    assert invariants_hold(store, keepers)


def test_unstake_more_than_bonded_or_too_many_entries_is_refused():
    store, keepers = setup(max_entries=2)
    keepers.staking.stake(ctx_at(store, 1), A, 1000)
    with pytest.raises(ErrInvalidRequest, match="only 1000usprint is bonded"):
        keepers.staking.unstake(ctx_at(store, 2), A, 1001)
    keepers.staking.unstake(ctx_at(store, 2), A, 1)
    keepers.staking.unstake(ctx_at(store, 3), A, 1)
    with pytest.raises(ErrInvalidRequest, match="too many unbonding entries"):
        keepers.staking.unstake(ctx_at(store, 4), A, 1)
    keepers.staking.unstake(ctx_at(store, 3), A, 1)  # joins the existing height-3 entry
    assert keepers.staking.bonded(store, A) == 997


def test_end_block_releases_linearly_by_completion_height_then_operator_bytes():
    store, keepers = setup(unbonding_blocks=3)
    for op in (A, B, C):
        keepers.staking.stake(ctx_at(store, 1), op, 1000)
    keepers.staking.unstake(ctx_at(store, 2), C, 30)  # completes at 5
    keepers.staking.unstake(ctx_at(store, 2), A, 10)  # completes at 5
    keepers.staking.unstake(ctx_at(store, 1), B, 20)  # completes at 4
    keepers.staking.unstake(ctx_at(store, 3), A, 40)  # completes at 6
    released = []
    for height in range(2, 8):
        ctx = ctx_at(store, height)
        keepers.staking.end_block(ctx)
        released += [(height, e.type[10:], dict(e.attributes)["operator"], dict(e.attributes)["amount"])
                     for e in ctx.events if e.type in ("unbonding_release", "unbonding_complete")]
        assert invariants_hold(store, keepers)
    by = {k.address: k.bech32 for k in KEYS}
    a, b, c = by[A], by[B], by[C]
    a_c = [(a, "A"), (c, "C")] if A < C else [(c, "C"), (a, "A")]  # same completion height: operator bytes
    # each block releases remaining // blocks left (this one included); the last block the rest
    shares = {("A", 3): "3", ("A", 4): "3", ("A", 5): "4", ("C", 3): "10", ("C", 4): "10", ("C", 5): "10"}
    expected = [(2, "release", b, "6usprint"),
                (3, "release", b, "7usprint")] + [(3, "release", op, shares[n, 3] + "usprint") for op, n in a_c] + \
        [(4, "complete", b, "7usprint")] + [(4, "release", op, shares[n, 4] + "usprint") for op, n in a_c] + \
        [(4, "release", a, "13usprint")] + \
        [(5, "complete", op, shares[n, 5] + "usprint") for op, n in a_c] + [(5, "release", a, "13usprint"),
                                                                            (6, "complete", a, "14usprint")]
    assert released == expected
    assert keepers.bank.balance(store, A, DENOM) == INITIAL_BALANCE - 1000 + 50
    assert list(store.iterate(keys.UNBONDING_QUEUE_PREFIX)) == []
    assert list(store.iterate(keys.UNBONDING_BY_OPERATOR_PREFIX)) == []


# ---------------------------------------------------------------- slash


@pytest.mark.parametrize("bonded, bps, expected", [
    (999, 3333, 332),  # floor(999 * 0.3333) = floor(332.9667)
    (1, 9999, 0),
    (10_000, 1, 1),
    (7, 10_000, 7),
    (12345, 0, 0),
    (10**30 + 7, 5000, (10**30 + 7) // 2),
])
def test_slash_rounds_down(bonded, bps, expected):
    store, keepers = setup()
    keepers.bank.add_coins(store, A, [(DENOM, 10**31)])  # enough for any bond here
    keepers.bank.set_supply(store, DENOM, keepers.bank.supply(store, DENOM) + 10**31)
    keepers.staking.stake(ctx_at(store, 1), A, bonded)
    supply = keepers.bank.supply(store, DENOM)
    ctx = ctx_at(store, 2)
    assert keepers.staking.slash(ctx, A, bps, "test") == expected
    assert keepers.staking.bonded(store, A) == bonded - expected
    assert keepers.bank.supply(store, DENOM) == supply - expected
    event = [e for e in ctx.events if e.type == "slash"][0]
    assert dict(event.attributes) == {"host": KEYS[0].bech32, "amount": f"{expected}usprint", "reason": "test",
                                      "fraction_bps": str(bps)}
    assert invariants_hold(store, keepers)


def test_slash_reaches_pending_unbonding_entries():
    store, keepers = setup(unbonding_blocks=5)
    keepers.staking.stake(ctx_at(store, 1), A, 1000)
    keepers.staking.unstake(ctx_at(store, 2), A, 601)
    keepers.staking.unstake(ctx_at(store, 3), A, 1)
    # 25%: bond 398 -> cut 99; entries 601 -> 150, 1 -> 0
    assert keepers.staking.slash(ctx_at(store, 4), A, 2500, "rejected proof") == 99 + 150
    assert keepers.staking.bonded(store, A) == 299
    assert [(e.completion_height, e.amount) for e in keepers.staking.unbonding_entries(store, A)] == \
        [(7, "451"), (8, "1")]
    assert keepers.staking.slash(ctx_at(store, 4), A, 10_000, "all") == 299 + 451 + 1
    assert keepers.staking.unbonding_entries(store, A) == [] and keepers.staking.bonded(store, A) == 0
    assert invariants_hold(store, keepers)


def test_slash_of_unknown_operator_is_zero_and_bad_fraction_raises():
    store, keepers = setup()
    assert keepers.staking.slash(ctx_at(store, 1), B, 5000, "nothing bonded") == 0
    with pytest.raises(ValueError, match="fraction_bps"):
        keepers.staking.slash(ctx_at(store, 1), B, 10_001, "too much")
    with pytest.raises(ValueError):
        keepers.staking.slash(ctx_at(store, 1), B, -1, "negative")


def test_burn_from_module_refuses_more_than_held():
    store, keepers = setup()
    keepers.staking.stake(ctx_at(store, 1), A, 10)
    with pytest.raises(ErrInsufficientFunds):
        keepers.bank.burn_from_module(ctx_at(store.branch(), 1), "staking", [(DENOM, 11)])
    ctx = ctx_at(store, 1)
    keepers.bank.burn_from_module(ctx, "staking", [(DENOM, 4)])
    assert keepers.bank.balance(store, STAKING_ADDRESS, DENOM) == 6
    assert [e.type for e in ctx.events] == ["coin_spent", "burn"]


# ---------------------------------------------------------------- genesis


def test_genesis_round_trip_with_bonds_and_unbonding():
    entry = {"operator": KEYS[1].bech32, "amount": "5", "completion_height": "9", "creation_height": "6"}
    store, keepers = setup(app_state=staking_state(KEYS, bonds={KEYS[0].bech32: 2_000_000, KEYS[2].bech32: 7},
                                                   unbonding=[entry]))
    exported = staking_genesis.export_genesis(store, keepers.staking)
    assert json.loads(json.dumps(exported)) == exported
    assert exported["unbonding"] == [entry]
    assert {b["operator"]: b["amount"] for b in exported["bonds"]} == {KEYS[0].bech32: "2000000", KEYS[2].bech32: "7"}
    again, keepers2 = setup(app_state=dict(staking_state(KEYS, bonds={KEYS[0].bech32: 2_000_000,
                                                                       KEYS[2].bech32: 7}, unbonding=[entry]),
                                           staking=exported))
    assert staking_genesis.export_genesis(again, keepers2.staking) == exported
    assert [w for w in again.sorted_writes() if w[0][:1] in (b"\x40", b"\x41", b"\x42", b"\x43")] == \
        [w for w in store.sorted_writes() if w[0][:1] in (b"\x40", b"\x41", b"\x42", b"\x43")]
    # the entry matures at height 9 and goes back to its operator
    keepers2.staking.end_block(ctx_at(again, 9))
    assert keepers2.bank.balance(again, KEYS[1].address, DENOM) == INITIAL_BALANCE + 5


def test_genesis_module_balance_must_equal_bonds():
    app_state = staking_state(KEYS, bonds={KEYS[0].bech32: 100})
    app_state["bank"]["balances"][-1]["coins"][0]["amount"] = "99"
    with pytest.raises(ErrInvalidRequest, match=f"bonds \\+ unbonding = 100usprint but the staking module account "
                                                f"{STAKING_BECH32} holds 99usprint"):
        setup(app_state=app_state)
    app_state = staking_state(KEYS)
    app_state["bank"]["balances"].append({"address": STAKING_BECH32, "coins": [{"denom": DENOM, "amount": "1"}]})
    with pytest.raises(ErrInvalidRequest, match="holds 1usprint"):
        setup(app_state=app_state)


@pytest.mark.parametrize("staking, message", [
    ({"bonds": [{"operator": "sprint1bad", "amount": "1"}]}, "bonds\\[0\\]: operator"),
    ({"bonds": [{"operator": KEYS[0].bech32, "amount": "0"}]}, "bonds\\[0\\]: amount"),
    ({"bonds": [{"operator": KEYS[0].bech32, "amount": "1"}, {"operator": KEYS[0].bech32, "amount": "1"}]},
     "also bonds\\[0\\]"),
    ({"unbonding": [{"operator": KEYS[0].bech32, "amount": "1", "completion_height": "0"}]}, "completion_height"),
    ({"unbonding": [{"operator": KEYS[0].bech32, "amount": "1", "completion_height": "5", "creation_height": "6"}]},
     "creation_height"),
    ({"unbonding": [{"operator": KEYS[0].bech32, "amount": "1", "completion_height": "5"}] * 2},
     "same operator and completion_height"),
    ({"params": {"unbonding_blocks": "0"}}, "unbonding_blocks"),
    ({"params": {"nope": 1}}, "staking genesis"),
])
def test_bad_staking_genesis_is_rejected(staking, message):
    with pytest.raises(ErrInvalidRequest, match=message):
        staking_genesis.validate_genesis(staking)


def test_genesis_hosts_need_min_collateral_when_staking_is_configured():
    from tests.unit.chain.modules.test_hosts import host_json

    host = host_json(0)
    app_state = staking_state(KEYS, min_collateral=1000, bonds={KEYS[0].bech32: 999})
    app_state["hosts"] = {"hosts": [host]}
    with pytest.raises(ErrInvalidRequest, match="has 999usprint bonded, below min_collateral 1000usprint"):
        setup(app_state=app_state)
    app_state = staking_state(KEYS, min_collateral=1000, bonds={KEYS[0].bech32: 1000})
    app_state["hosts"] = {"hosts": [host]}
    setup(app_state=app_state)
    app_state = staking_state(KEYS, min_collateral=0)
    app_state["hosts"] = {"hosts": [host]}
    setup(app_state=app_state)  # min_collateral 0: nothing to check
    app_state = staking_state(KEYS, min_collateral=1000)
    app_state["hosts"] = {"hosts": [dict(host, weight="0"), host_json(1, status="HOST_STATUS_INACTIVE")]}
    setup(app_state=app_state)  # hosts without voting power are exempt (export of a slashed host re-imports)
    legacy = {k: v for k, v in app_state.items() if k != "staking"}
    legacy["hosts"] = {"hosts": [host]}
    setup(app_state=legacy)  # no staking section: hosts-only genesis (older tests, devnet without hosts)


# ---------------------------------------------------------------- queries


def test_stake_and_params_queries():
    from sprint.staking.v1 import query_pb2

    store, keepers = setup(unbonding_blocks=4)
    keepers.staking.stake(ctx_at(store, 1), A, 50)
    keepers.staking.unstake(ctx_at(store, 2), A, 20)
    router = registry.build_query_router()

    def ask(path, request, response):
        return response.FromString(router.query_bytes(path, request.SerializeToString(), store, keepers))

    got = ask("/sprint.staking.v1.Query/Stake", query_pb2.QueryStakeRequest(operator=KEYS[0].bech32),
              query_pb2.QueryStakeResponse)
    assert got.bonded == "30" and [(e.amount, e.completion_height) for e in got.unbonding] == [("20", 6)]
    unknown = ask("/sprint.staking.v1.Query/Stake", query_pb2.QueryStakeRequest(operator=KEYS[3].bech32),
                  query_pb2.QueryStakeResponse)
    assert unknown.bonded == "0" and list(unknown.unbonding) == []
    params = ask("/sprint.staking.v1.Query/Params", query_pb2.QueryParamsRequest(), query_pb2.QueryParamsResponse)
    assert params.params.unbonding_blocks == 4 and isinstance(params.params, Params)
    from chain.query import QueryError
    with pytest.raises(QueryError, match="invalid"):
        router.query_bytes("/sprint.staking.v1.Query/Stake",
                           query_pb2.QueryStakeRequest(operator="nope").SerializeToString(), store, keepers)
