"""`cosmos.base.query.v1beta1.PageRequest` over a store prefix, with the SDK's rules.

- `key` and `offset` together are refused (INVALID_ARGUMENT), as the SDK does.
- `limit` 0 means DEFAULT_LIMIT and then the total is counted (SDK behaviour when no limit is
  given); a limit above MAX_LIMIT is cut to MAX_LIMIT so one query never builds a huge answer.
- `key` is the store key of the first entry to return, relative to the prefix (the `next_key` of
  the previous page). `total` is filled only on offset pages with `count_total`.
- `reverse` walks the prefix from its end (the entries' keys are collected first).

The stores iterate a prefix from its start, so a page costs the entries before it plus `limit`.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import cosmpy.protos  # noqa: F401
from cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse

from chain.query import invalid_argument

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _entries(store, prefix: bytes, reverse: bool) -> Iterator[tuple[bytes, bytes]]:
    items = ((key[len(prefix):], value) for key, value in store.iterate(prefix))
    return iter(list(items)[::-1]) if reverse else items


def _limits(page: PageRequest | None) -> tuple[int, bool]:
    limit, count_total = page.limit, page.count_total
    if limit == 0:
        return DEFAULT_LIMIT, True
    return min(limit, MAX_LIMIT), count_total


def _past_key(rel_key: bytes, start: bytes, reverse: bool) -> bool:
    """True when `rel_key` comes before `start` in the walking order (to be skipped)."""
    return rel_key > start if reverse else rel_key < start


def paginate(store, prefix: bytes, page: PageRequest | None, decode: Callable[[bytes, bytes], object],
             keep: Callable[[object], bool] | None = None) -> tuple[list, PageResponse]:
    """One page of `decode(relative key, value)` over the entries under `prefix` that `keep` accepts.

    Raises QueryError(invalid_argument) for key + offset together."""
    page = page if page is not None else PageRequest()
    if page.key and page.offset:
        raise invalid_argument("invalid request, either offset or key is expected, got both")
    limit, count_total = _limits(page)
    entries = _filtered(_entries(store, prefix, page.reverse), decode, keep)
    if page.key:
        return _key_page(entries, page.key, limit, page.reverse)
    return _offset_page(entries, page.offset, limit, count_total)


def _filtered(entries, decode, keep) -> Iterator[tuple[bytes, object]]:
    for rel_key, value in entries:
        item = decode(rel_key, value)
        if keep is None or keep(item):
            yield rel_key, item


def _key_page(entries: Iterable, start: bytes, limit: int, reverse: bool) -> tuple[list, PageResponse]:
    items: list = []
    for rel_key, item in entries:
        if _past_key(rel_key, start, reverse):
            continue
        if len(items) == limit:
            return items, PageResponse(next_key=rel_key)
        items.append(item)
    return items, PageResponse()


def _offset_page(entries: Iterable, offset: int, limit: int, count_total: bool) -> tuple[list, PageResponse]:
    items: list = []
    next_key, count = b"", 0
    for rel_key, item in entries:
        count += 1
        if count <= offset:
            continue
        if len(items) < limit:
            items.append(item)
        elif not next_key:
            next_key = rel_key
            if not count_total:
                break
    return items, PageResponse(next_key=next_key, total=count if count_total else 0)

