"""Verified-training benchmark (issue 11): throughput and MFU, verification cost, detection, honest
distances, and the scheduler at M = N = 10,000.

    python3 bench/training.py [--quick] [--threads 2] [--out bench/out]

1. Training throughput (tokens/s) and MFU on CPU: model FLOPs of a training step (6 x matmul weights
   x tokens + 12 x layers x d_model x seq_len x tokens for attention, PaLM's convention, no causal
   discount) per second over the best fp32 torch.mm FLOP/s measured in this same run.
2. Verification compute / training compute at the chain's default sample_ppm and committee size:
   alpha x m from the draw (n = ceil(alpha x I) of a segment's I intervals), and measured: seconds
   to re-execute the sampled intervals (load + steps + distance) x m / seconds to train the segment
   (steps + state bytes + hashes), on tiny-lm with its fine-tune settings.
3. Detection per check for each cheat mode (share of cheated intervals whose distance exceeds the
   default tolerance) and the segment-level detection curve: draws simulated with the chain's own
   sample_intervals over random seeds vs 1 - C(l-f, n) / C(l, n) (PNG).
4. Honest distances per precision pair against the tolerance: false-positive rate and the ratio of
   the smallest cheat distance to the largest honest one (PNG).
5. CDA vs naive greedy utility and time at M = N = 10,000 (bench/training_scheduler.compare).

Prints what one run measured; nothing here is a test or a threshold.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
import time
import warnings
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from chain.modules.training import draws  # noqa: E402
from chain.modules.training.params import default_params  # noqa: E402
from chain.modules.training.stake_condition import hypergeometric_detection  # noqa: E402
from genesis.model_layout import layout_shapes  # noqa: E402
from genesis.tiny_lm import tiny_lm_config  # noqa: E402
from worker.training import tolerance  # noqa: E402
from worker.training.data import make_batch  # noqa: E402
from worker.training.hyper import fine_tune_hyper  # noqa: E402
from worker.training.job_runner import TrainingRun  # noqa: E402
from worker.training.state import build_model, make_optimizer  # noqa: E402
from worker.training.steps import train_step  # noqa: E402
from worker.training.verify import distance_ppm, reexecute_interval  # noqa: E402

console = Console(width=140)
MFU_MODEL = {"vocab_size": 256, "d_model": 768, "n_layers": 3, "n_heads": 12, "d_ff": 3072, "max_seq_len": 256}


def timed(fn, *args):
    """(fn(*args), wall seconds)."""
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


# ------------------------------------------------------------------ 1. throughput and MFU

def matmul_rate(n: int, seconds: float) -> float:
    """fp32 torch.mm FLOP/s of n x n matrices over about ``seconds``."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    reps, start = 0, time.perf_counter()
    while reps < 1 or time.perf_counter() - start < seconds:
        torch.mm(a, b)
        reps += 1
    return 2 * n**3 * reps / (time.perf_counter() - start)


def matmul_peak(seconds: float) -> tuple[float, int]:
    """Best fp32 torch.mm FLOP/s over square sizes (about ``seconds`` in all) and its size."""
    return max((matmul_rate(n, seconds / 3), n) for n in (1024, 2048, 4096))


def step_flops(cfg: dict, batch: int, seq: int) -> float:
    """Model FLOPs of one training step (see the module docstring)."""
    d, f, layers = cfg["d_model"], cfg["d_ff"], cfg["n_layers"]
    matmul_weights = layers * (4 * d * d + 2 * d * f) + d * cfg["vocab_size"]  # qkv, proj, mlp, tied head
    tokens = batch * seq
    return 6 * matmul_weights * tokens + 12 * layers * d * seq * tokens


def random_model(cfg: dict):
    """A trainable model of ``cfg`` with small random weights (throughput only)."""
    gen = torch.Generator().manual_seed(0)
    tensors = {name: torch.randn(shape, generator=gen) * (0.02 if len(shape) > 1 else 0.0) + (1.0 if "ln" in name and
               name.endswith("weight") else 0.0) for name, shape in layout_shapes(cfg).items()}
    return build_model(cfg, tensors)


def throughput(cfg: dict, batch: int, seq: int, steps: int, peak_n: int) -> dict:
    """Per fp32 training step (after a warm-up step), a matmul probe of about the same length right
    after it: on a shared machine the load changes, so MFU is the median of step rate / probe rate."""
    model = random_model(cfg)
    hyper = fine_tune_hyper(total_steps=steps + 1, checkpoint_interval=1, batch_size=batch, seq_len=seq)
    opt = make_optimizer(model, hyper)
    data = tolerance.english_corpus(200_000)
    seed = hashlib.sha256(b"bench/training/mfu").digest()
    train_step(model, opt, *make_batch(data, seed, 0, hyper), "fp32")
    flops, times, ratios, probes = step_flops(cfg, batch, seq), [], [], []
    for t in range(1, steps + 1):
        batch_t = make_batch(data, seed, t, hyper)
        _, seconds = timed(train_step, model, opt, *batch_t, "fp32")
        probes.append(matmul_rate(peak_n, min(seconds, 2.0)))
        times.append(seconds)
        ratios.append(flops / seconds / probes[-1])
    per_step = sorted(times)[len(times) // 2]
    return {"step_s": per_step, "tokens_s": batch * seq / per_step, "flops": flops / per_step,
            "mfu": sorted(ratios)[len(ratios) // 2], "probe": sorted(probes)[len(probes) // 2]}


def mfu_section(quick: bool) -> None:
    peak, n = matmul_peak(2.0 if quick else 6.0)
    table = Table(title=f"1. Training throughput and MFU (CPU fp32, {torch.get_num_threads()} threads; best "
                        f"torch.mm {peak / 1e9:.1f} GFLOP/s at n={n}; MFU = median step rate / the mm probe after it)")
    for col in ("model", "params", "batch x seq", "s/step", "tokens/s", "GFLOP/s", "mm probe GFLOP/s", "MFU",
                "vs best mm"):
        table.add_column(col, justify="right")
    rows = [("tiny-lm", tiny_lm_config(), 8, 64, 5 if quick else 20),
            ("d768 L3 ff3072", MFU_MODEL, 8, 256, 2 if quick else 4)]
    for name, cfg, batch, seq, steps in rows:
        r = throughput(cfg, batch, seq, steps, n)
        params = sum(math.prod(shape) for shape in layout_shapes(cfg).values())
        table.add_row(name, f"{params / 1e6:.2f}M", f"{batch} x {seq}", f"{r['step_s']:.3f}", f"{r['tokens_s']:,.0f}",
                      f"{r['flops'] / 1e9:.1f}", f"{r['probe'] / 1e9:.1f}", f"{r['mfu']:.1%}", f"{r['flops'] / peak:.1%}")
    console.print(table)


# ------------------------------------------------------------------ 2. verification / training compute

def reexecute_sampled(run: TrainingRun, sampled: list[int]) -> list[int]:
    """What one committee member does for a segment: re-run each sampled interval, take the distance."""
    out = []
    for k in sampled:
        start_w, start_o = run.state(k - 1)
        mine = reexecute_interval(run.config, start_w, start_o, run.data, run.data_seed, run.hyper, k)
        out.append(distance_ppm(start_w, mine, run.state(k)[0]))
    return out


def cpu_timed(fn, *args):
    """(fn(*args), CPU seconds of this process): steadier than wall time on a shared machine."""
    start = time.process_time()
    out = fn(*args)
    return out, time.process_time() - start


def verification_section(quick: bool) -> None:
    p = default_params()
    ips, alpha, m = p.intervals_per_segment, p.default_sample_ppm, p.default_committee_size
    segments = 2 if quick else 4  # segment 0 is a warm-up (one-time allocations), not counted
    s = tolerance.fine_tune_setup(0, interval_steps=8, intervals=ips * segments)
    run = TrainingRun(s.config, s.base_weights, s.data, s.data_seed, s.hyper, job_id=1)
    train_s = verify_s = 0.0
    n = draws.sample_count(ips, alpha)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # CPU seconds of one thread = the work (no OpenMP spin-waits on a loaded machine)
    for seg in range(segments):
        _, t_train = cpu_timed(run.run_segment, seg * ips, ips)
        sampled = draws.sample_intervals(hashlib.sha256(b"bench%d" % seg).digest(), seg * ips, ips, alpha)
        dist, t_verify = cpu_timed(reexecute_sampled, run, sampled)
        train_s, verify_s = train_s + t_train * (seg > 0), verify_s + t_verify * (seg > 0)
        assert max(dist) == 0, dist  # an honest fp32 segment re-executed on the same machine
    torch.set_num_threads(threads)
    table = Table(title=f"2. Verification / training compute (tiny-lm, 8-step intervals, {segments - 1} timed segment(s), 1 thread; "
                        f"defaults: sample_ppm {alpha:,}, committee {m}, {ips} intervals per segment -> n = {n} sampled)")
    for col in ("alpha x m (nominal)", "n/I x m (the draw)", "measured (re-exec x m / train)", "train CPU s",
                "re-exec CPU s (1 member)"):
        table.add_column(col, justify="right")
    table.add_row(f"{alpha / 1e6 * m:.3f}", f"{n / ips * m:.3f}", f"{verify_s * m / train_s:.3f}", f"{train_s:.2f}", f"{verify_s:.2f}")
    console.print(table)


# ------------------------------------------------------------------ 3./4. distances, detection, false positives

def _stats(values: list[int]) -> tuple[str, str, str]:
    v = sorted(values)
    return f"{v[0]:,}", f"{v[len(v) // 2]:,}", f"{v[-1]:,}"


def distance_tables(result: dict, tol: int) -> None:
    """Honest pairs (false positives) and cheats (detection per check) against the tolerance."""
    table = Table(title=f"4. Honest distances per precision pair (prover 1 thread > verifier 2 threads) vs "
                        f"tolerance {tol:,} ppm")
    for col in ("prover > verifier", "checks", "min", "median", "max", "flagged (false positives)"):
        table.add_column(col, justify="right")
    for pair, values in result["honest"].items():
        table.add_row(pair, str(len(values)), *_stats(values), f"{sum(d > tol for d in values)}")
    console.print(table)
    table = Table(title="3. Cheat distances (fp32 verifier) and measured detection per check")
    for col in ("cheat", "checks", "min", "median", "max", "detection per check"):
        table.add_column(col, justify="right")
    for mode, values in result["cheat"].items():
        table.add_row(mode, str(len(values)), *_stats(values), f"{sum(d > tol for d in values) / len(values):.3f}")
    console.print(table)
    sm = tolerance.summary(result, tol)
    console.print(f"largest honest {sm['honest_max']:,} ppm, smallest cheat {sm['cheat_min']:,} ppm: ratio "
                  f"{sm['ratio']:.2f}; false positives {sm['false_positives']}/{sm['honest_checks']} "
                  f"(rate {sm['false_positives'] / sm['honest_checks']:.4f})")


def simulated_detection(count: int, cheated: int, sample_ppm: int, d: float, trials: int) -> float:
    """Share of segments caught: the chain's draw over random seeds, each sampled cheated interval
    flagged with probability ``d`` (the cheated intervals are a random set, fixed per trial)."""
    import random

    rng, caught = random.Random(count * 1000 + cheated), 0
    for t in range(trials):
        bad = set(rng.sample(range(count), cheated))
        sampled = draws.sample_intervals(hashlib.sha256(b"bench/detect/%d" % t).digest(), 0, count, sample_ppm)
        caught += any(k in bad and rng.random() < d for k in sampled)
    return caught / trials


def detection_curves(detection: dict[str, float], sample_ppm: int, sizes: tuple[int, ...], trials: int) -> dict:
    """{l: {"formula": [...], "d=... (modes)": [...]}} for f = 0..l cheated intervals of a segment of
    l (a job of one segment), one simulated curve per distinct measured per-check detection d."""
    out = {}
    for count in sizes:
        n = draws.sample_count(count, sample_ppm)
        curves = {"formula": [num / den for num, den in (hypergeometric_detection(count, n, f) for f in range(count + 1))]}
        for d in sorted(set(detection.values())):  # modes with the same per-check detection share a curve
            modes = ", ".join(m for m, v in detection.items() if v == d)
            curves[f"d={d:.3f} ({modes})"] = [simulated_detection(count, f, sample_ppm, d, trials) for f in range(count + 1)]
        out[count] = curves
    return out


def detection_table(curves: dict, sample_ppm: int) -> None:
    for count, c in curves.items():
        n = draws.sample_count(count, sample_ppm)
        table = Table(title=f"3b. Segment detection vs cheated intervals f (l = {count}, n = {n}): "
                            "chain draws (simulated) vs 1 - C(l-f,n)/C(l,n)")
        table.add_column("f", justify="right")
        for name in c:
            table.add_column(name, justify="right")
        for f in range(count + 1):
            table.add_row(str(f), *(f"{c[name][f]:.3f}" for name in c))
        console.print(table)


# ------------------------------------------------------------------ plots

def plot(result: dict, curves: dict, tol: int, out: Path) -> list[Path]:
    """training_detection.png (curves) and training_distances.png (distances vs the tolerance)."""
    try:
        import matplotlib
    except ImportError:
        console.print("[yellow]matplotlib is not installed: no PNG (pip install matplotlib)[/yellow]")
        return []
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, len(curves), figsize=(6 * len(curves), 4.5), squeeze=False)
    for ax, (count, c) in zip(axes[0], curves.items()):
        f = list(range(count + 1))
        ax.plot(f, c["formula"], "k-", lw=2, label="1 - C(l-f,n)/C(l,n)")
        for mode in (m for m in c if m != "formula"):
            ax.plot(f, c[mode], "o", ms=5, alpha=0.8, label=f"chain draws, {mode}")
        ax.set(xlabel="cheated intervals f", ylabel="P(segment caught)", title=f"segment of l={count} intervals")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    paths = [out / "training_detection.png", out / "training_distances.png"]
    fig.savefig(paths[0], dpi=110)
    fig, ax = plt.subplots(figsize=(10, 4.5))
    groups = {**result["honest"], **result["cheat"]}
    for i, (name, values) in enumerate(groups.items()):
        ax.scatter([i] * len(values), [max(v, 1) for v in values], s=12, alpha=0.6)
    ax.axhline(tol, color="r", ls="--", label=f"tolerance {tol:,} ppm")
    ax.set_xticks(range(len(groups)), list(groups), rotation=30, ha="right", fontsize=8)
    ax.set(yscale="log", ylabel="distance (ppm, log)", title="honest precision pairs and cheats vs the tolerance")
    ax.legend()
    fig.tight_layout()
    fig.savefig(paths[1], dpi=110)
    plt.close("all")
    return paths


# ------------------------------------------------------------------ 5. scheduler

def scheduler_section(quick: bool) -> None:
    from bench.training_scheduler import compare, print_table

    size = 1_000 if quick else 10_000
    console.print(f"\n5. CDA vs naive greedy at M = N = {size:,} (bench/training_scheduler.compare)")
    print_table([compare(size, size, 1)])


# ------------------------------------------------------------------ main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer steps, intervals and trials")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--intervals", type=int, default=10, help="intervals measured per distance run")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    console.print(f"torch {torch.__version__}, {args.threads} CPU threads, CUDA {'present' if torch.cuda.is_available() else 'absent (CUDA pairs skipped)'}")
    t0 = time.perf_counter()
    mfu_section(args.quick)
    verification_section(args.quick)
    tol, sample_ppm = tolerance.DEFAULT_TOLERANCE_PPM, default_params().default_sample_ppm
    setup = tolerance.fine_tune_setup(0, interval_steps=8, intervals=args.intervals)
    result = tolerance.measure(setup, 3 if args.quick else args.intervals)
    distance_tables(result, tol)
    detection = tolerance.summary(result, tol)["detection"]
    curves = detection_curves(detection, sample_ppm, (5, 20), 200 if args.quick else 2000)
    detection_table(curves, sample_ppm)
    for path in plot(result, curves, tol, args.out):
        console.print(f"plot: {path}")
    scheduler_section(args.quick)
    console.print(f"total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
