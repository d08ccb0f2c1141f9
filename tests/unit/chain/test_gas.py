"""Gas meter and the gas-charging store wrapper."""

from __future__ import annotations

import pytest

from chain.errors import ErrOutOfGas
from chain.gas import GasCosts, GasMeter, GasStore, OutOfGas
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB

COSTS = GasCosts(read_flat=1000, read_per_byte=3, write_flat=2000, write_per_byte=30, delete_flat=1000,
                 iter_next_flat=30)


def test_meter_counts_and_allows_exactly_the_limit():
    meter = GasMeter(100)
    meter.consume(40, "a")
    meter.consume(60, "b")
    assert meter.consumed == 100


def test_meter_raises_past_the_limit_with_descriptor_and_numbers():
    meter = GasMeter(100)
    meter.consume(90, "a")

    with pytest.raises(OutOfGas) as info:
        meter.consume(11, "WriteFlat")

    err = info.value.to_tx_error()
    assert isinstance(err, ErrOutOfGas) and err.code == 11
    assert "WriteFlat" in err.log and "gasWanted: 100" in err.log and "gasUsed: 101" in err.log


def test_infinite_meter_never_raises():
    meter = GasMeter(None)
    meter.consume(10**18, "x")
    assert meter.consumed == 10**18


def _store():
    db = MemoryDB()
    db.write_batch({b"p/a": b"12345", b"p/b": b"x", b"q": b"zz"})
    return CacheStore(db.snapshot())


def test_get_charges_flat_plus_per_byte_of_key_and_value():
    meter = GasMeter(None)
    store = GasStore(_store(), meter, COSTS)

    assert store.get(b"p/a") == b"12345"
    assert meter.consumed == 1000 + 3 * (3 + 5)
    assert store.get(b"missing") is None
    assert meter.consumed == 1000 + 3 * 8 + 1000 + 3 * 7


def test_set_and_delete_charge_and_reach_the_underlying_store():
    inner = _store()
    meter = GasMeter(None)
    store = GasStore(inner, meter, COSTS)

    store.set(b"k", b"vv")
    assert meter.consumed == 2000 + 30 * 3
    store.delete(b"p/a")
    assert meter.consumed == 2000 + 30 * 3 + 1000
    assert inner.get(b"k") == b"vv" and inner.get(b"p/a") is None


def test_iterate_charges_per_entry_returned():
    meter = GasMeter(None)
    store = GasStore(_store(), meter, COSTS)

    assert list(store.iterate(b"p/")) == [(b"p/a", b"12345"), (b"p/b", b"x")]
    assert meter.consumed == (30 + 3 * 8) + (30 + 3 * 4)


def test_out_of_gas_on_write_happens_before_the_write():
    inner = _store()
    meter = GasMeter(2500)
    store = GasStore(inner, meter, COSTS)

    with pytest.raises(OutOfGas):
        store.set(b"k", b"v" * 100)

    assert inner.get(b"k") is None


def test_gas_is_deterministic_for_the_same_accesses():
    def run():
        meter = GasMeter(None)
        store = GasStore(_store(), meter, COSTS)
        store.get(b"q")
        store.set(b"new", b"abc")
        list(store.iterate(b""))
        store.delete(b"q")
        return meter.consumed

    assert run() == run()
