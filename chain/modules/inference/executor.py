"""The executor draw and the sampling seed: pure functions of the block hash and the job id, so the
submitter (who fixes the prompt, the fee and the sampling params, but not the block hash nor its
job id's position) cannot steer which host runs its job.

    seed = sha256("sprint/inference/executor/v1" || block_hash || be64(job_id))
    draw weight of a candidate = weight x (500000 + score_ppm // 2)
    r = int(seed, big) mod total draw weight; walk the candidates sorted by operator bytes
    sampling_seed = sha256("sprint/inference/sampling/v1" || block_hash || be64(job_id))
"""

from __future__ import annotations

import hashlib

EXECUTOR_TAG = b"sprint/inference/executor/v1"
SAMPLING_TAG = b"sprint/inference/sampling/v1"
BASE_PPM = 500_000


def be64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def executor_seed(block_hash: bytes, job_id: int) -> bytes:
    return hashlib.sha256(EXECUTOR_TAG + block_hash + be64(job_id)).digest()


def sampling_seed(block_hash: bytes, job_id: int) -> bytes:
    """The 32-byte seed of the executor's deterministic sampler for `job_id`."""
    return hashlib.sha256(SAMPLING_TAG + block_hash + be64(job_id)).digest()


def draw_weight(weight: int, score_ppm: int) -> int:
    """A candidate's share of the draw: its weight scaled by 0.5 + score/2 (score in ppm)."""
    return weight * (BASE_PPM + score_ppm // 2)


def draw_executor(block_hash: bytes, job_id: int, candidates: list[tuple[bytes, int]]) -> bytes | None:
    """The operator drawn for `job_id` from `candidates` = [(operator, draw weight)] (any order;
    sorted by operator bytes here). None when no candidate has a positive draw weight."""
    pool = sorted((operator, w) for operator, w in candidates if w > 0)
    total = sum(w for _, w in pool)
    if total == 0:
        return None
    r = int.from_bytes(executor_seed(block_hash, job_id), "big") % total
    for operator, w in pool:
        if r < w:
            return operator
        r -= w
    raise AssertionError("unreachable: r < total")
