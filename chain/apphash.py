"""The app hash: a hash chain over each block's sorted write-set.

app_hash(h) = sha256("sprint-apphash-v1" || app_hash(h-1) || u64be(h) || entries), where entries are
the block's writes sorted by key, each u32be(len(key)) || key || (0x00 for a delete, or
0x01 || u32be(len(value)) || value). The genesis hash uses h = 0 and an empty previous hash.
Everything is length-prefixed so no two different write-sets share an encoding.
"""

from __future__ import annotations

import hashlib

DOMAIN = b"sprint-apphash-v1"


def compute_app_hash(previous: bytes, height: int, writes: list[tuple[bytes, bytes | None]]) -> bytes:
    """Fold a sorted write-set into the previous app hash."""
    h = hashlib.sha256(DOMAIN)
    h.update(previous)
    h.update(height.to_bytes(8, "big"))
    for key, value in writes:
        h.update(len(key).to_bytes(4, "big"))
        h.update(key)
        if value is None:
            h.update(b"\x00")
        else:
            h.update(b"\x01")
            h.update(len(value).to_bytes(4, "big"))
            h.update(value)
    return h.digest()
