"""Cheat modes of a dishonest executor (hidden ``--cheat`` flag; docs/inference.md §4) and how often
a checker catches them.

* "smaller-model": tokens and logprobs from a cheaper model -- the registered weights with only the
  first block -- so both the logprobs and the picks are wrong.
* "prefill": tokens from the cheaper model, then logprobs from ONE teacher-forced prefill pass of the
  real model over them: every logprob is honest, but the tokens are not the seeded sampler's picks
  under the real distribution, which the checker's sampler test catches.
"""

from __future__ import annotations

from sprint.inference.v1 import inference_pb2
from worker.inference.executor import Request, build_result, execute_batch, teacher_forced_logits

CHEATS = ("smaller-model", "prefill")


def cheaper_model(model):
    """The registered model cut down to its first block."""
    return model.truncated(1)


def execute_cheat_batch(mode: str, model, requests: list[Request]) -> list[inference_pb2.InferenceResult]:
    """Dishonest results for ``requests`` in cheat ``mode``."""
    if mode not in CHEATS:
        raise ValueError(f"unknown cheat {mode!r}: use one of {', '.join(CHEATS)}")
    results = execute_batch(cheaper_model(model), requests)
    if mode == "smaller-model":
        return results
    out = []
    for req, res in zip(requests, results):
        tokens = list(res.output_tokens)
        rows = teacher_forced_logits(model, req.prompt_tokens, tokens)
        out.append(build_result(rows, tokens, req.top_logprobs))
    return out


def execute_cheat(mode: str, model, prompt_tokens, max_tokens, sampling, sampling_seed,
                  top_logprobs) -> inference_pb2.InferenceResult:
    """One dishonest result (same arguments as executor.execute)."""
    req = Request(list(prompt_tokens), max_tokens, sampling, bytes(sampling_seed), top_logprobs)
    return execute_cheat_batch(mode, model, [req])[0]


def cheat_detection(mode: str, n_jobs: int = 100, exec_dtype: str = "fp32", check_dtype: str = "fp32",
                    tolerance=None, max_tokens: int = 32) -> dict:
    """Fraction of cheat results an honest checker (calibrated tolerance) marks INVALID: the
    per-check detection probability d; with audit rate p a job is caught with probability p x d."""
    from worker.inference.checker import check
    from worker.inference.tolerance import for_checker, load_tiny_lm, workload

    tol = tolerance or for_checker(check_dtype)
    exec_model, check_model = load_tiny_lm(exec_dtype), load_tiny_lm(check_dtype)
    jobs = workload(n_jobs, max_tokens=max_tokens, tag="cheat")
    caught = 0
    for req, res in zip(jobs, execute_cheat_batch(mode, exec_model, jobs)):
        out = check(check_model, req.prompt_tokens, res, req.sampling, req.sampling_seed, tol, req.top_logprobs)
        caught += not out.verdict_valid
    return {"mode": mode, "jobs": n_jobs, "caught": caught, "detection": caught / n_jobs if n_jobs else 0.0}
