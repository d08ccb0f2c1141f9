"""Spot-check duties (docs/inference.md §4): pure functions.

Every host commits a 32-byte secret per epoch (commit phase) and reveals it in the epoch's
settlement phase. Whether host v must check job j of audit epoch e (sprint seed S_e) is then a draw
anyone can recompute once the secret is revealed:

    commitment(e, v, secret) = sha256("sprint/inference/secret/v1" || be64(e) || v(20) || secret(32))
    W         = sum of the EpochAudit snapshot weights of e, the executor's excluded
    threshold = min(2^64, validation_ppm(j) x w_v x 2^64 // (10^6 x W))      (w_v = 0 -> 0)
    drawn     = int(sha256("sprint/inference/duty/v1" || secret || S_e || be64(j))[:8], big) < threshold

Summed over the hosts, the expected number of checks of a job is validation_ppm / 10^6 (docs/protocol.md §4:
"on average once per task" at probability 1). The worker mirrors these formulas byte for byte.
"""

from __future__ import annotations

import hashlib

SECRET_TAG = b"sprint/inference/secret/v1"
DUTY_TAG = b"sprint/inference/duty/v1"
SECRET_LENGTH = 32
COMMITMENT_LENGTH = 32
PPM = 1_000_000
DRAW_SPACE = 1 << 64  # draws are the first 8 bytes of a sha256, so thresholds live in [0, 2^64]


def be64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def commitment(epoch: int, operator: bytes, secret: bytes) -> bytes:
    """The MsgCommitValidationSecret commitment that the epoch's revealed `secret` must open."""
    return hashlib.sha256(SECRET_TAG + be64(epoch) + operator + secret).digest()


def duty_threshold(validation_ppm: int, w_v: int, total_weight: int) -> int:
    """Draw threshold out of 2^64 of a host of snapshot weight `w_v` when the other hosts
    (executor excluded) hold `total_weight` in all; 0 when either weight is 0."""
    if w_v <= 0 or total_weight <= 0 or validation_ppm <= 0:
        return 0
    return min(DRAW_SPACE, validation_ppm * w_v * DRAW_SPACE // (PPM * total_weight))


def draw_value(secret: bytes, seed: bytes, job_id: int) -> int:
    """The host's 64-bit draw for one job: first 8 bytes of the duty hash, big-endian."""
    digest = hashlib.sha256(DUTY_TAG + secret + seed + be64(job_id)).digest()
    return int.from_bytes(digest[:8], "big")


def is_drawn(secret: bytes, seed: bytes, job_id: int, threshold: int) -> bool:
    """True when the host holding `secret` must check `job_id` (seed = the audit epoch's sprint seed;
    nobody is drawn while it is still empty)."""
    return bool(seed) and draw_value(secret, seed, job_id) < threshold


def others_weight(weights: list[tuple[bytes, int]], executor: bytes) -> int:
    """W of a job: the snapshot weight of every host except the executor."""
    return sum(weight for operator, weight in weights if operator != executor)


def host_threshold(weights: list[tuple[bytes, int]], executor: bytes, host: bytes, validation_ppm: int) -> int:
    """duty_threshold of `host` for a job of `executor`, from an epoch's (operator, weight) snapshot.
    The executor never has a duty on its own job."""
    if host == executor:
        return 0
    w_v = 0
    for operator, weight in weights:
        if operator == host:
            w_v = weight
    return duty_threshold(validation_ppm, w_v, others_weight(weights, executor))


def expected_duties(thresholds_sum: int) -> int:
    """ceil(sum of thresholds / 2^64): the duties charged to a host that never revealed its secret."""
    return -(-thresholds_sum // DRAW_SPACE)
