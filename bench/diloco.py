"""DiLoCo benchmark (issue 12): communication, loss vs compute, round time, verification cost.

    python3 bench/diloco.py [--quick] [--threads 2] [--out bench/out] [--block-seconds 1.0] [--link-mbps 100]

Setup: the genesis tiny-lm fine-tuned on worker/training/corpus.english_corpus (lr 1e-3, batch 8,
seq 64), W = 3 workers, DiLoCo's outer lr 0.7 and Nesterov momentum 0.9, held-out loss on another
corpus seed. Every worker runs in this process (worker/diloco/simulate.py), one after another.

1. Bytes exchanged per worker per round: DiLoCo sends its F32 Delta once per round and fetches the
   other W-1; per-step synchronous data-parallel exchanges a gradient of the same layout every step
   in the same way, so k times as much per k steps (the measured blob sizes, and the bf16 option).
2. Held-out loss vs total compute (GFLOP = 6 x params x tokens, all workers) for k in {1, 10, 50}
   with the same workers and per-worker step budget, plus one worker alone (PNG).
3. Time per round: inner compute (per worker; workers run in parallel on their hosts), transfer
   (measured: Delta serialize + sha256 + a real local BlobStore put, and W-1 gets with hash checks;
   plus a network estimate at --link-mbps), the on-chain barrier (an ESTIMATE: 2 blocks -- the
   contributions' block and the outer commits' block -- at --block-seconds, the localnet's
   timeout_commit order), and the outer step (measured).
4. Verification compute / training compute at the chain's default outer_sample_ppm (alpha_out)
   and outer_committee_size (m_out): nominal alpha x m / W, and measured from CPU seconds.
5. bf16 Delta exchange: relative L2 error of each Delta and its effect on theta_{u+1}; honest and
   noise-cheat round distances against the default outer tolerance.
6. (not with --quick) One worker's round data-parallel over 2 gloo CPU processes (worker/diloco/ddp.py)
   against one process: the Delta difference and the verifier distance.

Prints what one run measured; nothing here is a test or a threshold.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import math
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from chain.modules.training.params import default_params  # noqa: E402
from genesis.blob_store import BlobStore  # noqa: E402
from genesis.model_layout import layout_shapes  # noqa: E402
from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config  # noqa: E402
from worker.diloco.delta import (bf16_as_f32_bytes, bf16_error, delta_bytes, delta_bytes_bf16,  # noqa: E402
                                 load_delta, relative_l2)
from worker.diloco.inner import reexecute_round, round_distance_ppm, run_inner_round  # noqa: E402
from worker.diloco.outer import outer_step  # noqa: E402
from worker.diloco.simulate import DILOCO_LR_NANO, DILOCO_MOMENTUM_NANO, SimResult, simulate  # noqa: E402
from worker.inference.weights import load_safetensors  # noqa: E402
from worker.training.cheats import Cheat  # noqa: E402
from worker.training.corpus import english_corpus  # noqa: E402
from worker.training.hyper import fine_tune_hyper  # noqa: E402

console = Console(width=150)
WORKERS = 3
KS = (1, 10, 50)
DATA_SEED = hashlib.sha256(b"sprint/bench/diloco").digest()


class Job:
    """The benchmark's model, data and hyperparameters (lr 1e-3, batch 8, seq 64)."""

    def __init__(self):
        self.config, self.base = tiny_lm_config(), generate_tiny_lm()
        self.data, self.heldout = english_corpus(32_768, 0), english_corpus(16_384, 99)
        self.hyper = fine_tune_hyper(total_steps=10_000, checkpoint_interval=1)
        self.params = sum(math.prod(shape) for shape in layout_shapes(self.config).values())

    def step_gflop(self) -> float:
        """Training FLOPs of one step (6 x params x tokens), in GFLOP."""
        return 6 * self.params * self.hyper.batch_size * self.hyper.seq_len / 1e9

    def hyper_for(self, k: int):
        """The hyperparameters with checkpoint_interval = k (one interval per round)."""
        return dataclasses.replace(self.hyper, checkpoint_interval=k)

    def run(self, workers: int, rounds: int, k: int, lr=DILOCO_LR_NANO, mom=DILOCO_MOMENTUM_NANO) -> SimResult:
        """A simulated job; one checkpoint interval per round (the batches do not depend on it)."""
        return simulate(self.config, self.base, self.data, DATA_SEED, workers, rounds, k, self.hyper_for(k), lr, mom,
                        heldout=self.heldout)


def cpu_timed(fn, *args, **kwargs):
    """(fn(...), CPU seconds of this process): steadier than wall time on a shared machine."""
    start = time.process_time()
    out = fn(*args, **kwargs)
    return out, time.process_time() - start


# ------------------------------------------------------------------ 1. bytes

def bytes_section(delta_size: int, bf16_size: int) -> None:
    table = Table(title=f"1. Bytes per worker per round (W = {WORKERS}; Delta blob {delta_size:,} B F32, "
                        f"{bf16_size:,} B bf16; a per-step gradient has the same F32 layout)")
    for col in ("k", "DiLoCo up+down", "DiLoCo bf16 up+down", "sync DP over k steps", "ratio DP / DiLoCo",
                "ratio DP / DiLoCo bf16"):
        table.add_column(col, justify="right")
    per_round = WORKERS * delta_size  # upload its own, fetch the W-1 others
    per_round_bf16 = WORKERS * bf16_size
    for k in KS:
        dp = k * WORKERS * delta_size
        table.add_row(str(k), f"{per_round:,}", f"{per_round_bf16:,}", f"{dp:,}", f"{dp / per_round:.2f}",
                      f"{dp / per_round_bf16:.2f}")
    console.print(table)


# ------------------------------------------------------------------ 2. loss vs compute

def loss_section(job: Job, steps: int) -> dict:
    """{label: (GFLOP after each round, held-out loss)} for k in KS and one worker alone."""
    curves = {}
    table = Table(title=f"2. Held-out loss vs total compute ({steps} inner steps per worker; W = {WORKERS}; "
                        f"1 worker = plain AdamW: outer lr 1, no momentum)")
    for col in ("run", "rounds", "total GFLOP", "held-out start", "held-out end", "wall s"):
        table.add_column(col, justify="right")
    runs = [(f"DiLoCo k={k}", WORKERS, k, DILOCO_LR_NANO, DILOCO_MOMENTUM_NANO) for k in KS]
    runs.append(("1 worker, same steps", 1, 10, 1_000_000_000, 0))
    runs.append((f"1 worker, same compute ({WORKERS}x steps)", 1, 10 * WORKERS, 1_000_000_000, 0))
    for label, w, k, lr, mom in runs:
        start = time.perf_counter()
        rounds = steps // k if w > 1 or k == 10 else steps // 10
        res = job.run(w, rounds, k, lr, mom)
        gflop = [u * k * w * job.step_gflop() for u in range(len(res.heldout))]
        curves[label] = (gflop, res.heldout)
        table.add_row(label, str(rounds), f"{gflop[-1]:.1f}", f"{res.heldout[0]:.3f}", f"{res.heldout[-1]:.3f}",
                      f"{time.perf_counter() - start:.1f}")
    console.print(table)
    return curves


def plot(curves: dict, out: Path) -> Path | None:
    """diloco_loss_vs_compute.png."""
    try:
        import matplotlib
    except ImportError:
        console.print("[yellow]matplotlib is not installed: no PNG (pip install matplotlib)[/yellow]")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(8, 5))
    for label, (x, y) in curves.items():
        ax.plot(x, y, "o-" if len(x) < 30 else "-", ms=3, label=label)
    ax.set(xlabel="total training compute (GFLOP, all workers)", ylabel="held-out loss (nats/byte)",
           title=f"tiny-lm DiLoCo, W = {WORKERS}: held-out loss vs compute", yscale="log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = out / "diloco_loss_vs_compute.png"
    fig.savefig(path, dpi=110)
    plt.close("all")
    return path


# ------------------------------------------------------------------ 3. time per round

def transfer_seconds(theta: bytes, ends: list[bytes]) -> tuple[float, int]:
    """Measured seconds for one worker's exchange: serialize + hash + put its Delta, then get and
    hash-check the W-1 others from a real local BlobStore; and the Delta size."""
    with tempfile.TemporaryDirectory(prefix="sprint-bench-diloco-") as tmp:
        store = BlobStore(tmp)
        blobs = [delta_bytes(theta, e) for e in ends[1:]]
        for b in blobs:
            store.put(b)
        start = time.perf_counter()
        mine = delta_bytes(theta, ends[0])
        name, _ = store.put(mine, hashlib.sha256(mine).hexdigest())
        for b in blobs:
            got = store.read(hashlib.sha256(b).hexdigest())
            assert got is not None and hashlib.sha256(got).digest() == hashlib.sha256(b).digest()
        return time.perf_counter() - start, len(mine)


def round_time_section(job: Job, res: SimResult, k: int, block_s: float, link_mbps: float, theta_prev: bytes) -> None:
    rounds = len(res.contributions)
    inner = res.seconds["inner"] / (rounds * WORKERS)
    outer = res.seconds["outer"] / rounds
    last = res.contributions[-1]
    xfer, size = transfer_seconds(theta_prev, [last[r].end_weights for r in sorted(last)])
    network = WORKERS * size * 8 / (link_mbps * 1e6)
    barrier = 2 * block_s
    total = inner + xfer + network + barrier + outer
    table = Table(title=f"3. Time per round (k = {k}, W = {WORKERS}, {rounds} rounds; per worker, workers in parallel)")
    for col in ("part", "seconds", "share", "how"):
        table.add_column(col, justify="right" if col != "how" else "left")
    rows = [("inner compute", inner, f"measured: {k} AdamW steps + the round's interval state/leaf, wall"),
            ("transfer (local)", xfer, "measured: Delta serialize + sha256 + BlobStore put, W-1 gets + hash checks"),
            ("transfer (network)", network, f"ESTIMATE: {WORKERS} x {size:,} B at {link_mbps:g} Mbit/s"),
            ("on-chain barrier", barrier, f"ESTIMATE: 2 blocks x {block_s:g} s (contributions, outer commits)"),
            ("outer step", outer, "measured: load W Deltas + exact fp32 step + write theta/momentum")]
    for name, sec, how in rows:
        table.add_row(name, f"{sec:.3f}", f"{sec / total:.1%}", how)
    table.add_row("total", f"{total:.3f}", "100%", "")
    console.print(table)


# ------------------------------------------------------------------ 4. verification / training

def verification_section(job: Job, k: int) -> None:
    p = default_params()
    alpha, m, tol = p.outer_sample_ppm, p.outer_committee_size, p.outer_tolerance_ppm
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # CPU seconds of one thread = the work
    try:
        args = (job.config, job.base, None, job.data, DATA_SEED, 0, job.hyper_for(k), 0, k)
        cpu_timed(run_inner_round, *args)  # warm-up (one-time allocations)
        honest, t_train = cpu_timed(run_inner_round, *args)
        re, t_re = cpu_timed(reexecute_round, *args)
        dist, t_dist = cpu_timed(round_distance_ppm, job.base, re, honest.delta)
    finally:
        torch.set_num_threads(threads)
    t_verify = t_re + t_dist
    measured = alpha / 1e6 * m * t_verify / (WORKERS * t_train)
    table = Table(title=f"4. Verification / training compute per round (k = {k}, W = {WORKERS}; chain defaults: "
                        f"outer_sample_ppm {alpha:,} (alpha_out), outer_committee_size {m} (m_out); 1 thread CPU s)")
    for col in ("alpha x m / W (nominal)", "measured", "train CPU s (1 worker)", "re-exec + distance CPU s (1 member)",
                "honest distance ppm"):
        table.add_column(col, justify="right")
    table.add_row(f"{alpha / 1e6 * m / WORKERS:.3f}", f"{measured:.3f}", f"{t_train:.2f}", f"{t_verify:.2f}",
                  f"{dist:,}")
    console.print(table)
    console.print(f"   (tolerance tau_out = {tol:,} ppm)")


# ------------------------------------------------------------------ 5. bf16 exchange and distances

def bf16_section(job: Job, res: SimResult, theta_prev: bytes) -> None:
    last = res.contributions[-1]
    ranks = sorted(last)
    errs = [bf16_error(theta_prev, last[r].end_weights) for r in ranks]
    exact = [last[r].delta for r in ranks]
    widened = [bf16_as_f32_bytes(delta_bytes_bf16(theta_prev, last[r].end_weights)) for r in ranks]
    momentum = res.last_start[1]
    t_exact, _ = outer_step(theta_prev, momentum, exact, DILOCO_LR_NANO, DILOCO_MOMENTUM_NANO)
    t_bf16, _ = outer_step(theta_prev, momentum, widened, DILOCO_LR_NANO, DILOCO_MOMENTUM_NANO)
    prev = load_safetensors(theta_prev)
    change = {k: v - prev[k] for k, v in load_safetensors(t_exact).items()}
    change_bf16 = {k: v - prev[k] for k, v in load_safetensors(t_bf16).items()}
    table = Table(title="5a. bf16 Delta exchange (last round; transfer format only, the chain-agreed path is F32)")
    for col in ("Delta rel. L2 error (min..max over workers)", "theta step rel. L2 error", "bytes saved"):
        table.add_column(col, justify="right")
    saved = 1 - len(delta_bytes_bf16(theta_prev, last[ranks[0]].end_weights)) / len(exact[0])
    table.add_row(f"{min(errs):.2e}..{max(errs):.2e}", f"{relative_l2(change_bf16, change):.2e}", f"{saved:.1%}")
    console.print(table)


def distance_section(job: Job, k: int) -> None:
    tol = default_params().outer_tolerance_ppm
    base_args = (job.config, job.base, None, job.data, DATA_SEED, 1, job.hyper_for(k), 0, k)
    re = reexecute_round(*base_args)
    table = Table(title=f"5b. Round distances against tau_out = {tol:,} ppm (round 0, rank 1, k = {k})")
    for col in ("contribution", "distance ppm", "over tolerance"):
        table.add_column(col, justify="right")
    for label, cheat in (("honest fp32", None), ("honest bf16 autocast", "bf16"), ("noise", Cheat("noise")),
                         ("stale-gradient", Cheat("stale-gradient")), ("truncated-batch", Cheat("truncated-batch"))):
        precision = "bf16" if cheat == "bf16" else "fp32"
        c = run_inner_round(*base_args, precision=precision, cheat=cheat if isinstance(cheat, Cheat) else None)
        d = round_distance_ppm(job.base, re, c.delta)
        table.add_row(label, f"{d:,}", "yes" if d > tol else "no")
    console.print(table)


# ------------------------------------------------------------------ 6. DDP

def ddp_section(job: Job, k: int) -> None:
    from worker.diloco.ddp import run_inner_round_ddp

    args = (job.config, job.base, None, job.data, DATA_SEED, 0, job.hyper_for(k), 0, k)
    single, t_single = _wall(run_inner_round, *args)
    ddp, t_ddp = _wall(run_inner_round_ddp, *args, local_ranks=2, backend="gloo", timeout_s=300)
    re = reexecute_round(*args)
    table = Table(title=f"6. One worker's round (k = {k}) data-parallel over 2 gloo CPU processes vs 1 process "
                        f"(batch {job.hyper.batch_size} split 2 x {job.hyper.batch_size // 2})")
    for col in ("Delta rel. L2 difference", "max loss rel. difference", "verifier distance ppm", "1 process s",
                "2 processes s (incl. spawn)"):
        table.add_column(col, justify="right")
    loss_diff = max(abs(a - b) / a for a, b in zip(single.losses, ddp.losses))
    table.add_row(f"{relative_l2(load_delta(ddp.delta), load_delta(single.delta)):.2e}", f"{loss_diff:.1e}",
                  f"{round_distance_ppm(job.base, re, ddp.delta):,}", f"{t_single:.2f}", f"{t_ddp:.2f}")
    console.print(table)


def _wall(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


# ------------------------------------------------------------------ main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer inner steps")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=0,
                        help="inner steps per worker for section 2 (default 150, quick 50)")
    parser.add_argument("--block-seconds", type=float, default=1.0, help="block time for the barrier estimate")
    parser.add_argument("--link-mbps", type=float, default=100.0, help="link speed for the network estimate")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    console.print(f"torch {torch.__version__}, {args.threads} CPU threads, tiny-lm, W = {WORKERS}")
    t0, job = time.perf_counter(), Job()
    steps = args.steps or (50 if args.quick else 150)
    k = 10
    res = job.run(WORKERS, 3 if args.quick else 5, k)
    theta_prev = res.last_start[0]
    last = res.contributions[-1][0]
    bytes_section(len(last.delta), len(delta_bytes_bf16(theta_prev, last.end_weights)))
    curves = loss_section(job, steps)
    path = plot(curves, args.out)
    if path:
        console.print(f"plot: {path}")
    round_time_section(job, res, k, args.block_seconds, args.link_mbps, theta_prev)
    verification_section(job, k)
    bf16_section(job, res, theta_prev)
    distance_section(job, k)
    if not args.quick:
        ddp_section(job, k)
    console.print(f"total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
