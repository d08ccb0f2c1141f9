"""Spot-check duty formulas (chain/modules/inference/duties.py): byte layouts, thresholds, the draw,
and the statistical promise that a job is checked validation_ppm / 10^6 times on average."""

from __future__ import annotations

import hashlib
import math

import pytest

from chain.modules.inference import duties

TWO_64 = 1 << 64
OPERATOR = bytes(range(20))
SECRET = bytes([7]) * 32
SEED = bytes([9]) * 32


def test_commitment_layout_and_vector():
    expected = hashlib.sha256(b"sprint/inference/secret/v1" + (3).to_bytes(8, "big") + OPERATOR + SECRET).digest()
    assert duties.commitment(3, OPERATOR, SECRET) == expected
    assert expected.hex() == "d4f0de295d5336119b397d9dfeb138cfa441e08a78221488461b19570f0bc817"
    assert duties.commitment(4, OPERATOR, SECRET) != expected
    assert duties.commitment(3, OPERATOR, bytes(32)) != expected


def test_draw_value_layout_and_vector():
    digest = hashlib.sha256(b"sprint/inference/duty/v1" + SECRET + SEED + (42).to_bytes(8, "big")).digest()
    assert duties.draw_value(SECRET, SEED, 42) == int.from_bytes(digest[:8], "big") == 1002334559406543762


def test_threshold_formula_cap_and_zeros():
    assert duties.duty_threshold(250_000, 3, 7) == 250_000 * 3 * TWO_64 // (1_000_000 * 7) == 1976436865040309101
    assert duties.duty_threshold(1_000_000, 10, 10) == TWO_64
    assert duties.duty_threshold(1_000_000, 90, 10) == TWO_64  # capped at certainty
    assert duties.duty_threshold(1_000_000, 0, 10) == 0
    assert duties.duty_threshold(1_000_000, 10, 0) == 0
    assert duties.duty_threshold(0, 10, 10) == 0


def test_host_threshold_excludes_the_executor():
    a, b, c = b"a" * 20, b"b" * 20, b"c" * 20
    weights = [(a, 10), (b, 30), (c, 60)]
    assert duties.host_threshold(weights, a, a, 1_000_000) == 0
    assert duties.host_threshold(weights, a, b, 1_000_000) == 30 * TWO_64 // 90
    assert duties.host_threshold(weights, c, b, 500_000) == 500_000 * 30 * TWO_64 // (1_000_000 * 40)
    assert duties.host_threshold(weights, a, b"x" * 20, 1_000_000) == 0  # not in the snapshot


def test_is_drawn_boundary_and_empty_seed():
    value = duties.draw_value(SECRET, SEED, 5)
    assert not duties.is_drawn(SECRET, SEED, 5, value)
    assert duties.is_drawn(SECRET, SEED, 5, value + 1)
    assert duties.is_drawn(SECRET, SEED, 5, TWO_64)
    assert not duties.is_drawn(SECRET, SEED, 5, 0)
    assert not duties.is_drawn(SECRET, b"", 5, TWO_64)


def test_expected_duties_is_a_ceiling():
    assert duties.expected_duties(0) == 0
    assert duties.expected_duties(1) == 1
    assert duties.expected_duties(TWO_64) == 1
    assert duties.expected_duties(TWO_64 + 1) == 2
    assert duties.expected_duties(3 * (TWO_64 // 3)) == 1


def _secret(host: int, run: int) -> bytes:
    return hashlib.sha256(b"duty-test|%d|%d" % (run, host)).digest()


@pytest.mark.parametrize("weights,ppm,jobs", [
    ([10, 10, 10, 10], 1_000_000, 3000),
    ([50, 30, 15, 5], 100_000, 6000),
    ([1] * 10, 10_000, 20000),
    ([7, 1, 1, 1, 3, 20], 550_000, 4000),
])
def test_expected_checks_per_job_is_the_validation_probability(weights, ppm, jobs):
    """Over `jobs` jobs (executors rotating), the number of drawn checks has mean N x p; the test
    allows 5 standard deviations of the sum of the per-host Bernoulli draws (about 1 in 3.5 million
    to fail by chance; the inputs are fixed, so it is deterministic)."""
    operators = [bytes([i + 1]) * 20 for i in range(len(weights))]
    snapshot = list(zip(operators, weights))
    secrets = [_secret(i, len(weights)) for i in range(len(weights))]
    seed = hashlib.sha256(b"seed-%d" % ppm).digest()
    count, mean, variance = 0, 0.0, 0.0
    for job_id in range(1, jobs + 1):
        executor = operators[job_id % len(operators)]
        for operator, secret in zip(operators, secrets):
            threshold = duties.host_threshold(snapshot, executor, operator, ppm)
            q = threshold / TWO_64
            mean, variance = mean + q, variance + q * (1 - q)
            count += duties.is_drawn(secret, seed, job_id, threshold)
    assert abs(mean - jobs * ppm / 1_000_000) <= jobs * len(weights) / TWO_64 + 1e-6
    assert abs(count - mean) <= 5 * math.sqrt(variance) + 1, (count, mean, math.sqrt(variance))


def test_a_sole_other_host_is_always_drawn_at_probability_one():
    a, b = b"a" * 20, b"b" * 20
    threshold = duties.host_threshold([(a, 1), (b, 99)], a, b, 1_000_000)
    assert threshold == TWO_64
    assert all(duties.is_drawn(_secret(0, 0), SEED, j, threshold) for j in range(1, 200))


def test_thresholds_sum_to_the_probability():
    snapshot = [(bytes([i + 1]) * 20, w) for i, w in enumerate([3, 5, 7, 11, 13])]
    executor = snapshot[2][0]
    for ppm in (1_000_000, 123_456, 10_000):
        total = sum(duties.host_threshold(snapshot, executor, op, ppm) for op, _ in snapshot)
        assert ppm * TWO_64 // 1_000_000 - len(snapshot) <= total <= ppm * TWO_64 // 1_000_000


def test_draws_are_deterministic():
    first = [duties.is_drawn(_secret(h, 1), SEED, j, TWO_64 // 3) for h in range(4) for j in range(50)]
    second = [duties.is_drawn(_secret(h, 1), SEED, j, TWO_64 // 3) for h in range(4) for j in range(50)]
    assert first == second
    assert 0 < sum(first) < len(first)
