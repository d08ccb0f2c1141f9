"""Detection probability and the prover's stake condition (docs/training.md §11; paper 000 §3.3.1,
§6.1), in exact integer/rational arithmetic (fractions are (num, den) pairs in lowest terms).

    delta(f) = 1 - C(I - f, n) / C(I, n)         (at least one of f cheated intervals sampled)
    s > (1 - delta) / delta * G                   (cheating one interval has negative utility)
    s_mal * s >= R / delta                        (expected slash covers the reward)
"""

from __future__ import annotations

from math import comb, gcd

from chain.modules.training.draws import sample_count

BPS = 10_000


def _reduced(num: int, den: int) -> tuple[int, int]:
    g = gcd(num, den)
    return num // g, den // g


def hypergeometric_detection(total: int, sampled: int, cheated: int) -> tuple[int, int]:
    """P(at least one of `cheated` of `total` items is among `sampled` drawn without replacement)
    = 1 - C(total - cheated, sampled) / C(total, sampled), exact, as (num, den) in lowest terms."""
    if not 0 <= sampled <= total or not 0 <= cheated <= total:
        raise ValueError(f"need 0 <= sampled, cheated <= total, got {sampled}, {cheated}, {total}")
    den = comb(total, sampled)
    return _reduced(den - comb(total - cheated, sampled), den)


def delta_one(interval_count: int, sample_count: int) -> tuple[int, int]:
    """delta(1): the probability that one cheated interval of `interval_count` is among the
    `sample_count` sampled ones (equals sample_count / interval_count), exact."""
    if interval_count < 1:
        raise ValueError(f"a segment has at least one interval, got {interval_count}")
    return hypergeometric_detection(interval_count, sample_count, 1)


def job_delta_one(segment_layout: list[tuple[int, int]], sample_ppm: int) -> tuple[int, int]:
    """The smallest delta(1) over the job's segments [(first, count)] at this sample rate."""
    if not segment_layout:
        raise ValueError("a job has at least one segment")
    best: tuple[int, int] | None = None
    for _, count in segment_layout:
        d = delta_one(count, sample_count(count, sample_ppm))
        if best is None or d[0] * best[1] < best[0] * d[1]:
            best = d
    return best


def required_collateral(delta: tuple[int, int], gain: int, reward: int, malicious_bps: int) -> int:
    """The smallest integer s with s > (1 - delta) / delta * gain and
    (malicious_bps / 10^4) * s >= reward / delta (delta = num / den, 0 < delta <= 1)."""
    num, den = delta
    if not 0 < num <= den:
        raise ValueError(f"detection probability must be in (0, 1], got {num}/{den}")
    if not 0 < malicious_bps <= BPS:
        raise ValueError(f"malicious slash must be in (0, 10000] bps, got {malicious_bps}")
    if gain < 0 or reward < 0:
        raise ValueError(f"gain and reward must be >= 0, got {gain}, {reward}")
    # s * num > (den - num) * gain  <=>  s >= floor((den - num) * gain / num) + 1
    strict = (den - num) * gain // num + 1
    # bps * s * num >= reward * den * 10^4  <=>  s >= ceil(reward * den * 10^4 / (bps * num))
    slash = -(-reward * den * BPS // (malicious_bps * num))
    return max(strict, slash)
