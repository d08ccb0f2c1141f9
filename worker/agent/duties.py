"""The worker's copy of the chain's spot-check formulas (docs/inference.md §4).

The worker never imports chain/; tests/unit/worker/test_duties_mirror.py checks that these
functions equal chain/modules/inference/duties.py on random inputs. Integers only, like the chain.
"""

from __future__ import annotations

import hashlib

SECRET_DOMAIN = b"sprint/inference/secret/v1"
DUTY_DOMAIN = b"sprint/inference/duty/v1"
TWO_64 = 1 << 64
PPM = 1_000_000


def be64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def commitment(epoch: int, operator: bytes, secret: bytes) -> bytes:
    """sha256("sprint/inference/secret/v1" || be64(epoch) || operator (20) || secret (32))."""
    return hashlib.sha256(SECRET_DOMAIN + be64(epoch) + operator + secret).digest()


def draw_value(secret: bytes, seed: bytes, job_id: int) -> int:
    """H64("sprint/inference/duty/v1" || secret || S_e || be64(job_id))."""
    digest = hashlib.sha256(DUTY_DOMAIN + secret + seed + be64(job_id)).digest()
    return int.from_bytes(digest[:8], "big")


def duty_threshold(validation_ppm: int, weight: int, others: int) -> int:
    """min(2^64, p x w_v x 2^64 // (10^6 x W)); 0 when the host or the others hold no weight."""
    if weight <= 0 or others <= 0 or validation_ppm <= 0:
        return 0
    return min(TWO_64, validation_ppm * weight * TWO_64 // (PPM * others))


def others_weight(weights: dict[str, int], executor: str) -> int:
    """W: the snapshot weight of every host but the executor."""
    return sum(w for host, w in weights.items() if host != executor)


def host_threshold(weights: dict[str, int], executor: str, host: str, validation_ppm: int) -> int:
    """`host`'s threshold for a job of `executor` from the audit snapshot {operator: weight};
    0 for the executor itself (it never checks its own job)."""
    if host == executor:
        return 0
    return duty_threshold(validation_ppm, weights.get(host, 0), others_weight(weights, executor))


def is_drawn(secret: bytes, seed: bytes, job_id: int, threshold: int) -> bool:
    """True when the host holding `secret` must check `job_id` (seed = the audit epoch's sprint seed)."""
    return bool(seed) and draw_value(secret, seed, job_id) < threshold


def expected_duties(thresholds_sum: int) -> int:
    """ceil(sum of thresholds / 2^64): what a host that never revealed its secret is charged."""
    return -(-thresholds_sum // TWO_64)
