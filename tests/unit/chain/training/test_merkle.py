"""Checkpoint leaves and RFC 6962 segment roots/audit paths (docs/training.md §4), checked against a
brute-force recursive reference for every tree size 1..17 and every index."""

from __future__ import annotations

import hashlib

import pytest

from chain.modules.training import merkle


def _ref_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH over leaf hashes, recursively (split at the largest power of two below n)."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _ref_root(leaves[:k]) + _ref_root(leaves[k:])).digest()


def _ref_path(leaves: list[bytes], m: int) -> list[bytes]:
    """RFC 6962 PATH(m, D[n]), bottom-up."""
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return _ref_path(leaves[:k], m) + [_ref_root(leaves[k:])]
    return _ref_path(leaves[k:], m - k) + [_ref_root(leaves[:k])]


def _path_len(n: int, m: int) -> int:
    """Length of PATH(m, D[n])."""
    if n == 1:
        return 0
    k = 1
    while k * 2 < n:
        k *= 2
    return 1 + (_path_len(k, m) if m < k else _path_len(n - k, m - k))


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(7, k, f"{k:064x}", f"{k + 1000:064x}", 1000 + k) for k in range(n)]


def test_leaf_hash_layout():
    w, o = "ab" * 32, "cd" * 32
    expect = hashlib.sha256(b"\x00" + b"sprint/training/leaf/v1" + (5).to_bytes(8, "big") + (3).to_bytes(4, "big")
                            + bytes.fromhex(w) + bytes.fromhex(o) + (123456).to_bytes(8, "big")).digest()
    assert merkle.leaf_hash(5, 3, w, o, 123456) == expect


def test_empty_hex_is_zero_hash():
    assert merkle.leaf_hash(1, 0, "ab" * 32, "", 0) == merkle.leaf_hash(1, 0, "ab" * 32, "00" * 32, 0)


@pytest.mark.parametrize("bad", ["AB" * 32, "ab" * 31, "zz" * 32, "ab" * 33])
def test_leaf_hash_rejects_bad_hex(bad):
    with pytest.raises(ValueError):
        merkle.leaf_hash(1, 0, bad, "", 0)


@pytest.mark.parametrize("args", [(-1, 0, 0), (1 << 64, 0, 0), (0, 1 << 32, 0), (0, 0, -5), (0, 0, 1 << 64)])
def test_leaf_hash_rejects_out_of_range_ints(args):
    job, k, loss = args
    with pytest.raises(ValueError):
        merkle.leaf_hash(job, k, "", "", loss)


def test_leaf_hash_binds_every_field():
    base = merkle.leaf_hash(1, 2, "11" * 32, "22" * 32, 3)
    for other in [(9, 2, "11" * 32, "22" * 32, 3), (1, 9, "11" * 32, "22" * 32, 3), (1, 2, "99" * 32, "22" * 32, 3),
                  (1, 2, "11" * 32, "99" * 32, 3), (1, 2, "11" * 32, "22" * 32, 9)]:
        assert merkle.leaf_hash(*other) != base


def test_single_leaf_root_is_the_leaf():
    leaf = _leaves(1)[0]
    assert merkle.merkle_root([leaf]) == leaf
    assert merkle.audit_path([leaf], 0) == []
    assert merkle.verify_path(leaf, 0, 1, [], leaf)


def test_empty_tree_refused():
    with pytest.raises(ValueError):
        merkle.merkle_root([])


@pytest.mark.parametrize("n", range(1, 18))
def test_root_and_every_path_match_reference(n):
    leaves = _leaves(n)
    root = merkle.merkle_root(leaves)
    assert root == _ref_root(leaves)
    for i in range(n):
        path = merkle.audit_path(leaves, i)
        assert path == _ref_path(leaves, i)
        assert merkle.verify_path(leaves[i], i, n, path, root)


@pytest.mark.parametrize("n", range(1, 18))
def test_tampering_fails(n):
    leaves = _leaves(n)
    root = merkle.merkle_root(leaves)
    other = merkle.leaf_hash(99, 0, "", "", 0)
    for i in range(n):
        path = merkle.audit_path(leaves, i)
        assert not merkle.verify_path(other, i, n, path, root)            # tampered leaf
        for j in range(n):
            if j != i:
                assert not merkle.verify_path(leaves[i], j, n, path, root)   # wrong index
        for c in range(1, 20):
            # RFC 6962 paths do not authenticate the count (leaf 0 of 3 and of 4 share a path
            # shape): the chain passes the segment's stored count. A count whose tree shape at i
            # differs (index beyond it, or another path length) must fail.
            if c != n and (i >= c or _path_len(c, i) != len(path)):
                assert not merkle.verify_path(leaves[i], i, c, path, root)   # wrong count
        for p in range(len(path)):
            bad = list(path)
            bad[p] = bytes(b ^ 1 for b in bad[p])
            assert not merkle.verify_path(leaves[i], i, n, bad, root)      # tampered sibling
        assert not merkle.verify_path(leaves[i], i, n, path + [other], root)  # too long
        if path:
            assert not merkle.verify_path(leaves[i], i, n, path[:-1], root)   # too short
        assert not merkle.verify_path(leaves[i], i, n, path, other)       # wrong root


def test_malformed_inputs_are_false():
    leaves = _leaves(4)
    root = merkle.merkle_root(leaves)
    path = merkle.audit_path(leaves, 1)
    assert not merkle.verify_path(leaves[1], 4, 4, path, root)
    assert not merkle.verify_path(leaves[1], -1, 4, path, root)
    assert not merkle.verify_path(leaves[1], 1, 0, path, root)
    assert not merkle.verify_path(leaves[1][:31], 1, 4, path, root)
    assert not merkle.verify_path(leaves[1], 1, 4, [path[0][:31], path[1]], root)
    assert not merkle.verify_path(leaves[1], True, 4, path, root)


def test_audit_path_index_out_of_range():
    with pytest.raises(ValueError):
        merkle.audit_path(_leaves(3), 3)
