"""PageRequest rules of chain/modules/auth/pagination.py (the SDK's query.Paginate behaviour)."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import pytest
from cosmos.base.query.v1beta1.pagination_pb2 import PageRequest

from chain.modules.auth.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from chain.query import QueryError
from chain.store.memory import MemoryDB

PREFIX = b"\x77"


@pytest.fixture()
def store():
    db = MemoryDB()
    db.write_batch({PREFIX + b"%04d" % i: b"%d" % i for i in range(1500)} | {b"\x78x": b"other"}, sync=False)
    return db.snapshot()


def values(store, page, keep=None):
    return paginate(store, PREFIX, page, lambda key, raw: int(raw), keep)


def test_no_limit_means_default_limit_and_a_total(store):
    items, page = values(store, None)
    assert items == list(range(DEFAULT_LIMIT)) and page.total == 1500 and page.next_key == b"%04d" % DEFAULT_LIMIT


def test_limit_is_capped(store):
    items, page = values(store, PageRequest(limit=10**9))
    assert len(items) == MAX_LIMIT and page.next_key == b"%04d" % MAX_LIMIT and page.total == 0


def test_key_pages_walk_everything_once(store):
    seen, key = [], b""
    while True:
        items, page = values(store, PageRequest(key=key, limit=400))
        seen += items
        key = page.next_key
        if not key:
            break
    assert seen == list(range(1500))


def test_offset_and_count_total(store):
    items, page = values(store, PageRequest(offset=1498, limit=5, count_total=True))
    assert items == [1498, 1499] and page.next_key == b"" and page.total == 1500
    items, page = values(store, PageRequest(offset=5000, limit=5))
    assert items == [] and page.next_key == b""


def test_reverse_with_key(store):
    items, page = values(store, PageRequest(reverse=True, limit=3))
    assert items == [1499, 1498, 1497] and page.next_key == b"1496"
    items, _ = values(store, PageRequest(reverse=True, limit=2, key=page.next_key))
    assert items == [1496, 1495]


def test_filter_applies_before_paging(store):
    items, page = values(store, PageRequest(limit=3, count_total=True), keep=lambda v: v % 2 == 0)
    assert items == [0, 2, 4] and page.total == 750 and page.next_key == b"0006"


def test_key_and_offset_together_are_refused(store):
    with pytest.raises(QueryError) as err:
        values(store, PageRequest(key=b"0001", offset=1))
    assert err.value.status == "invalid_argument"

