"""Checkpoint leaves and segment roots (docs/training.md §4): pure functions, torch-free.

Leaf of interval k:
    sha256(0x00 || "sprint/training/leaf/v1" || be64(job_id) || be32(k) || weights_sha256 (32 bytes)
           || optim_sha256 (32 bytes) || be64(loss_micro))
A hex hash written "" (the fresh optimizer of interval 0) is encoded as 32 zero bytes.

The segment root is the RFC 6962 Merkle tree hash over the leaves in interval order. The leaves are
already domain-separated leaf hashes (the 0x00 prefix above), so the tree of one leaf is that leaf;
an interior node is sha256(0x01 || left || right), split at the largest power of two below n.
Membership proofs are RFC 6962 audit paths (bottom-up sibling hashes), verified with the
RFC 9162 §2.1.3.2 algorithm.
"""

from __future__ import annotations

import hashlib

LEAF_TAG = b"sprint/training/leaf/v1"
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
HASH_LEN = 32
ZERO_HASH = bytes(HASH_LEN)
_HEX_DIGITS = "0123456789abcdef"


def hash_bytes(hex_hash: str) -> bytes:
    """The 32 bytes of a lower-case hex sha256 ("" -> 32 zero bytes). ValueError otherwise."""
    if hex_hash == "":
        return ZERO_HASH
    if not isinstance(hex_hash, str) or len(hex_hash) != 2 * HASH_LEN \
            or any(ch not in _HEX_DIGITS for ch in hex_hash):
        raise ValueError(f"state hash must be 64 lower-case hex digits or empty, got {hex_hash!r}")
    return bytes.fromhex(hex_hash)


def _check_uint(name: str, value: int, bits: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < (1 << bits):
        raise ValueError(f"{name} must be an unsigned {bits}-bit integer, got {value!r}")


def leaf_hash(job_id: int, interval: int, weights_sha256: str, optim_sha256: str, loss_micro: int) -> bytes:
    """The Merkle leaf of checkpoint interval `interval` of job `job_id` (docs/training.md §4)."""
    _check_uint("job_id", job_id, 64)
    _check_uint("interval", interval, 32)
    _check_uint("loss_micro", loss_micro, 64)
    data = (LEAF_PREFIX + LEAF_TAG + job_id.to_bytes(8, "big") + interval.to_bytes(4, "big")
            + hash_bytes(weights_sha256) + hash_bytes(optim_sha256) + loss_micro.to_bytes(8, "big"))
    return hashlib.sha256(data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An interior node: sha256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def merkle_root(leaves: list[bytes]) -> bytes:
    """The RFC 6962 tree hash of `leaves` (leaf hashes, in order). ValueError when empty."""
    if not leaves:
        raise ValueError("a segment root needs at least one leaf")
    # Bottom-up RFC 6962 construction: pair left to right; an odd last node moves up unchanged.
    # This yields exactly the recursive split-at-largest-power-of-two tree hash.
    level = list(leaves)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def audit_path(leaves: list[bytes], index: int) -> list[bytes]:
    """The RFC 6962 audit path of leaf `index` (bottom-up sibling hashes). ValueError if out of range."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf index {index} out of range for {len(leaves)} leaves")
    path: list[bytes] = []
    lo, hi, m = 0, len(leaves), index
    # Top-down descent collects siblings top-first; the path is bottom-up, so reverse at the end.
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            path.append(merkle_root(leaves[lo + k:hi]))
            hi = lo + k
        else:
            path.append(merkle_root(leaves[lo:lo + k]))
            lo, m = lo + k, m - k
    path.reverse()
    return path


def verify_path(leaf: bytes, index: int, count: int, path: list[bytes], root: bytes) -> bool:
    """True when `path` proves `leaf` is leaf `index` of a `count`-leaf tree with hash `root`
    (RFC 9162 §2.1.3.2). Malformed input (bad sizes, index >= count) is simply False. The path
    does not authenticate `count` (some sizes share a path shape): pass the count stored on chain."""
    if isinstance(index, bool) or isinstance(count, bool) or not isinstance(index, int) \
            or not isinstance(count, int) or not 0 <= index < count:
        return False
    if len(leaf) != HASH_LEN or len(root) != HASH_LEN or any(len(p) != HASH_LEN for p in path):
        return False
    fn, sn, r = index, count - 1, bytes(leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == bytes(root)
