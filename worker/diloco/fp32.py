"""Exact conversions to IEEE-754 binary32 (docs/diloco.md §4: eta and mu from their rationals).

``nearest_f32(num, den)`` rounds the exact rational ``num / den`` to the nearest binary32 value
(ties to even), with no intermediate double: going through ``float(num / den)`` first would round
twice, which can land one ulp off in rare cases.
"""

from __future__ import annotations

import struct
from fractions import Fraction

_MANT_BITS = 23
_MIN_EXP = -126  # smallest normal exponent; below it the quantum stays 2^-149 (subnormals)
_MAX_FINITE = (2**24 - 1) * 2**104


def nearest_f32(num: int, den: int = 1) -> float:
    """The binary32 value nearest ``num / den`` (ties to even), as a Python float (exact).

    OverflowError when the rational rounds beyond the largest finite binary32.
    """
    if den == 0:
        raise ZeroDivisionError("nearest_f32: zero denominator")
    x = Fraction(num, den)
    if x == 0:
        return 0.0
    sign, x = (-1.0 if x < 0 else 1.0), abs(x)
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1  # now 2^e <= x < 2^(e+1)
    q = max(e, _MIN_EXP) - _MANT_BITS
    mantissa = round(x / Fraction(2) ** q)  # Fraction.__round__: half to even
    value = Fraction(mantissa) * Fraction(2) ** q
    if value > _MAX_FINITE:
        raise OverflowError(f"{num}/{den} is beyond the binary32 range")
    return sign * float(value)


def f32_bits(value: float) -> int:
    """The binary32 bit pattern of a float that is exactly representable in binary32."""
    return struct.unpack("<I", struct.pack("<f", value))[0]


def from_nano(nano: int) -> float:
    """float32(nano / 10^9) by exact round-to-nearest (the outer lr and momentum of §4)."""
    if isinstance(nano, bool) or not isinstance(nano, int) or nano < 0:
        raise ValueError(f"a *_nano value must be a non-negative integer, got {nano!r}")
    return nearest_f32(nano, 10**9)
