"""Precision study: how bf16 and fp64 provers differ from an fp32 validator.

    python -m worker.sprint.precision --config devnet --seeds 2 --nonces 20000

For the same nonces it computes distance_micro in fp32, fp64 and bf16 and prints, per precision:
the |distance difference| distribution (micro units), the valid/invalid decision disagreements,
and the honest mismatch rate the acceptance test sees -- P[fp32 recomputation >= threshold |
the prover's own computation < threshold] -- counted directly and estimated by shifting every
claimed-valid distance by every measured difference (assumes the difference does not depend on
the distance). docs/sprint-pow.md §9 records the numbers.
"""

from __future__ import annotations

import argparse
import hashlib

import torch

from worker.sprint.config import get_config
from worker.sprint.pow import SprintFunction

DTYPES = {"fp64": torch.float64, "bf16": torch.bfloat16}


def measure(config_name: str, seeds: int, nonces: int, dtypes: tuple[str, ...] = ("fp64", "bf16")) -> dict:
    """Distances per precision over ``seeds`` x ``nonces``; returns the summary per dtype."""
    config = get_config(config_name)
    ref: list[int] = []
    other: dict[str, list[int]] = {name: [] for name in dtypes}
    for s in range(seeds):
        seed = hashlib.sha256(b"precision/seed/%d" % s).digest()
        pubkey = hashlib.sha256(b"precision/pubkey/%d" % s).digest()
        ref += SprintFunction(seed, config).distances(pubkey, range(nonces))
        for name in dtypes:
            other[name] += SprintFunction(seed, config, dtype=DTYPES[name]).distances(pubkey, range(nonces))
    return {name: summarise(ref, other[name], config.threshold_micro, config.d_model) for name in dtypes}


def summarise(ref: list[int], prover: list[int], threshold: int, d_model: int | None = None) -> dict:
    """Difference quantiles, decision flips and the prover-valid/validator-invalid rate (counted,
    shift-estimated, and -- with d_model -- boundary hazard x E[max(ref - prover, 0)])."""
    r, p = torch.tensor(ref), torch.tensor(prover)
    diff = (p - r).abs().double()
    claimed = p < threshold
    flips = int(((r < threshold) != claimed).sum())
    direct = int((claimed & (r >= threshold)).sum())
    signed = (r - p)[torch.randperm(len(r), generator=torch.Generator().manual_seed(0))[:20_000]]
    shifted = p[claimed][:, None] + signed[None, :]
    out = {
        "nonces": len(ref),
        "diff_mean": diff.mean().item(),
        "diff_p50": diff.quantile(0.5).item(),
        "diff_p99": diff.quantile(0.99).item(),
        "diff_p999": diff.quantile(0.999).item(),
        "diff_max": diff.max().item(),
        "decision_flips": flips,
        "prover_valid": int(claimed.sum()),
        "prover_valid_validator_invalid": direct,
        "shift_estimate": (shifted >= threshold).double().mean().item() if claimed.any() else 0.0,
    }
    if d_model is not None:
        from worker.sprint.calibrate import boundary_hazard_per_micro

        excess = (r - p).clamp(min=0).double().mean().item()
        out["hazard_estimate"] = boundary_hazard_per_micro(d_model, threshold) * excess
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="test")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--nonces", type=int, default=20_000)
    parser.add_argument("--dtypes", default="fp64,bf16")
    args = parser.parse_args()
    for name, summary in measure(args.config, args.seeds, args.nonces, tuple(args.dtypes.split(","))).items():
        print(name, "vs fp32:", summary)


if __name__ == "__main__":
    main()
