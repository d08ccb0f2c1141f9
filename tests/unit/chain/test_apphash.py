"""App hash: a deterministic, unambiguous commitment to (previous hash, height, sorted write-set)."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from chain.apphash import DOMAIN, compute_app_hash

PREV = hashlib.sha256(b"prev").digest()


def test_known_vector_matches_the_documented_encoding():
    writes = [(b"a", b"xy"), (b"bc", None)]
    expected = hashlib.sha256(
        DOMAIN + PREV + (7).to_bytes(8, "big")
        + b"\x00\x00\x00\x01a" + b"\x01" + b"\x00\x00\x00\x02xy"
        + b"\x00\x00\x00\x02bc" + b"\x00"
    ).digest()

    assert compute_app_hash(PREV, 7, writes) == expected
    assert len(expected) == 32


def test_depends_on_previous_hash_height_and_every_entry():
    writes = [(b"k", b"v")]
    base = compute_app_hash(PREV, 1, writes)

    assert compute_app_hash(PREV, 1, list(writes)) == base
    assert compute_app_hash(b"", 1, writes) != base
    assert compute_app_hash(PREV, 2, writes) != base
    assert compute_app_hash(PREV, 1, [(b"k", b"w")]) != base
    assert compute_app_hash(PREV, 1, [(b"k", None)]) != base
    assert compute_app_hash(PREV, 1, []) != base


def test_empty_value_differs_from_delete():
    assert compute_app_hash(PREV, 1, [(b"k", b"")]) != compute_app_hash(PREV, 1, [(b"k", None)])


def test_length_prefixes_prevent_boundary_shifts():
    pairs = [
        ([(b"ab", b"c")], [(b"a", b"bc")]),
        ([(b"a", b"b"), (b"c", b"d")], [(b"a", b"b\x00\x00\x00\x01c\x01\x00\x00\x00\x01d")]),
        ([(b"a", None), (b"b", None)], [(b"a\x00\x00\x00\x00\x01b", None)]),
        ([(b"k", b"")], [(b"k", None), (b"", None)]),
    ]
    for one, other in pairs:
        assert compute_app_hash(PREV, 3, one) != compute_app_hash(PREV, 3, other), (one, other)


def test_order_of_entries_matters_so_callers_must_sort():
    a, b = (b"a", b"1"), (b"b", b"2")
    assert compute_app_hash(PREV, 1, [a, b]) != compute_app_hash(PREV, 1, [b, a])


_writes = st.dictionaries(st.binary(max_size=6), st.one_of(st.none(), st.binary(max_size=6)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(_writes, _writes)
def test_distinct_sorted_write_sets_give_distinct_hashes(one, other):
    h1 = compute_app_hash(PREV, 5, sorted(one.items()))
    h2 = compute_app_hash(PREV, 5, sorted(other.items()))
    assert (h1 == h2) == (one == other)


@settings(max_examples=200, deadline=None)
@given(_writes)
def test_insertion_order_is_irrelevant_once_sorted(writes):
    reversed_insertion = dict(reversed(list(writes.items())))
    assert compute_app_hash(PREV, 9, sorted(writes.items())) == \
        compute_app_hash(PREV, 9, sorted(reversed_insertion.items()))
