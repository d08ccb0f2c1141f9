"""Checker tolerances per (executor precision, checker precision), and how they were measured.

    python -m worker.inference.tolerance --jobs 300 --pairs fp32:fp32,bf16:fp32,bf16:bf16

``measure_logprob_noise`` runs honest jobs (the fixed ``workload``: mixed temperatures, top-k,
prompt lengths incl. ones past max_seq_len) on the genesis tiny-lm in the executor's precision,
recomputes them teacher-forced in the checker's precision, and reports the largest logprob
difference (chosen + alternatives + top-set excess, x 10^6), the largest distance of u_t outside
the claimed token's recomputed cdf interval, and the largest greedy/top-k logit margin.

Measured (CPU, torch 2.x, 1 thread, ``--jobs 300``: 9 600 tokens per pair; logprobs x 10^6):

  pair        logprob diff p50 / p99.9 / max     u outside cdf interval   logit margin
  fp32:fp32        1 /      7 /      9              0                        0
  bf16:fp32   35 545 / 124 701 / 145 841            0.019                    0.048
  bf16:bf16        1 /  37 830 /  64 825            0.0014                   0

Chosen: fp32:fp32 1 000 / 1e-3 / 1e-3 (100x: an fp32 executor on CUDA runs other kernels; keep TF32
off); bf16:fp32 500 000 / 0.06 / 0.15 (~3.4x the max); bf16:bf16 700 000 / 0.08 / 0.2 -- the
same-machine bf16:bf16 numbers understate a CUDA executor checked on a CPU (two independent bf16
roundings), so it gets bf16:fp32 x ~1.4. False positives (``false_positive_rate``, fresh jobs):
  bf16 exec, fp32 check, for_checker("fp32"):  0 / 600 jobs flagged (19 200 tokens, max diff 154 496)
  fp32 exec, fp32 check, for_checker("fp32"):  0 / 300 jobs flagged (max diff 8)
  bf16 exec, fp32 check, the fp32:fp32 tolerance: 600 / 600 flagged (why the pair matters)
Cheat detection per check (``cheats.cheat_detection``, fp32, for_checker("fp32"), 200 jobs):
  smaller-model 1.00 at 32, 4 and 1 output tokens; prefill 0.945 (32 tokens), 0.82 (4), 0.545 (1) --
  of the 11 uncaught 32-token prefill jobs, 8 were identical to the honest output (nothing to catch)
  and 3 diverged where u_t lay within cdf_slack of the honest token's interval.

The checker does not know the executor's precision, so ``for_checker(check_dtype)`` takes the widest
tolerance over the executor precisions a host may run (bf16 on CUDA).
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass

import torch

from sprint.inference.v1 import inference_pb2
from worker.inference import sampler
from worker.inference.executor import Request, execute_batch, teacher_forced_logits

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16, "fp64": torch.float64}
TEXT = (
    "The Sprint is a proof of work whose work is a transformer forward pass; hosts earn weight by "
    "it and spend it serving inference. Every result carries its logprobs, and validators drawn in "
    "secret recompute a share of them, more for new hosts and fewer for hosts with a long record. "
)


@dataclass(frozen=True)
class Tolerance:
    """How much precision noise the checker forgives."""

    logprob_micro: int  # max |reported - recomputed| logprob, x 10^6
    cdf_slack: float  # u_t may lie this far outside the token's recomputed cdf interval
    logit_slack: float  # greedy / top-k boundary: this far (logits) from eligible
    allowed_mismatches: int = 0


TOLERANCES: dict[tuple[str, str], Tolerance] = {
    ("fp32", "fp32"): Tolerance(logprob_micro=1_000, cdf_slack=1e-3, logit_slack=1e-3),
    ("bf16", "fp32"): Tolerance(logprob_micro=500_000, cdf_slack=0.06, logit_slack=0.15),
    ("bf16", "bf16"): Tolerance(logprob_micro=700_000, cdf_slack=0.08, logit_slack=0.2),
}


def tolerance_for(exec_dtype: str, check_dtype: str) -> Tolerance:
    """The calibrated tolerance for one precision pair (KeyError when it was never measured)."""
    return TOLERANCES[(exec_dtype, check_dtype)]


def for_checker(check_dtype: str = "fp32") -> Tolerance:
    """The widest tolerance over executor precisions for a checker running ``check_dtype``."""
    pairs = [tol for (_, c), tol in TOLERANCES.items() if c == check_dtype]
    return Tolerance(
        logprob_micro=max(t.logprob_micro for t in pairs),
        cdf_slack=max(t.cdf_slack for t in pairs),
        logit_slack=max(t.logit_slack for t in pairs),
    )


def workload(n_jobs: int, max_tokens: int = 32, top_logprobs: int = 4, tag: str = "w") -> list[Request]:
    """Deterministic honest jobs: prompts cut from TEXT (1..160 bytes), mixed sampling params."""
    temps, top_ks = (0, 700, 1000, 1000, 1500), (0, 0, 8, 40)
    out = []
    for j in range(n_jobs):
        h = hashlib.sha256(f"sprint/inference/workload/{tag}/{j}".encode()).digest()
        start, length = h[0] % 64, 1 + int.from_bytes(h[1:3], "big") % 160
        prompt = list((TEXT * 2)[start : start + length].encode())
        sampling = inference_pb2.SamplingParams(temperature_milli=temps[h[3] % 5], top_k=top_ks[h[4] % 4])
        out.append(Request(prompt, max_tokens, sampling, hashlib.sha256(h).digest(), top_logprobs))
    return out


def load_tiny_lm(dtype: str = "fp32", device: str = "cpu"):
    """The genesis tiny-lm in the given precision."""
    from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config
    from worker.inference.model import load_model_bytes

    return load_model_bytes(tiny_lm_config(), generate_tiny_lm(), device, DTYPES[dtype])


def step_noise(row: torch.Tensor, token: int, t: int, seed: bytes, sampling) -> tuple[float, float]:
    """(distance of u_t outside the token's cdf interval, logit margin from eligible) for one step."""
    margin = sampler.exclusion_margin(row, token, sampling)
    if int(sampling.temperature_milli) == 0 or margin > 0:
        return 0.0, margin
    lo, hi = sampler.cdf_interval(row, token, sampling)
    u = sampler.uniform(seed, t)
    return max(0.0, lo - u, u - hi), 0.0


def measure_logprob_noise(n_jobs: int = 100, exec_dtype: str = "bf16", check_dtype: str = "fp32",
                          batch: int = 50) -> dict:
    """Honest executor (exec_dtype) vs teacher-forced checker (check_dtype) noise on ``workload``."""
    from worker.inference.checker import logprob_diff_micro

    exec_model, check_model = load_tiny_lm(exec_dtype), load_tiny_lm(check_dtype)
    jobs = workload(n_jobs)
    diffs, cdf_out, margins = [], 0.0, 0.0
    for i in range(0, n_jobs, batch):
        part = jobs[i : i + batch]
        for req, res in zip(part, execute_batch(exec_model, part)):
            rows = teacher_forced_logits(check_model, req.prompt_tokens, list(res.output_tokens))
            lps = torch.log_softmax(rows, dim=-1)
            for t, tok in enumerate(res.output_tokens):
                diffs.append(logprob_diff_micro(lps[t], res.logprobs[t]))
                c, m = step_noise(rows[t], tok, t, req.sampling_seed, req.sampling)
                cdf_out, margins = max(cdf_out, c), max(margins, m)
    d = torch.tensor(diffs, dtype=torch.float64)
    return {
        "pair": f"{exec_dtype}:{check_dtype}",
        "jobs": n_jobs,
        "tokens": len(diffs),
        "logprob_diff_p50": round(float(d.quantile(0.5))),
        "logprob_diff_p999": round(float(d.quantile(0.999))),
        "logprob_diff_max": round(float(d.max())),
        "cdf_outside_max": cdf_out,
        "logit_margin_max": margins,
    }


def false_positive_rate(n_jobs: int = 200, exec_dtype: str = "bf16", check_dtype: str = "fp32",
                        tolerance: Tolerance | None = None, batch: int = 50) -> dict:
    """How often an honest ``exec_dtype`` execution is flagged INVALID by a ``check_dtype`` checker
    using the calibrated tolerance (``for_checker(check_dtype)`` by default). Jobs use a different
    workload tag than the calibration, so this is an out-of-sample count."""
    from worker.inference.checker import check

    tol = tolerance or for_checker(check_dtype)
    exec_model, check_model = load_tiny_lm(exec_dtype), load_tiny_lm(check_dtype)
    jobs = workload(n_jobs, tag="fpr")
    flagged, tokens, worst = 0, 0, 0
    for i in range(0, n_jobs, batch):
        part = jobs[i : i + batch]
        for req, res in zip(part, execute_batch(exec_model, part)):
            out = check(check_model, req.prompt_tokens, res, req.sampling, req.sampling_seed, tol, req.top_logprobs)
            flagged += not out.verdict_valid
            tokens += len(res.output_tokens)
            worst = max(worst, out.max_logprob_diff_micro)
    return {"pair": f"{exec_dtype}:{check_dtype}", "jobs": n_jobs, "tokens": tokens, "flagged": flagged,
            "rate": flagged / n_jobs if n_jobs else 0.0, "max_logprob_diff_micro": worst}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--pairs", default="fp32:fp32,bf16:fp32,bf16:bf16")
    parser.add_argument("--fpr-jobs", type=int, default=0, help="also count false positives on this many jobs")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for pair in args.pairs.split(","):
        exec_dtype, check_dtype = pair.split(":")
        print(measure_logprob_noise(args.jobs, exec_dtype, check_dtype))
        if args.fpr_jobs:
            print(false_positive_rate(args.fpr_jobs, exec_dtype, check_dtype))


if __name__ == "__main__":
    main()
