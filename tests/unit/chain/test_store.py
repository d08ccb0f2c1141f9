"""Store layers: MemoryDB / LevelDB backends (+ snapshots) and the CacheStore write-back cache."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain.store.cache import CacheStore
from chain.store.kv import prefix_end
from chain.store.leveldb import LevelDB
from chain.store.memory import MemoryDB


@pytest.fixture(params=["memory", "leveldb"])
def db(request, tmp_path):
    if request.param == "memory":
        database = MemoryDB()
    else:
        database = LevelDB(tmp_path / "db")
    yield database
    database.close()


def test_write_batch_sets_and_deletes_and_get_returns_none_for_missing(db):
    db.write_batch({b"a": b"1", b"b": b"2", b"c": b"3"})

    db.write_batch({b"b": None, b"d": b"4", b"missing": None})

    assert db.get(b"a") == b"1"
    assert db.get(b"b") is None
    assert db.get(b"d") == b"4"
    assert db.get(b"missing") is None


def test_iterate_is_ascending_by_bytes_and_restricted_to_prefix(db):
    keys = [b"\x10\xff", b"\x10\x00", b"\x10", b"\x10\x01\x02", b"\x11", b"\x0f\xff", b"\x10\x01"]
    db.write_batch({k: k + b"!" for k in keys})

    got = list(db.iterate(b"\x10"))

    assert [k for k, _ in got] == [b"\x10", b"\x10\x00", b"\x10\x01", b"\x10\x01\x02", b"\x10\xff"]
    assert all(v == k + b"!" for k, v in got)
    assert [k for k, _ in db.iterate(b"")] == sorted(keys)
    assert list(db.iterate(b"\x12")) == []


def test_snapshot_is_immutable_after_later_writes(db):
    db.write_batch({b"k1": b"old", b"k2": b"x"})
    snap = db.snapshot()

    db.write_batch({b"k1": b"new", b"k2": None, b"k3": b"added"})

    assert snap.get(b"k1") == b"old"
    assert snap.get(b"k2") == b"x"
    assert snap.get(b"k3") is None
    assert list(snap.iterate(b"k")) == [(b"k1", b"old"), (b"k2", b"x")]
    assert db.get(b"k1") == b"new"


class _FailingPuts(dict):
    """A puts mapping whose iteration fails after the first entry (a bug or a crash mid-commit)."""

    def items(self):
        iterator = iter(list(super().items()))
        yield next(iterator)
        raise RuntimeError("boom while building the batch")


def test_write_batch_is_all_or_nothing_when_building_the_batch_fails(db):
    db.write_batch({b"a": b"1"})

    with pytest.raises(RuntimeError):
        db.write_batch(_FailingPuts({b"a": b"2", b"b": b"3"}))

    # Nothing of the failed batch may reach the database (LevelDB: plyvel's write_batch writes a
    # partial batch on exception unless it is opened with transaction=True).
    assert db.get(b"a") == b"1"
    assert db.get(b"b") is None


def test_leveldb_persists_across_reopen(tmp_path):
    path = tmp_path / "db"
    first = LevelDB(path)
    first.write_batch({b"x": b"1", b"y": b"2"})
    first.write_batch({b"y": None})
    first.close()

    second = LevelDB(path)

    assert list(second.iterate(b"")) == [(b"x", b"1")]
    second.close()


# --- CacheStore -------------------------------------------------------------------------------

def _base(db) -> CacheStore:
    db.write_batch({b"p/a": b"1", b"p/b": b"2", b"p/c": b"3", b"q/a": b"9"})
    return CacheStore(db.snapshot())


def test_cache_reads_through_and_buffers_writes_without_touching_parent(db):
    cache = _base(db)

    cache.set(b"p/b", b"20")
    cache.set(b"p/d", b"4")
    cache.delete(b"p/a")

    assert cache.get(b"p/a") is None
    assert cache.get(b"p/b") == b"20"
    assert cache.get(b"p/c") == b"3"
    assert cache.get(b"p/d") == b"4"
    assert db.get(b"p/a") == b"1" and db.get(b"p/b") == b"2" and db.get(b"p/d") is None


def test_cache_iterate_merges_in_order_and_deleted_keys_shadow_parent(db):
    cache = _base(db)
    cache.delete(b"p/b")
    cache.set(b"p/0", b"0")
    cache.set(b"p/bb", b"22")
    cache.set(b"p/c", b"30")
    cache.delete(b"p/zz")  # deleting a key that never existed is harmless

    assert list(cache.iterate(b"p/")) == [(b"p/0", b"0"), (b"p/a", b"1"), (b"p/bb", b"22"), (b"p/c", b"30")]
    assert list(cache.iterate(b"q/")) == [(b"q/a", b"9")]


def test_delete_then_set_again_is_visible(db):
    cache = _base(db)
    cache.delete(b"p/a")
    cache.set(b"p/a", b"back")

    assert cache.get(b"p/a") == b"back"
    assert (b"p/a", b"back") in list(cache.iterate(b"p/"))


def test_branch_write_pushes_into_parent_and_clears_itself(db):
    parent = _base(db)
    child = parent.branch()
    child.set(b"p/new", b"n")
    child.delete(b"p/a")

    assert parent.get(b"p/new") is None and parent.get(b"p/a") == b"1"
    child.write()

    assert parent.get(b"p/new") == b"n"
    assert parent.get(b"p/a") is None
    assert child.writes == {}
    assert [k for k, _ in parent.iterate(b"p/")] == [b"p/b", b"p/c", b"p/new"]


def test_branch_dropped_without_write_reverts(db):
    parent = _base(db)
    parent.set(b"p/x", b"kept")
    child = parent.branch()
    child.set(b"p/x", b"changed")
    child.delete(b"p/b")
    grandchild = child.branch()
    grandchild.set(b"p/y", b"y")
    grandchild.write()  # only into `child`

    del child, grandchild

    assert parent.get(b"p/x") == b"kept"
    assert parent.get(b"p/b") == b"2"
    assert parent.get(b"p/y") is None
    assert parent.sorted_writes() == [(b"p/x", b"kept")]


def test_nested_branches_see_ancestors_writes(db):
    parent = _base(db)
    parent.delete(b"p/c")
    child = parent.branch()
    child.set(b"p/d", b"4")
    grandchild = child.branch()

    assert grandchild.get(b"p/c") is None
    assert grandchild.get(b"p/d") == b"4"
    assert [k for k, _ in grandchild.iterate(b"p/")] == [b"p/a", b"p/b", b"p/d"]


def test_sorted_writes_is_sorted_and_records_deletes_as_none(db):
    cache = _base(db)
    cache.set(b"z", b"1")
    cache.delete(b"p/a")
    cache.set(b"a", b"2")

    assert cache.sorted_writes() == [(b"a", b"2"), (b"p/a", None), (b"z", b"1")]


def test_cache_rejects_non_bytes():
    cache = CacheStore(MemoryDB().snapshot())
    with pytest.raises(TypeError):
        cache.set("k", b"v")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cache.set(b"k", "v")  # type: ignore[arg-type]


def test_prefix_end():
    assert prefix_end(b"\x10") == b"\x11"
    assert prefix_end(b"a\xff") == b"b"
    assert prefix_end(b"\xff\xff") is None
    assert prefix_end(b"") is None


_keys = st.binary(min_size=1, max_size=3).map(lambda b: b"k" + b)
_ops = st.lists(st.tuples(_keys, st.one_of(st.none(), st.binary(max_size=4))), max_size=25)


@settings(max_examples=200, deadline=None)
@given(initial=st.dictionaries(_keys, st.binary(max_size=4), max_size=10), ops=_ops, commit=st.booleans())
def test_cache_matches_a_dict_model(initial, ops, commit):
    db = MemoryDB()
    db.write_batch(dict(initial))
    cache = CacheStore(db.snapshot())
    branch = cache.branch()
    model = dict(initial)
    for key, value in ops:
        if value is None:
            branch.delete(key)
            model.pop(key, None)
        else:
            branch.set(key, value)
            model[key] = value

    assert list(branch.iterate(b"k")) == sorted(model.items())
    assert all(branch.get(k) == model.get(k) for k, _ in ops)
    if commit:
        branch.write()
        expected = model
    else:
        expected = dict(initial)
    assert list(cache.iterate(b"k")) == sorted(expected.items())
    # Pushing the block cache into the database gives the same state.
    db.write_batch(dict(cache.writes))
    assert list(db.iterate(b"k")) == sorted(expected.items())
