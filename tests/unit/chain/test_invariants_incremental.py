"""The per-block supply check is incremental: its cost follows the block's writes, not the number
of accounts, and it still stops a block that leaks or mints coins; the full balance sum runs on
the first block and every FULL_CHECK_INTERVAL heights."""

from __future__ import annotations

import hashlib
import re

import pytest

import chain.invariants as invariants
from chain.invariants import InvariantBroken, balance_changes, block_start
from chain.modules.bank.keys import BALANCE_PREFIX, balance_key
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from chain.tx.crypto import encode_address
from tests.helpers.chain import (
    DENOM, INITIAL_BALANCE, finalize, genesis_state, make_keys, make_send, new_app, run_block,
)

KEYS = make_keys(4)
ALICE, BOB = KEYS[0], KEYS[1]


class CountingDB:
    """A database whose snapshots count the balance entries read (gets and iterated items)."""

    def __init__(self, db):
        self.db = db
        self.balance_reads = 0

    def __getattr__(self, name):
        return getattr(self.db, name)

    def snapshot(self):
        return _CountingSnapshot(self, self.db.snapshot())


class _CountingSnapshot:
    def __init__(self, owner: CountingDB, snap):
        self.owner, self.snap = owner, snap

    def get(self, key):
        self.owner.balance_reads += key.startswith(BALANCE_PREFIX)
        return self.snap.get(key)

    def iterate(self, prefix):
        for key, value in self.snap.iterate(prefix):
            self.owner.balance_reads += key.startswith(BALANCE_PREFIX)
            yield key, value


def _state_with_accounts(extra: int) -> dict:
    state = genesis_state(KEYS)
    for i in range(extra):
        address = encode_address(hashlib.sha256(b"account-%d" % i).digest()[:20])
        state["bank"]["balances"].append({"address": address, "coins": [{"denom": DENOM, "amount": "7"}]})
    return state


def _balance_reads_of_one_block(extra_accounts: int) -> int:
    db = CountingDB(MemoryDB())
    app = new_app(db, _state_with_accounts(extra_accounts))
    run_block(app)  # the first block also runs the full sum (genesis state)
    db.balance_reads = 0
    block = run_block(app, [make_send(ALICE, BOB.bech32, 10, sequence=0)])
    assert block.codes == [0]
    return db.balance_reads


def test_per_block_balance_reads_do_not_grow_with_accounts():
    small, large = _balance_reads_of_one_block(1_000), _balance_reads_of_one_block(20_000)
    assert small == large
    assert small < 100  # a handful per changed balance, nowhere near the 1k accounts


def test_full_sum_runs_every_interval_heights(monkeypatch):
    monkeypatch.setattr(invariants, "FULL_CHECK_INTERVAL", 3)
    db = CountingDB(MemoryDB())
    app = new_app(db, _state_with_accounts(1_000))
    run_block(app)
    db.balance_reads = 0
    run_block(app)  # height 2: incremental only
    incremental = db.balance_reads
    db.balance_reads = 0
    run_block(app)  # height 3: plus the full sum
    assert incremental < 100 and db.balance_reads >= 1_000


def test_the_periodic_full_sum_catches_state_corrupted_outside_any_block(monkeypatch):
    monkeypatch.setattr(invariants, "FULL_CHECK_INTERVAL", 3)
    db = MemoryDB()
    app = new_app(db, genesis_state(KEYS))
    run_block(app)
    db.write_batch({balance_key(BOB.address, DENOM): b"%d" % (INITIAL_BALANCE + 1)})  # behind the app's back
    app._reset_caches()  # noqa: SLF001 - pick up the corrupted snapshot
    run_block(app)  # height 2: the block itself is balanced
    with pytest.raises(InvariantBroken, match="sum of balances"):
        finalize(app, [])


@pytest.mark.parametrize("change", ["add", "delete"])
def test_a_leak_is_caught_in_its_own_block_without_the_full_sum(monkeypatch, change):
    monkeypatch.setattr(invariants, "FULL_CHECK_INTERVAL", 10**9)
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app)
    original = app.keepers.rewards.end_block

    def leak(ctx, keepers):
        original(ctx, keepers)
        if change == "add":
            keepers.bank.add_coins(ctx.store, KEYS[2].address, [(DENOM, 3)])
        else:
            ctx.store.delete(balance_key(KEYS[2].address, DENOM))

    monkeypatch.setattr(app.keepers.rewards, "end_block", leak)
    with pytest.raises(InvariantBroken, match="sum of balances changed by") as broken:
        finalize(app, [])
    supply_change, balances_change = map(int, re.findall(r"changed by (-?\d+)", str(broken.value)))
    assert balances_change - supply_change == (3 if change == "add" else -INITIAL_BALANCE)
    assert app.height == 1


def test_balance_changes_compare_with_the_state_the_block_started_from():
    parent = CacheStore(MemoryDB().snapshot())
    parent.set(balance_key(ALICE.address, DENOM), b"100")
    parent.set(balance_key(BOB.address, DENOM), b"50")
    store = CacheStore(parent)
    store.set(balance_key(ALICE.address, "uatom"), b"9")  # written before the block started
    start = block_start(store, _NoSupplyBank())
    store.set(balance_key(ALICE.address, DENOM), b"70")
    store.set(balance_key(BOB.address, DENOM), b"50")  # rewritten, unchanged
    store.delete(balance_key(ALICE.address, "uatom"))
    store.set(b"\x01unrelated", b"1")
    assert balance_changes(store, start) == {DENOM: -30, "uatom": -9}
    assert start.after_genesis


class _NoSupplyBank:
    def all_supply(self, store):
        return []
