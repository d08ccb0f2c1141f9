"""Integer exp and logistic routines for the KPI target curves (no floats in consensus code).

Values are fixed point: arguments in ppm (x 10^6), internal precision SCALE = 10^18. Every step
floors, so the results are exact functions of their integer inputs on every machine."""

from __future__ import annotations

PPM = 1_000_000
SCALE = 10**18
E_INV = 367_879_441_171_442_321  # floor(e^-1 x 10^18)
MAX_WHOLE = 64  # e^-64 < 10^-27: below the precision, the result is 0


def exp_neg(x_ppm: int) -> int:
    """e^(-x) x 10^18 (floored at each step) for x = x_ppm / 10^6 >= 0."""
    if x_ppm < 0:
        raise ValueError(f"exp_neg needs x >= 0, got {x_ppm}")
    whole, frac = divmod(x_ppm, PPM)
    if whole >= MAX_WHOLE:
        return 0
    f = frac * (SCALE // PPM)
    total, term, k = SCALE, SCALE, 1
    while term:
        term = term * f // (k * SCALE)  # f^k / k!, alternating below
        total += -term if k % 2 else term
        k += 1
    for _ in range(whole):
        total = total * E_INV // SCALE
    return total


def sigmoid_ppm(x_ppm: int) -> int:
    """The logistic function 1 / (1 + e^(-x)) x 10^6 (floored) for x = x_ppm / 10^6 of any sign."""
    e = exp_neg(abs(x_ppm))
    if x_ppm >= 0:
        return PPM * SCALE // (SCALE + e)
    return PPM * e // (SCALE + e)
