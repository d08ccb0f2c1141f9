"""The executor draw and sampling seed (chain/modules/inference/executor.py): pure functions of the
block hash and job id, weighted by draw weight, independent of candidate order and of hash seeds."""

from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys

from chain.modules.inference import executor

OPERATORS = [bytes([i]) * 20 for i in (7, 3, 9, 1)]


def block_hash(i: int) -> bytes:
    return hashlib.sha256(b"draw-test-block|%d" % i).digest()


def test_seed_formulas_follow_the_spec():
    h = block_hash(0)
    assert executor.executor_seed(h, 5) == hashlib.sha256(b"sprint/inference/executor/v1" + h + (5).to_bytes(8, "big")).digest()
    assert executor.sampling_seed(h, 5) == hashlib.sha256(b"sprint/inference/sampling/v1" + h + (5).to_bytes(8, "big")).digest()
    assert executor.sampling_seed(h, 5) != executor.sampling_seed(h, 6)
    assert executor.sampling_seed(h, 5) != executor.sampling_seed(block_hash(1), 5)


def test_draw_walks_sorted_candidates_with_r_mod_total():
    pool = list(zip(OPERATORS, (10, 20, 30, 40)))
    ordered = sorted(pool)
    total = sum(w for _, w in pool)
    for job_id in range(1, 50):
        r = int.from_bytes(executor.executor_seed(block_hash(2), job_id), "big") % total
        expected = None
        for operator, w in ordered:
            if r < w:
                expected = operator
                break
            r -= w
        assert executor.draw_executor(block_hash(2), job_id, pool) == expected


def test_draw_ignores_candidate_order_and_zero_weights():
    pool = list(zip(OPERATORS, (10, 20, 30, 40)))
    with_zero = pool + [(b"\x00" * 20, 0)]
    for job_id in range(1, 30):
        a = executor.draw_executor(block_hash(3), job_id, pool)
        assert a == executor.draw_executor(block_hash(3), job_id, list(reversed(pool)))
        assert a == executor.draw_executor(block_hash(3), job_id, with_zero)
    assert executor.draw_executor(block_hash(3), 1, []) is None
    assert executor.draw_executor(block_hash(3), 1, [(OPERATORS[0], 0)]) is None


def test_draw_weight_scales_between_half_and_full_weight():
    assert executor.draw_weight(10, 0) == 10 * 500_000
    assert executor.draw_weight(10, 1_000_000) == 10 * 1_000_000
    assert executor.draw_weight(10, 333_333) == 10 * (500_000 + 166_666)


def test_frequencies_follow_draw_weights():
    """Over many block hashes each host is drawn in proportion to its draw weight: every count lies
    within 4.5 standard deviations of N x p (a binomial bound: a false failure has odds ~1e-5)."""
    weights = [executor.draw_weight(w, s) for w, s in ((10, 0), (20, 1_000_000), (30, 400_000), (40, 0))]
    pool = list(zip(OPERATORS, weights))
    total, samples = sum(weights), 6000
    counts = {operator: 0 for operator in OPERATORS}
    for i in range(samples):
        counts[executor.draw_executor(block_hash(1000 + i), 1 + i % 7, pool)] += 1
    for operator, w in pool:
        p_num = w
        mean = samples * p_num / total
        sigma = math.sqrt(samples * (p_num / total) * (1 - p_num / total))
        assert abs(counts[operator] - mean) <= 4.5 * sigma, (operator.hex(), counts[operator], mean, sigma)


def test_draw_depends_only_on_block_hash_and_job_id():
    """Nothing the submitter signs enters the draw: the function takes no prompt, fee or sampling
    params, so two jobs with the same id in blocks with the same hash get the same executor and
    seed, and different job ids in one block are independent draws."""
    pool = list(zip(OPERATORS, (10, 20, 30, 40)))
    picks = {executor.draw_executor(block_hash(4), job_id, pool) for job_id in range(1, 40)}
    assert len(picks) > 1
    assert executor.draw_executor(block_hash(4), 9, pool) == executor.draw_executor(block_hash(4), 9, pool[::-1])


def test_draws_are_independent_of_pythonhashseed():
    code = ("import hashlib;from chain.modules.inference import executor as e;"
            "pool=[(bytes([i])*20, (i+1)*7) for i in range(5)];"
            "print([e.draw_executor(hashlib.sha256(b'%d' % k).digest(), k, pool).hex() for k in range(40)],"
            "e.sampling_seed(b'x'*32, 3).hex())")
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                             cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
                                 os.path.dirname(os.path.abspath(__file__)))))))
        assert out.returncode == 0, out.stderr
        outputs.add(out.stdout)
    assert len(outputs) == 1
