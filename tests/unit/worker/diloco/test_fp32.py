"""Exact rational -> binary32 conversion (eta and mu of docs/diloco.md §4)."""

from __future__ import annotations

import random
import struct
from fractions import Fraction

import numpy as np
import pytest

from worker.diloco.fp32 import f32_bits, from_nano, nearest_f32


def _neighbours(f: float) -> tuple[float, float]:
    bits = f32_bits(f)
    return (struct.unpack("<f", struct.pack("<I", bits - 1))[0] if bits else 0.0,
            struct.unpack("<f", struct.pack("<I", bits + 1))[0])


def _is_nearest(f: float, x: Fraction) -> bool:
    err = abs(Fraction(f) - x)
    lo, hi = _neighbours(f)
    others = [abs(Fraction(n) - x) for n in (lo, hi)]
    if any(o < err for o in others):
        return False
    return all(o != err or f32_bits(f) % 2 == 0 for o in others)  # ties to even


def test_defaults_and_common_values_match_numpy():
    for nano in (700_000_000, 900_000_000, 1_000_000_000, 1, 999_999_999, 10**10, 0):
        assert from_nano(nano) == float(np.float32(nano / 1e9))


def test_random_rationals_round_to_nearest():
    rng = random.Random(7)
    for _ in range(2000):
        nano = rng.randrange(0, 10**11)
        f = from_nano(nano)
        assert f == float(np.float32(f)) and _is_nearest(f, Fraction(nano, 10**9))


def test_ties_go_to_even_and_subnormals_and_overflow():
    one_ulp = Fraction(1, 2**23)
    assert nearest_f32(*(1 + one_ulp / 2).as_integer_ratio()) == 1.0  # tie: even mantissa 1.0
    tie_up = 1 + 3 * one_ulp / 2
    assert nearest_f32(tie_up.numerator, tie_up.denominator) == float(1 + 2 * one_ulp)
    assert nearest_f32(1, 2**149) == float(np.float32(2.0**-149))  # smallest subnormal
    assert nearest_f32(1, 2**150) == 0.0  # exactly half of it: tie to even zero
    assert nearest_f32(3, 2**151) == 2.0**-149
    assert nearest_f32(-7, 10) == float(np.float32(-0.7))
    with pytest.raises(OverflowError):
        nearest_f32(2**128)


def test_bad_nano_refused():
    for bad in (-1, 0.5, True):
        with pytest.raises(ValueError):
            from_nano(bad)
