"""Threshold calibration: analytic value and an empirical check of the valid-nonce rate.

    python -m worker.sprint.calibrate --config test --seeds 8 --nonces 250000

Analytic model (docs/sprint-pow.md §7): the permuted unit output p and the target t both lie on the
unit sphere of the (d-1)-dimensional zero-mean subspace; if p is uniform there, c = p.t has
(1 + c)/2 ~ Beta((d-2)/2, (d-2)/2), and distance = sqrt(2 - 2c). The threshold is the distance
whose lower tail is 1/900.
"""

from __future__ import annotations

import argparse
import hashlib
from fractions import Fraction

TARGET_RATE = Fraction(1, 900)


def analytic_threshold_micro(d_model: int, rate: Fraction = TARGET_RATE) -> int:
    """floor(10^6 * D0) with P[distance < D0] = rate under the uniform-sphere model (needs mpmath)."""
    import mpmath as mp

    mp.mp.dps = 30
    a = mp.mpf(d_model - 2) / 2
    tail = mp.mpf(rate.numerator) / rate.denominator

    def excess(c0):
        return mp.betainc(a, a, (1 + c0) / 2, 1, regularized=True) - tail

    lo, hi = mp.mpf(0), mp.mpf(1)  # excess is decreasing in c0: bisect
    for _ in range(120):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excess(mid) > 0 else (lo, mid)
    c0 = (lo + hi) / 2
    return int(mp.floor(mp.sqrt(2 - 2 * c0) * 10**6))


def boundary_hazard_per_micro(d_model: int, threshold_micro: int, rate: Fraction = TARGET_RATE) -> float:
    """f_D(T) / P[D < T] per micro unit under the same model: the share of valid nonces lying in the
    last micro unit below the threshold. P[honest mismatch] ~ this x E[max(D_validator - D_prover, 0)]."""
    import mpmath as mp

    a = mp.mpf(d_model - 2) / 2
    dist = mp.mpf(threshold_micro) / 10**6
    c = 1 - dist**2 / 2
    density_c = ((1 + c) / 2) ** (a - 1) * ((1 - c) / 2) ** (a - 1) / (2 * mp.beta(a, a))
    return float(density_c * dist / (mp.mpf(rate.numerator) / rate.denominator) / 10**6)


def empirical(config_name: str, seeds: int, nonces: int, threshold_micro: int | None = None) -> dict:
    """Valid counts over ``seeds`` sprint seeds x ``nonces`` nonces, and the empirical 1/900 quantile."""
    import torch

    from worker.sprint.config import get_config
    from worker.sprint.pow import SprintFunction

    config = get_config(config_name)
    threshold = threshold_micro or config.threshold_micro
    all_d: list[int] = []
    for s in range(seeds):
        seed = hashlib.sha256(b"calibrate/seed/%d" % s).digest()
        pubkey = hashlib.sha256(b"calibrate/pubkey/%d" % s).digest()
        all_d += SprintFunction(seed, config).distances(pubkey, range(nonces))
    ordered = torch.tensor(all_d).sort().values
    q = ordered[len(all_d) // 900].item()
    valid = sum(1 for x in all_d if x < threshold)
    return {"nonces": len(all_d), "valid": valid, "rate_x900": valid * 900 / len(all_d), "quantile_1_900": q}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="test")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--nonces", type=int, default=100_000)
    parser.add_argument("--threshold-micro", type=int, default=None)
    args = parser.parse_args()
    from worker.sprint.config import get_config

    d = get_config(args.config).d_model
    t = args.threshold_micro or get_config(args.config).threshold_micro
    print(f"config {args.config}: analytic threshold_micro {analytic_threshold_micro(d)}, "
          f"boundary hazard at {t}: {boundary_hazard_per_micro(d, t):.3e} per micro")
    print(empirical(args.config, args.seeds, args.nonces, args.threshold_micro))


if __name__ == "__main__":
    main()
