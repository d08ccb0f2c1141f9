"""The checker: teacher-forced recomputation of an executor's result (docs/inference.md §4).

One forward pass over prompt + output recomputes every step's distribution. The result is INVALID
when it is malformed, when any reported logprob (the chosen token's or an alternative's) differs
from the recomputed one by more than ``tolerance.logprob_micro``, when the reported alternatives are
not the top ones (an unreported token beats the weakest reported one by more than the tolerance),
or when more than ``tolerance.allowed_mismatches`` tokens are not the seeded sampler's pick under
the recomputed distribution (u_t outside the token's cdf interval widened by ``cdf_slack``; for
greedy or a top-k boundary, more than ``logit_slack`` away from eligible).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from worker.inference import sampler
from worker.inference.executor import teacher_forced_logits
from worker.inference.tokenizer import decode
from worker.inference.tolerance import Tolerance

UINT32_MAX = 2**32 - 1


@dataclass
class CheckOutcome:
    """The checker's verdict and what it measured (JobCheck fields)."""

    verdict_valid: bool
    max_logprob_diff_micro: int
    mismatched_tokens: int
    reason: str = ""


def structure_error(result, vocab: int, top_logprobs: int | None) -> str:
    """Why the result is malformed, or "" when its shape is right."""
    tokens = list(result.output_tokens)
    if len(result.logprobs) != len(tokens):
        return f"{len(result.logprobs)} logprob entries for {len(tokens)} tokens"
    if any(not 0 <= t < vocab for t in tokens):
        return "a token is outside the vocabulary"
    if result.output_text and result.output_text != decode(tokens):
        return "output_text is not the decoded output tokens"
    for i, e in enumerate(result.logprobs):
        alts = list(e.top_tokens)
        if e.token != tokens[i] or len(alts) != len(e.top_logprobs_micro):
            return f"logprob entry {i} does not match its token or has ragged alternatives"
        if (top_logprobs is not None and len(alts) != top_logprobs) or len(set(alts)) != len(alts):
            return f"logprob entry {i} has a wrong number of (distinct) alternatives"
        if any(not 0 <= t < vocab for t in alts):
            return f"logprob entry {i} has an alternative outside the vocabulary"
    return ""


def logprob_diff_micro(lp: torch.Tensor, entry) -> float:
    """Largest |reported - recomputed| (x 10^6) for one step, including the top-set test."""
    diffs = [abs(entry.logprob_micro - float(lp[entry.token]) * 1e6)]
    alts = list(entry.top_tokens)
    diffs += [abs(m - float(lp[t]) * 1e6) for t, m in zip(alts, entry.top_logprobs_micro)]
    if alts and len(alts) < lp.shape[0]:
        others = lp.clone()
        others[alts] = float("-inf")
        diffs.append(max(0.0, float(others.max() - lp[alts].min()) * 1e6))
    return max(diffs)


def sampler_ok(row: torch.Tensor, token: int, t: int, seed: bytes, sampling, tol: Tolerance) -> bool:
    """Is ``token`` the seeded pick at step t under ``row``, up to precision slack?"""
    margin = sampler.exclusion_margin(row, token, sampling)
    if int(sampling.temperature_milli) == 0 or margin > 0:
        return margin <= tol.logit_slack
    lo, hi = sampler.cdf_interval(row, token, sampling)
    u = sampler.uniform(seed, t)
    return lo - tol.cdf_slack <= u < hi + tol.cdf_slack


def check(model, prompt_tokens, result, sampling, sampling_seed: bytes, tolerance: Tolerance,
          top_logprobs: int | None = None) -> CheckOutcome:
    """Verdict on ``result`` (an InferenceResult) for the job's prompt, sampling params and seed."""
    vocab = model.config.vocab_size
    bad = structure_error(result, vocab, top_logprobs)
    if not bad and not prompt_tokens:
        bad = "empty prompt"
    if bad:
        return CheckOutcome(False, UINT32_MAX, len(result.output_tokens), bad)
    tokens = list(result.output_tokens)
    rows = teacher_forced_logits(model, list(prompt_tokens), tokens)
    lps = torch.log_softmax(rows, dim=-1)
    max_diff, mismatched = 0.0, 0
    for t, tok in enumerate(tokens):
        max_diff = max(max_diff, logprob_diff_micro(lps[t], result.logprobs[t]))
        mismatched += not sampler_ok(rows[t], tok, t, bytes(sampling_seed), sampling, tolerance)
    diff = min(UINT32_MAX, int(max_diff))
    reasons = []
    if diff > tolerance.logprob_micro:
        reasons.append(f"logprob differs by {diff} micro > tolerance {tolerance.logprob_micro}")
    if mismatched > tolerance.allowed_mismatches:
        reasons.append(f"{mismatched} tokens are not the seeded sampler's pick")
    return CheckOutcome(not reasons, diff, mismatched, "; ".join(reasons))
