"""Per-rank data shards (docs/diloco.md §1).

The worker of rank ``r`` draws the single-host batches of docs/training.md §3 with the seed
``sha256("sprint/diloco/shard/v1" || data_seed || be32(r))``: each rank has its own sample stream
over the whole dataset, and the batch of its global inner step ``t = u*k + j`` is a pure function of
(shard seed, t).
"""

from __future__ import annotations

import hashlib

from worker.training.data import seed_bytes

SHARD_TAG = b"sprint/diloco/shard/v1"


def shard_seed(data_seed: bytes | str, rank: int) -> bytes:
    """The 32-byte data seed of rank ``rank`` (``data_seed`` as bytes or hex)."""
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < 2**32:
        raise ValueError(f"rank must be an unsigned 32-bit integer, got {rank!r}")
    return hashlib.sha256(SHARD_TAG + seed_bytes(data_seed) + rank.to_bytes(4, "big")).digest()
