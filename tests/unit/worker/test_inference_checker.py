"""The checker: honest results pass (fp32 and bf16 executors), cheats and tampering fail."""

import pytest
import torch

from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config
from worker.inference.checker import check
from worker.inference.cheats import execute_cheat_batch
from worker.inference.executor import execute_batch
from worker.inference.model import load_model_bytes
from worker.inference.tolerance import for_checker, tolerance_for, workload

torch.set_num_threads(1)
JOBS = workload(12, max_tokens=24, tag="test")


@pytest.fixture(scope="module")
def models():
    blob = generate_tiny_lm()
    return {d: load_model_bytes(tiny_lm_config(), blob, dtype=t) for d, t in (("fp32", torch.float32), ("bf16", torch.bfloat16))}


def run_checks(model, jobs, results, tol):
    return [check(model, j.prompt_tokens, r, j.sampling, j.sampling_seed, tol, j.top_logprobs) for j, r in zip(jobs, results)]


def test_honest_fp32_results_pass_the_tight_fp32_tolerance(models):
    outs = run_checks(models["fp32"], JOBS, execute_batch(models["fp32"], JOBS), tolerance_for("fp32", "fp32"))
    assert all(o.verdict_valid and o.mismatched_tokens == 0 for o in outs), outs
    assert max(o.max_logprob_diff_micro for o in outs) < 100


def test_honest_bf16_results_pass_an_fp32_checker_with_the_bf16_tolerance(models):
    results = execute_batch(models["bf16"], JOBS)
    outs = run_checks(models["fp32"], JOBS, results, tolerance_for("bf16", "fp32"))
    assert all(o.verdict_valid for o in outs), [o for o in outs if not o.verdict_valid]
    assert max(o.max_logprob_diff_micro for o in outs) > 1_000  # the noise is real, the tolerance needed
    assert for_checker("fp32").logprob_micro >= tolerance_for("bf16", "fp32").logprob_micro


def test_smaller_model_cheat_fails_on_logprobs(models):
    outs = run_checks(models["fp32"], JOBS, execute_cheat_batch("smaller-model", models["fp32"], JOBS), for_checker("fp32"))
    assert not any(o.verdict_valid for o in outs)
    assert min(o.max_logprob_diff_micro for o in outs) > for_checker("fp32").logprob_micro


def test_prefill_cheat_has_honest_logprobs_but_fails_the_sampler_test(models):
    outs = run_checks(models["fp32"], JOBS, execute_cheat_batch("prefill", models["fp32"], JOBS), for_checker("fp32"))
    assert all(o.max_logprob_diff_micro < 100 for o in outs)  # a real prefill pass: logprobs are right
    caught = [o for o in outs if not o.verdict_valid]
    assert len(caught) >= 10 and all(o.mismatched_tokens > 0 for o in caught)


def test_a_tampered_logprob_or_token_fails(models):
    job, model, tol = JOBS[0], models["fp32"], for_checker("fp32")
    honest = execute_batch(model, [job])[0]
    lp = type(honest).FromString(honest.SerializeToString())
    lp.logprobs[3].logprob_micro += tol.logprob_micro + 1
    alt = type(honest).FromString(honest.SerializeToString())
    alt.logprobs[5].top_logprobs_micro[1] -= 2 * tol.logprob_micro
    swapped = type(honest).FromString(honest.SerializeToString())
    swapped.logprobs[2].top_tokens[0], swapped.logprobs[2].top_tokens[-1] = 0, 0
    for bad in (lp, alt):
        out = check(model, job.prompt_tokens, bad, job.sampling, job.sampling_seed, tol, job.top_logprobs)
        assert not out.verdict_valid and out.max_logprob_diff_micro > tol.logprob_micro
    out = check(model, job.prompt_tokens, swapped, job.sampling, job.sampling_seed, tol, job.top_logprobs)
    assert not out.verdict_valid and "alternatives" in out.reason
    assert check(model, job.prompt_tokens, honest, job.sampling, job.sampling_seed, tol, job.top_logprobs).verdict_valid


def test_a_replaced_token_with_recomputed_logprobs_fails_the_sampler_test(models):
    from worker.inference.executor import build_result, teacher_forced_logits

    job, model, tol = JOBS[1], models["fp32"], for_checker("fp32")
    tokens = list(execute_batch(model, [job])[0].output_tokens)
    rows = teacher_forced_logits(model, job.prompt_tokens, tokens)
    tokens[4] = int(torch.argmin(rows[4]))  # the least likely token: never the pick
    forged = build_result(teacher_forced_logits(model, job.prompt_tokens, tokens), tokens, job.top_logprobs)
    out = check(model, job.prompt_tokens, forged, job.sampling, job.sampling_seed, tol, job.top_logprobs)
    assert not out.verdict_valid and out.mismatched_tokens >= 1 and out.max_logprob_diff_micro < 100


def test_malformed_results_fail(models):
    job, model, tol = JOBS[2], models["fp32"], for_checker("fp32")
    honest = execute_batch(model, [job])[0]
    short = type(honest).FromString(honest.SerializeToString())
    del short.logprobs[-1]
    text = type(honest).FromString(honest.SerializeToString())
    text.output_text = "not the tokens"
    for bad, why in ((short, "logprob entries"), (text, "output_text")):
        out = check(model, job.prompt_tokens, bad, job.sampling, job.sampling_seed, tol, job.top_logprobs)
        assert not out.verdict_valid and why in out.reason
    wrong_count = check(model, job.prompt_tokens, honest, job.sampling, job.sampling_seed, tol, 5)
    assert not wrong_count.verdict_valid
