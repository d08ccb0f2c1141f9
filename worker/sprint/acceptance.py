"""The validators' statistical acceptance test: seeded nonce sample, mismatch count, decision bound.

Pure Python integers and Fractions (no torch, no floats), so every validator reaches the same
sample and the same bound. docs/sprint-pow.md §8.

A validator re-runs ``k`` sampled nonces of a prover and approves when at most ``m`` mismatch.
``m = max_mismatches_for(k, r)`` keeps an honest prover whose nonces mismatch independently with
probability at most ``r`` (precision differences) rejected with probability <= 1e-6.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction
from math import comb
from typing import Sequence

SAMPLE_TAG = b"sprint/sample/v1"
# A fabricated nonce passes recomputation only when its recomputed distance happens to be valid
# and within tolerance of the claim: at most the valid rate, 1/900.
FABRICATED_PASS = Fraction(1, 900)


class _Stream:
    """SHA-256 counter-mode stream: block c = SHA-256(tag || seed || prover || c as 8 bytes BE)."""

    def __init__(self, validation_seed: bytes, prover: bytes):
        self.prefix = SAMPLE_TAG + bytes(validation_seed) + bytes(prover)
        self.counter, self.buffer = 0, b""

    def next_u64(self) -> int:
        if len(self.buffer) < 8:
            self.buffer += hashlib.sha256(self.prefix + self.counter.to_bytes(8, "big")).digest()
            self.counter += 1
        word, self.buffer = self.buffer[:8], self.buffer[8:]
        return int.from_bytes(word, "big")

    def below(self, n: int) -> int:
        """Uniform integer in [0, n): rejection of 64-bit words >= 2^64 - (2^64 mod n), then mod n."""
        limit = (1 << 64) - (1 << 64) % n
        while True:
            x = self.next_u64()
            if x < limit:
                return x % n


def sample_nonces(validation_seed: bytes, prover: bytes, nonces: Sequence[int], k: int) -> list[int]:
    """k distinct nonces drawn without replacement (partial Fisher-Yates over the ascending distinct
    nonces), returned ascending; all distinct nonces when there are at most k."""
    pool = sorted(dict.fromkeys(int(n) for n in nonces))
    if len(pool) <= k:
        return pool
    stream = _Stream(validation_seed, prover)
    for i in range(k):
        j = i + stream.below(len(pool) - i)
        pool[i], pool[j] = pool[j], pool[i]
    return sorted(pool[:k])


def count_mismatches(claimed: Sequence[int], recomputed: Sequence[int], threshold_micro: int, tolerance_micro: int) -> int:
    """Sampled nonces whose recomputed distance is invalid or differs from the claim by > tolerance."""
    if len(claimed) != len(recomputed):
        raise ValueError("claimed and recomputed distances differ in length")
    return sum(1 for c, r in zip(claimed, recomputed) if r >= threshold_micro or abs(c - r) > tolerance_micro)


def binomial_tail(k: int, p: Fraction, m: int) -> Fraction:
    """P[Binomial(k, p) > m], exact."""
    if m >= k:
        return Fraction(0)
    q = 1 - p
    at_most = sum(comb(k, i) * p**i * q ** (k - i) for i in range(m + 1))
    return 1 - at_most


def max_mismatches_for(k: int, honest_rate: Fraction, false_rejection: Fraction = Fraction(1, 10**6)) -> int:
    """Smallest m with P[Binomial(k, honest_rate) > m] <= false_rejection."""
    p, q = Fraction(honest_rate), 1 - Fraction(honest_rate)
    at_most, m = Fraction(0), 0
    while m <= k:
        at_most += comb(k, m) * p**m * q ** (k - m)
        if 1 - at_most <= false_rejection:
            return m
        m += 1
    return k


def mismatch_probability(cheat_fraction: Fraction, honest_rate: Fraction) -> Fraction:
    """Per-sample mismatch probability when a share ``cheat_fraction`` of claims is fabricated."""
    cheat = Fraction(cheat_fraction)
    return cheat * (1 - FABRICATED_PASS) + (1 - cheat) * Fraction(honest_rate)


def detection_probability(k: int, m: int, cheat_fraction: Fraction, honest_rate: Fraction) -> Fraction:
    """P[more than m of k samples mismatch] for a prover with that share of fabricated claims.

    Samples are drawn without replacement from a large claim set; the binomial is the usual (and
    for detection slightly conservative) approximation.
    """
    return binomial_tail(k, mismatch_probability(cheat_fraction, honest_rate), m)


def smallest_detectable_inflation(k: int, m: int, honest_rate: Fraction, miss_probability: Fraction) -> Fraction:
    """Smallest weight inflation f (in basis points, as a Fraction) that escapes with probability
    <= miss_probability: fabricated = f x honest nonces, so cheat_fraction = f / (1 + f)."""

    def caught(bps: int) -> bool:
        f = Fraction(bps, 10_000)
        return 1 - detection_probability(k, m, f / (1 + f), honest_rate) <= miss_probability

    lo, hi = 0, 1
    while not caught(hi):
        lo, hi = hi, hi * 2
        if hi > 10**8:
            raise ValueError("no inflation is detected with this k and m")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if caught(mid) else (mid, hi)
    return Fraction(hi, 10_000)
