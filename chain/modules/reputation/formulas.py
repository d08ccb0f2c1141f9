"""Fixed-point reputation formulas (integers only; ppm = x 10^6).

- EMA (docs/protocol.md §5): ema(old, x) = (alpha x x + (10^6 - alpha) x old) // 10^6.
- Minimum validation probability (docs/protocol.md §4), by request volume V (max of previous and current epoch):
  vmin(V) = 10^6 if V <= low; min_validation_ppm if V >= high; else
  10^6 - (10^6 - min) x (V - low) // (high - low).
- Validation probability of a host with h honest epochs: p = 10^6 - (10^6 - vmin) x min(h, N) // N
  (N = full_reputation_epochs; N = 0 means vmin at once).
- Scheduling score (docs/protocol.md §5): w1 x success_ppm // 10^6 + w2 x L_i // sum L + w3 x bond_i // sum bond,
  L = ilog2_fixed(1 + work_value_ema); a term whose denominator is 0 is 0.
"""

from __future__ import annotations

PPM = 1_000_000
LOG2_FRACTION_BITS = 16  # ilog2_fixed: log2 x 2^16
_PRECISION = 64  # bits of the mantissa while squaring


def ema(old: int, value: int, alpha_ppm: int) -> int:
    """Exponential moving average step, floor-divided."""
    return (alpha_ppm * value + (PPM - alpha_ppm) * old) // PPM


def ilog2_fixed(x: int) -> int:
    """floor(log2(x) x 2^16) for an integer x >= 1, by repeated squaring of the mantissa (each
    squaring yields one fractional bit; the mantissa is truncated to 64 bits, so the last bit may
    be one below the exact floor for some x). ilog2_fixed(1) = 0, ilog2_fixed(2^k) = k x 2^16."""
    if x < 1:
        raise ValueError(f"ilog2_fixed needs x >= 1, got {x}")
    whole = x.bit_length() - 1
    one = 1 << _PRECISION
    mantissa = (x << _PRECISION) >> whole  # x / 2^whole in [1, 2), 64 fractional bits
    result = whole << LOG2_FRACTION_BITS
    for bit in range(LOG2_FRACTION_BITS - 1, -1, -1):
        mantissa = (mantissa * mantissa) >> _PRECISION
        if mantissa >= 2 * one:
            mantissa >>= 1
            result |= 1 << bit
    return result


def min_validation_ppm(params, volume: int) -> int:
    """vmin(volume) of docs/protocol.md §4, ppm."""
    if volume <= params.low_volume:
        return PPM
    if volume >= params.high_volume:
        return params.min_validation_ppm
    span = params.high_volume - params.low_volume
    return PPM - (PPM - params.min_validation_ppm) * (volume - params.low_volume) // span


def validation_ppm(params, honest_epochs: int, volume: int) -> int:
    """Probability (ppm) that a job of a host with `honest_epochs` is checked at `volume`."""
    floor = min_validation_ppm(params, volume)
    full = params.full_reputation_epochs
    if full == 0:
        return floor
    return PPM - (PPM - floor) * min(honest_epochs, full) // full


def score_ppm(params, success_ppm: int, log_work: int, log_work_total: int, bond: int, bond_total: int) -> int:
    """Scheduling score (ppm) from a host's success EMA, its L and bond and the network totals."""
    score = params.success_weight_ppm * success_ppm // PPM
    if log_work_total > 0:
        score += params.work_weight_ppm * log_work // log_work_total
    if bond_total > 0:
        score += params.stake_weight_ppm * bond // bond_total
    return score
