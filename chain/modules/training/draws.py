"""The training module's draws (docs/training.md §3, §5): pure functions of a block hash and the job,
so neither the submitter nor the prover can steer them.

    data_seed   = sha256("sprint/training/data-seed/v1" || block_hash || be64(job_id))
    sample seed = sha256("sprint/training/sample/v1" || block_hash || be64(job_id) || be32(segment))

Sample: n = ceil(sample_ppm * count / 10^6), clamped to [1, count], drawn by a partial Fisher-Yates
over the segment's interval indices [first, first + count): for j = 0 .. n-1,
r_j = be_uint64(sha256(seed || "idx" || be32(j))[0:8]) mod (count - j), swap positions j and j + r_j;
the first n positions, sorted ascending, are the sample.

Committee: candidates (operator bytes, weight) sorted ascending by operator, zero weights dropped;
draw j takes r_j = be_uint64(sha256(seed || "committee" || be32(j))[0:8]) mod (remaining weight) and
walks the remaining candidates in operator order; the drawn one leaves the pool.
"""

from __future__ import annotations

import hashlib

DATA_SEED_TAG = b"sprint/training/data-seed/v1"
SAMPLE_SEED_TAG = b"sprint/training/sample/v1"
IDX_TAG = b"idx"
COMMITTEE_TAG = b"committee"
PPM = 1_000_000


def _be64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def _be32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def data_seed(block_hash: bytes, job_id: int) -> bytes:
    """The job's data-order seed, drawn from the assignment block's hash (§3)."""
    return hashlib.sha256(DATA_SEED_TAG + bytes(block_hash) + _be64(job_id)).digest()


def sample_seed(block_hash: bytes, job_id: int, segment: int) -> bytes:
    """The seed of a segment's sample and committee draws, from the hash of the block after its commit (§5)."""
    return hashlib.sha256(SAMPLE_SEED_TAG + bytes(block_hash) + _be64(job_id) + _be32(segment)).digest()


def _draw_u64(seed: bytes, tag: bytes, j: int) -> int:
    return int.from_bytes(hashlib.sha256(bytes(seed) + tag + _be32(j)).digest()[:8], "big")


def sample_count(interval_count: int, sample_ppm: int) -> int:
    """n = ceil(sample_ppm * interval_count / 10^6), at least 1 and at most interval_count."""
    if interval_count < 1:
        raise ValueError(f"a segment has at least one interval, got {interval_count}")
    if sample_ppm < 0:
        raise ValueError(f"sample_ppm must be >= 0, got {sample_ppm}")
    n = -(-sample_ppm * interval_count // PPM)
    return max(1, min(n, interval_count))


def sample_intervals(seed: bytes, first: int, count: int, sample_ppm: int) -> list[int]:
    """The sampled interval indices of the segment [first, first + count), ascending (§5)."""
    n = sample_count(count, sample_ppm)
    pool = list(range(first, first + count))
    for j in range(n):
        k = j + _draw_u64(seed, IDX_TAG, j) % (count - j)
        pool[j], pool[k] = pool[k], pool[j]
    return sorted(pool[:n])


def draw_committee(seed: bytes, candidates: list[tuple[bytes, int]], size: int) -> list[bytes]:
    """min(size, positive-weight candidates) operators drawn without replacement proportionally to
    weight, in draw order (§5). `candidates` may come in any order; duplicates are a ValueError."""
    pool = sorted((bytes(op), w) for op, w in candidates)
    for i, (op, w) in enumerate(pool):
        if w < 0:
            raise ValueError(f"negative committee weight {w} for candidate {op.hex()}")
        if i and pool[i - 1][0] == op:
            raise ValueError(f"duplicate committee candidate {op.hex()}")
    pool = [(op, w) for op, w in pool if w > 0]
    total = sum(w for _, w in pool)
    drawn: list[bytes] = []
    for j in range(min(max(size, 0), len(pool))):
        r = _draw_u64(seed, COMMITTEE_TAG, j) % total
        for i, (op, w) in enumerate(pool):
            if r < w:
                drawn.append(op)
                total -= w
                del pool[i]
                break
            r -= w
    return drawn
