"""Sprint PoW benchmark: nonces/s and model FLOP utilisation against the matmul peak of this run,
validation cost, and the smallest weight inflation the acceptance test catches.

    python bench/sprint_pow.py [--config devnet] [--seconds 10] [--threads N] [--device cpu|cuda]
                           [--sprint-seconds 600] [--provers-per-validator 1]

MFU = achieved model FLOP/s (matmul FLOPs of the forward, PowConfig.flops_per_nonce) / the best
dense matmul FLOP/s measured in this same run on the same device and dtype (fp32 on CPU, bf16 on
CUDA). With CUDA present the `paper` config is measured too. Nothing here is a test or threshold.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
import warnings
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402

from worker.sprint.acceptance import smallest_detectable_inflation  # noqa: E402
from worker.sprint.config import get_config, recommended  # noqa: E402
from worker.sprint.inputs import input_keys, tokens  # noqa: E402
from worker.sprint.pow import SprintFunction, default_batch_size  # noqa: E402

SEED = hashlib.sha256(b"bench/sprint/seed").digest()
HOST = hashlib.sha256(b"bench/sprint/host").digest()


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def matmul_peak(device: str, dtype: torch.dtype, seconds: float) -> tuple[float, int]:
    """Best FLOP/s of square matmuls (sizes tried in turn, ~seconds in all)."""
    sizes = (2048, 4096, 8192) if device.startswith("cuda") else (1024, 2048, 4096)
    best = (0.0, 0)
    for n in sizes:
        a = torch.randn(n, n, device=device, dtype=dtype)
        b = torch.randn(n, n, device=device, dtype=dtype)
        a @ b
        sync(device)
        reps, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / len(sizes):
            a @ b
            reps += 1
        sync(device)
        best = max(best, (2 * n**3 * reps / (time.perf_counter() - start), n))
    return best


def timed_rate(step, seconds: float, device: str) -> float:
    """Calls of step() per second over about ``seconds`` (one warm-up call first)."""
    step()
    sync(device)
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        calls += 1
    sync(device)
    return calls / (time.perf_counter() - start)


def sprint_rates(name: str, device: str, dtype: torch.dtype, seconds: float, batch: int | None) -> dict:
    """Full search nonces/s (inputs + model + distances), model-only nonces/s, init seconds."""
    config = get_config(name)
    batch = batch or default_batch_size(config, device)
    start = time.perf_counter()
    fn = SprintFunction(SEED, config, device=device, dtype=dtype)
    init_s = time.perf_counter() - start
    cursor = [0]

    def search_batch():
        fn.search(HOST, cursor[0], batch, batch_size=batch)
        cursor[0] += batch

    toks = tokens(input_keys(SEED, HOST, range(batch))[0], config.seq_len, config.vocab).to(device)

    def model_batch():
        with torch.inference_mode():
            fn.model(toks)

    full = timed_rate(search_batch, seconds, device) * batch
    model_only = timed_rate(model_batch, seconds / 2, device) * batch
    return {"config": config, "batch": batch, "init_s": init_s, "full": full, "model": model_only}


def report_sprint(r: dict, peak: float, dtype_name: str) -> None:
    cfg = r["config"]
    flops = cfg.flops_per_nonce()
    print(f"  {cfg.name} ({dtype_name}, {cfg.n_params() / 1e6:.1f}M weights, {flops / 1e6:.1f} MFLOP/nonce, "
          f"batch {r['batch']}, init {r['init_s']:.2f} s)")
    for label, rate in (("search (inputs+model+distance)", r["full"]), ("model forward only", r["model"])):
        print(f"    {label:32s} {rate:10.0f} nonces/s  {rate * flops / 1e9:9.1f} GFLOP/s  MFU {rate * flops / peak:6.1%}")


def report_validation(name: str, rate: float, sprint_seconds: float, provers: int) -> None:
    rec = recommended(name)
    k, m = rec.validation_sample, rec.max_sample_mismatches
    sprint_nonces = rate * sprint_seconds
    valid = sprint_nonces / 900
    checked = min(k, valid)
    print(f"  validation ({name}: k={k}, m={m}, tolerance {rec.distance_tolerance_micro} micro, "
          f"honest mismatch bound {rec.honest_mismatch_bound}, false rejection <= 1e-6 per prover-epoch)")
    print(f"    assumptions: every host sprints {sprint_seconds:.0f} s at the rate above (~{sprint_nonces:,.0f} nonces, "
          f"~{valid:,.0f} valid); a validator re-runs min(k, claims) = {checked:,.0f} nonces per assigned prover at the "
          f"same cost per nonce; {provers} prover(s) assigned per validator")
    print(f"    validation cost / sprint compute per validator: {checked * provers / sprint_nonces:.4%}")
    for miss in (Fraction(1, 2), Fraction(1, 100)):
        f = smallest_detectable_inflation(k, m, Fraction(0), miss)
        print(f"    smallest weight inflation caught with probability >= {float(1 - miss):.2f}: {float(f):.2%} "
              f"(needs >= {float(f * k / (1 + f)):.0f} fabricated nonces among the {k} sampled)")
    if valid < k:
        print(f"    (with only ~{valid:,.0f} claims every claim is checked: inflation is caught once it adds more "
              f"than m={m} fabricated nonces, i.e. > {m / max(valid, 1):.2%} here)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="devnet")
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time per rate")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--sprint-seconds", type=float, default=600.0)
    parser.add_argument("--provers-per-validator", type=int, default=1)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")

    cpu_peak, n = matmul_peak("cpu", torch.float32, min(args.seconds, 6.0))
    print(f"CPU fp32 matmul peak: {cpu_peak / 1e9:.1f} GFLOP/s (n={n})")
    r = sprint_rates(args.config, "cpu", torch.float32, args.seconds, args.batch_size if args.device == "cpu" else None)
    report_sprint(r, cpu_peak, "fp32")
    report_validation(args.config, r["full"], args.sprint_seconds, args.provers_per_validator)

    if args.device.startswith("cuda") and torch.cuda.is_available():
        gpu_peak, n = matmul_peak(args.device, torch.bfloat16, 6.0)
        print(f"{torch.cuda.get_device_name()} bf16 matmul peak: {gpu_peak / 1e12:.1f} TFLOP/s (n={n})")
        for name in dict.fromkeys((args.config, "paper")):
            g = sprint_rates(name, args.device, torch.bfloat16, args.seconds, args.batch_size)
            report_sprint(g, gpu_peak, "bf16")
        report_validation("paper", g["full"], args.sprint_seconds, args.provers_per_validator)


if __name__ == "__main__":
    main()
