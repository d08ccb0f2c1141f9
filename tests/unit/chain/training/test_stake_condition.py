"""Detection probability delta(1) and the stake condition (docs/training.md §11; paper 000 §3.3.1,
§6.1) in exact rational arithmetic, checked with fractions.Fraction and brute-force enumeration."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from chain.modules.training import stake_condition as sc
from chain.modules.training.cost import segment_layout
from chain.modules.training.draws import sample_count


def _frac(pair):
    return Fraction(*pair)


@pytest.mark.parametrize("total", range(1, 8))
def test_hypergeometric_matches_enumeration(total):
    for sampled in range(total + 1):
        for cheated in range(total + 1):
            subsets = list(itertools.combinations(range(total), sampled))
            caught = sum(1 for s in subsets if any(i < cheated for i in s))
            assert _frac(sc.hypergeometric_detection(total, sampled, cheated)) == Fraction(caught, len(subsets))


def test_results_are_in_lowest_terms():
    num, den = sc.hypergeometric_detection(20, 5, 3)
    assert Fraction(num, den).numerator == num and Fraction(num, den).denominator == den


def test_delta_one_is_n_over_i():
    for i in range(1, 60):
        for n in range(0, i + 1):
            assert _frac(sc.delta_one(i, n)) == Fraction(n, i)


def test_delta_nondecreasing_in_cheated():
    vals = [_frac(sc.hypergeometric_detection(40, 6, f)) for f in range(41)]
    assert vals == sorted(vals) and vals[0] == 0 and vals[-1] == 1


def test_job_delta_one_is_the_minimum_over_segments():
    layout = segment_layout(10, 4)          # segments of 4, 4, 2 intervals
    want = min(Fraction(sample_count(c, 300_000), c) for _, c in layout)
    assert _frac(sc.job_delta_one(layout, 300_000)) == want == Fraction(1, 2)
    assert _frac(sc.job_delta_one([(0, 10)], 100_000)) == Fraction(1, 10)
    with pytest.raises(ValueError):
        sc.job_delta_one([], 1000)


def _ok(d, gain, reward, bps, s):
    return s > (1 - d) / d * gain and Fraction(bps, 10_000) * s >= reward / d


def _smallest_by_search(delta, gain, reward, bps):
    """Scan upward from a few below the real-valued bound for the first integer satisfying both."""
    d = Fraction(*delta)
    bound = max((1 - d) / d * gain, reward / d / Fraction(bps, 10_000))
    s = max(0, int(bound) - 3)
    assert s == 0 or not _ok(d, gain, reward, bps, s)
    while not _ok(d, gain, reward, bps, s):
        s += 1
    return s


def test_required_collateral_is_the_smallest_satisfying_integer():
    for delta in [(1, 1), (1, 2), (1, 3), (2, 7), (1, 10), (3, 100)]:
        for gain in [0, 1, 5, 33, 100]:
            for reward in [0, 1, 5, 33, 100]:
                for bps in [1000, 2500, 5000, 10_000]:
                    s = sc.required_collateral(delta, gain, reward, bps)
                    assert s == _smallest_by_search(delta, gain, reward, bps), (delta, gain, reward, bps)


def test_required_collateral_known_values():
    # delta = 1/10, G = R = 100, s_mal = 0.5: s > 900 and 0.5 s >= 1000 -> 2000
    assert sc.required_collateral((1, 10), 100, 100, 5000) == 2000
    # s_mal = 1: s > 900 and s >= 1000 -> 1000
    assert sc.required_collateral((1, 10), 100, 100, 10_000) == 1000
    # strict inequality on the first: delta = 1/2, G = 10, R = 0 -> s > 10 -> 11
    assert sc.required_collateral((1, 2), 10, 0, 10_000) == 11


@pytest.mark.parametrize("args", [((0, 1), 1, 1, 5000), ((2, 1), 1, 1, 5000), ((1, 2), 1, 1, 0),
                                  ((1, 2), 1, 1, 10_001), ((1, 2), -1, 1, 5000)])
def test_required_collateral_rejects_bad_input(args):
    with pytest.raises(ValueError):
        sc.required_collateral(*args)
