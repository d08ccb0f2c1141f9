"""The validators' acceptance statistics (docs/sprint-pow.md §8): exact, seeded, integer-only."""

from fractions import Fraction

import pytest

from worker.sprint.acceptance import (
    binomial_tail,
    count_mismatches,
    detection_probability,
    max_mismatches_for,
    sample_nonces,
    smallest_detectable_inflation,
)
from worker.sprint.config import CONFIGS, recommended

VSEED, PROVER = b"\x05" * 32, b"\x09" * 20


def test_sample_nonces_known_value_and_determinism():
    nonces = list(range(100, 200))
    assert sample_nonces(VSEED, PROVER, nonces, 5) == [135, 136, 143, 177, 198]
    assert sample_nonces(VSEED, PROVER, list(reversed(nonces)), 5) == [135, 136, 143, 177, 198]
    assert sample_nonces(b"\x06" * 32, PROVER, nonces, 5) == [100, 105, 165, 172, 184]
    assert sample_nonces(VSEED, b"\x0a" * 20, nonces, 5) != [135, 136, 143, 177, 198]


def test_sample_nonces_draws_distinct_members_or_everything():
    nonces = [7, 3, 3, 11, 5]
    assert sample_nonces(VSEED, PROVER, nonces, 4) == [3, 5, 7, 11]
    many = list(range(0, 30_000, 3))
    picked = sample_nonces(VSEED, PROVER, many, 500)
    assert len(set(picked)) == 500 and set(picked) <= set(many) and picked == sorted(picked)


def test_count_mismatches_invalid_recomputation_or_claim_off_by_more_than_tolerance():
    claimed = [100, 100, 100, 100, 100]
    recomputed = [100, 110, 111, 150, 95]
    assert count_mismatches(claimed, recomputed, threshold_micro=150, tolerance_micro=10) == 2
    with pytest.raises(ValueError):
        count_mismatches([1], [], 10, 1)


def test_max_mismatches_for_exact_small_cases():
    assert max_mismatches_for(1, Fraction(1, 2), Fraction(1, 2)) == 0
    assert max_mismatches_for(2, Fraction(1, 2), Fraction(1, 4)) == 1
    assert max_mismatches_for(2, Fraction(1, 2), Fraction(1, 5)) == 2
    assert max_mismatches_for(10, Fraction(0)) == 0
    assert max_mismatches_for(3, Fraction(1, 10)) == 3  # P[Bin > 2] = 1e-3 > 1e-6
    assert binomial_tail(3, Fraction(1, 10), 2) == Fraction(1, 1000)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_recommended_mismatch_bound_follows_from_the_declared_rates(name):
    rec = recommended(name)
    m = rec.max_sample_mismatches
    assert max_mismatches_for(rec.validation_sample, rec.honest_mismatch_bound, rec.false_rejection) == m
    assert binomial_tail(rec.validation_sample, rec.honest_mismatch_bound, m) <= rec.false_rejection <= Fraction(1, 10**6)


def test_detection_grows_with_cheating_and_one_percent_inflation_is_caught():
    rec = recommended("devnet")
    k, m = rec.validation_sample, rec.max_sample_mismatches
    probs = [detection_probability(k, m, Fraction(c, 1000), Fraction(0)) for c in (0, 2, 5, 10, 50)]
    assert probs == sorted(probs) and probs[0] == 0 and probs[-1] > Fraction(999_999, 10**6)
    inflation = smallest_detectable_inflation(k, m, Fraction(0), Fraction(1, 100))
    assert inflation <= Fraction(1, 100)
    f = inflation
    assert 1 - detection_probability(k, m, f / (1 + f), Fraction(0)) <= Fraction(1, 100)
    g = inflation - Fraction(1, 10_000)
    assert 1 - detection_probability(k, m, g / (1 + g), Fraction(0)) > Fraction(1, 100)
