"""Distances an honest prover and each cheat produce, and the default tolerance chosen from them.

    python -m worker.training.tolerance [--intervals 24] [--interval-steps 8] [--seeds 2]

Setup: the genesis tiny-lm fine-tuned on ``corpus.english_corpus`` with lr 1e-3, batch 8, seq 64.
A reference fp32 run gives the start state of every interval; for each interval the prover's end
(per device:precision, and per cheat) and the verifier's re-execution start from that same state.
Provers run with 1 CPU thread and verifiers with 2, so even the fp32:fp32 pair runs other kernel
blockings (as two machines would); a pair on one machine with the same threads is bit-exact (0).
CUDA pairs are added when a GPU is present.

Measured numbers: the comment above DEFAULT_TOLERANCE_PPM (bench/training.py prints a fresh run).
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass

import torch

from worker.training.cheats import CHEATS, Cheat
from worker.training.corpus import english_corpus
from worker.training.hyper import Hyper, fine_tune_hyper
from worker.training.state import fresh_state, load_state, optim_bytes, weights_bytes
from worker.training.trainer import train_interval
from worker.training.verify import Reexecuted, distance_ppm

# Default per-job tolerance (x 10^6) of the §7 distance. Measured on CPU (tiny-lm, batch 8, seq 64,
# prover 1 thread, verifier 2 threads; honest = bf16 autocast vs fp32 either way, the largest pair):
#   lr 1e-3, c=4, 2 seeds x 16 intervals: honest 1,221..14,783 (fp32 vs fp32: <= 3); cheats: stale-gradient
#     >= 48,282, truncated-batch >= 52,167, low-precision >= 240,468, noise >= 1,088,623, skip = 1,000,000
#   lr 1e-3, c=8, 48 intervals (every 6th): honest <= 11,790; stale >= 108,966; truncated >= 164,365
#   lr 1e-3, c=2, 64 intervals (every 8th): honest <= 18,580 (the first interval: fresh Adam moments);
#     stale >= 44,418; truncated >= 41,110
#   lr 1e-4, c=4, 32 intervals (every 5th): honest <= 10,977; stale >= 29,409; truncated >= 40,485
# 25,000 sits between the largest honest (18,580) and the smallest cheat (29,409) distance seen.
DEFAULT_TOLERANCE_PPM = 25_000

Runner = tuple[str, str]  # (device, precision)


@dataclass(frozen=True)
class Setup:
    """A fine-tuning run to measure on."""

    config: object
    base_weights: bytes
    data: bytes
    data_seed: bytes
    hyper: Hyper


def fine_tune_setup(seed: int = 0, interval_steps: int = 8, intervals: int = 8, lr: float = 1e-3,
                    corpus_bytes: int = 32_768) -> Setup:
    """The genesis tiny-lm, a deterministic corpus and realistic fine-tune hyperparameters."""
    from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config

    hyper = fine_tune_hyper(total_steps=interval_steps * intervals, checkpoint_interval=interval_steps, lr=lr)
    return Setup(tiny_lm_config(), generate_tiny_lm(), english_corpus(corpus_bytes, seed),
                 hashlib.sha256(b"sprint/training/tolerance/%d" % seed).digest(), hyper)


def runners() -> list[Runner]:
    """Every (device, precision) a host may train or verify with here."""
    out = [("cpu", "fp32"), ("cpu", "bf16")]
    if torch.cuda.is_available():
        out += [("cuda", "fp32"), ("cuda", "bf16")]
    return out


def reference_states(s: Setup, intervals: int) -> list[tuple[bytes, bytes]]:
    """Start state of intervals 0..intervals (index k = the state before interval k), fp32 CPU."""
    model, opt = fresh_state(s.config, s.base_weights, s.hyper)
    states = [(s.base_weights, b"")]
    for k in range(intervals):
        train_interval(model, opt, s.data, s.data_seed, s.hyper, k)
        states.append((weights_bytes(model), optim_bytes(model, opt)))
    return states


def end_weights(s: Setup, start: tuple[bytes, bytes], k: int, runner: Runner, threads: int,
                cheat: Cheat | None = None) -> Reexecuted:
    """Interval k's end weights (with ``.optim``) from ``start`` on ``runner`` with ``threads`` CPU threads."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        model, opt = load_state(s.config, *start, s.hyper, runner[0])
        train_interval(model, opt, s.data, s.data_seed, s.hyper, k, runner[1], cheat)
        return Reexecuted(weights_bytes(model), optim_bytes(model, opt))
    finally:
        torch.set_num_threads(before)


def measure(s: Setup, intervals: int, cheats=CHEATS, prover_threads: int = 1, verifier_threads: int = 2) -> dict:
    """{"honest": {"prover:verifier": [ppm per interval]}, "cheat": {mode: [ppm]}} (fp32 CPU verifier
    for the cheats; honest pairs over every runner)."""
    states = reference_states(s, intervals)
    honest: dict[str, list[int]] = {}
    cheat: dict[str, list[int]] = {mode: [] for mode in cheats}
    for k in range(intervals):
        start = states[k]
        prover = {r: end_weights(s, start, k, r, prover_threads) for r in runners()}
        verifier = {r: end_weights(s, start, k, r, verifier_threads) for r in runners()}
        for p, pw in prover.items():
            for v, vw in verifier.items():
                honest.setdefault(f"{':'.join(p)}>{':'.join(v)}", []).append(distance_ppm(start[0], vw, pw))
        for mode in cheats:
            claimed = end_weights(s, start, k, ("cpu", "fp32"), prover_threads, Cheat(mode))
            cheat[mode].append(distance_ppm(start[0], verifier[("cpu", "fp32")], claimed))
    return {"honest": honest, "cheat": cheat}


def summary(result: dict, tolerance_ppm: int = DEFAULT_TOLERANCE_PPM) -> dict:
    """Largest honest, smallest cheat distance, false positives and per-check detection per cheat."""
    honest_max = max(max(v) for v in result["honest"].values())
    cheat_min = min(min(v) for v in result["cheat"].values())
    flagged = sum(d > tolerance_ppm for v in result["honest"].values() for d in v)
    checks = sum(len(v) for v in result["honest"].values())
    detection = {m: sum(d > tolerance_ppm for d in v) / len(v) for m, v in result["cheat"].items()}
    return {"honest_max": honest_max, "cheat_min": cheat_min, "ratio": cheat_min / max(honest_max, 1),
            "false_positives": flagged, "honest_checks": checks, "detection": detection}


def main() -> None:
    """CLI: measure every pair and cheat per seed and print the lists and the summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--intervals", type=int, default=24)
    parser.add_argument("--interval-steps", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()
    for seed in range(args.seeds):
        s = fine_tune_setup(seed, args.interval_steps, args.intervals, args.lr)
        result = measure(s, args.intervals)
        for name, values in {**result["honest"], **result["cheat"]}.items():
            print(f"seed {seed} {name:24s} min {min(values):>9,} max {max(values):>9,}  {values}")
        print(summary(result))


if __name__ == "__main__":
    main()
