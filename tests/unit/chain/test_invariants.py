"""Supply invariants: balances == supply, and a block's supply change == its mint - burn events;
FinalizeBlock refuses to produce a block (raises) when either breaks."""

from __future__ import annotations

import pytest

from chain.context import BlockInfo, Context, Event
from chain.gas import GasMeter
from chain.invariants import (
    InvariantBroken, check_block_delta, check_supply, minted_minus_burned, parse_event_coins,
)
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from tests.helpers.chain import DENOM, INITIAL_BALANCE, finalize, genesis_state, make_keys, new_app, run_block

KEYS = make_keys(2)


def _app():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app)
    return app


def test_event_coins_parse_and_net_mint_minus_burn():
    assert parse_event_coins("5usprint,7uatom") == [("usprint", 5), ("uatom", 7)]
    with pytest.raises(InvariantBroken):
        parse_event_coins("five usprint")
    events = [Event("mint", [("minter", "x"), ("amount", "10usprint")]), Event("burn", [("amount", "3usprint,2uatom")]),
              Event("transfer", [("amount", "99usprint")])]
    assert minted_minus_burned(events) == {"usprint": 7, "uatom": -2}


def test_supply_matches_balances_and_a_bad_balance_breaks_it():
    app = _app()
    store = CacheStore(app.committed_store())
    check_supply(store, app.keepers.bank)
    app.keepers.bank.add_coins(store, KEYS[0].address, [(DENOM, 1)])  # coins from nowhere
    with pytest.raises(InvariantBroken, match="supply invariant broken for usprint"):
        check_supply(store, app.keepers.bank)
    check_supply(store, app.keepers.bank, denoms=["uother"])  # only the denoms asked for


def test_block_delta_must_match_mint_and_burn_events():
    check_block_delta({DENOM: 100}, {DENOM: 107}, [Event("mint", [("amount", f"7{DENOM}")])])
    check_block_delta({DENOM: 100}, {DENOM: 100}, [])
    with pytest.raises(InvariantBroken, match="changed by 7"):
        check_block_delta({DENOM: 100}, {DENOM: 107}, [])
    with pytest.raises(InvariantBroken, match="changed by 0"):
        check_block_delta({DENOM: 100}, {DENOM: 100}, [Event("burn", [("amount", f"1{DENOM}")])])
    with pytest.raises(InvariantBroken, match="uatom"):
        check_block_delta({}, {"uatom": 1}, [])


def test_mint_to_module_and_burn_keep_both_invariants():
    app = _app()
    store = CacheStore(app.committed_store())
    ctx = Context(store, BlockInfo(2, 0, 0, "sprint-test-1"), GasMeter(None))
    bank = app.keepers.bank
    before = dict(bank.all_supply(store))
    bank.mint_to_module(ctx, "rewards", [(DENOM, 50)])
    bank.burn_from_module(ctx, "rewards", [(DENOM, 20)])
    check_supply(store, bank)
    check_block_delta(before, dict(bank.all_supply(store)), ctx.events)
    assert bank.supply(store, DENOM) == before[DENOM] + 30


def test_finalize_block_raises_on_a_deliberate_bad_mint():
    app = _app()
    original = app.keepers.rewards.end_block

    def bad_mint(ctx, keepers):  # raises supply and a balance but emits no mint event
        original(ctx, keepers)
        keepers.bank.add_coins(ctx.store, KEYS[1].address, [(DENOM, 5)])
        keepers.bank.set_supply(ctx.store, DENOM, keepers.bank.supply(ctx.store, DENOM) + 5)

    app.keepers.rewards.end_block = bad_mint
    with pytest.raises(InvariantBroken, match="changed by"):
        finalize(app, [])


def test_finalize_block_raises_when_balances_and_supply_disagree():
    app = _app()
    original = app.keepers.rewards.end_block

    def leak(ctx, keepers):  # coins appear in an account, supply untouched
        original(ctx, keepers)
        keepers.bank.add_coins(ctx.store, KEYS[1].address, [(DENOM, INITIAL_BALANCE)])

    app.keepers.rewards.end_block = leak
    with pytest.raises(InvariantBroken, match="sum of balances"):
        finalize(app, [])
    assert app.height == 1  # nothing committed
