"""Integer exp/ln routines of the training module: Phi(s) = 1 - e^(-tau s) and (num/den)^gamma in ppm.
Floats appear only here, as the reference (math.exp / math.log)."""

from __future__ import annotations

import math
import random
from decimal import Decimal, getcontext

import pytest

from chain.modules.training import fixed_point as fp


def test_exp_and_ln_accuracy():
    # Reference at 40 digits (decimal); the integer routines are within a few units of 10^-18.
    getcontext().prec = 40
    S = Decimal(fp.SCALE)
    for i in range(0, 4000, 7):
        x = i * fp.SCALE // 100                    # 0 .. 40
        e = (Decimal(x) / S).exp()
        assert abs(Decimal(fp.exp_scaled(x)) / S - e) <= e * Decimal("1e-16")
        assert abs(Decimal(fp.exp_neg_scaled(x)) - S / e) <= 10
    for i in range(1, 5000, 3):
        y = fp.SCALE + i * i * fp.SCALE // 1000    # 1 .. 25000
        assert abs(Decimal(fp.ln_scaled(y)) - (Decimal(y) / S).ln() * S) <= 100


def test_exp_ln_monotone_across_range_reduction():
    for k in range(0, 6):
        b = k * fp.LN2
        xs = [x for x in range(b - 50, b + 50) if x >= 0]
        vals = [fp.exp_scaled(x) for x in xs]
        assert vals == sorted(vals)
        ys = list(range((fp.SCALE << k) - 50, (fp.SCALE << k) + 50))
        ys = [y for y in ys if y >= fp.SCALE]
        lns = [fp.ln_scaled(y) for y in ys]
        assert lns == sorted(lns)


def test_exp_neg_cutoff_is_consistent():
    assert fp.exp_neg_scaled(fp.EXP_NEG_ZERO_AT - 1) == 0
    assert fp.exp_neg_scaled(fp.EXP_NEG_ZERO_AT) == 0
    assert fp.exp_neg_scaled(0) == fp.SCALE


def test_phi_against_math_exp_on_a_grid():
    for s_bps in list(range(0, 10_001, 250)) + [1, 3, 7, 9999]:
        for tau_milli in [0, 1, 100, 500, 1000, 1500, 2000, 3000, 5000, 10_000, 50_000, 100_000]:
            want = 1e6 * (1 - math.exp(-(tau_milli / 1000) * (s_bps / 1e4)))
            got = fp.phi_ppm(s_bps, tau_milli)
            assert abs(got - want) <= 1, (s_bps, tau_milli, got, want)
            assert 0 <= got <= 1_000_000


def test_phi_known_values_and_monotone():
    assert fp.phi_ppm(0, 2000) == 0
    assert fp.phi_ppm(10_000, 0) == 0
    assert fp.phi_ppm(5000, 2000) == round(1e6 * (1 - math.exp(-1)))   # 632121
    assert fp.phi_ppm(10_000, 10**9) == 1_000_000
    vals = [fp.phi_ppm(s, 3000) for s in range(0, 10_001)]
    assert vals == sorted(vals)


def test_phi_rejects_negative():
    with pytest.raises(ValueError):
        fp.phi_ppm(-1, 1000)


def test_ratio_pow_against_math_on_a_grid():
    rng = random.Random(11)
    for _ in range(3000):
        den = rng.choice([1, 2, 7, 100, 10**4, 10**6, 10**9, 10**15])
        num = rng.randint(0, den)
        g = rng.choice([0, 1, 250, 500, 999, 1000, 1500, 2000, 2500, 3000, 7000, 65_000, 100_500])
        got = fp.ratio_pow_ppm(num, den, g)
        want = 1e6 * (num / den) ** (g / 1000) if (num or g) else 1e6
        assert abs(got - want) <= 1, (num, den, g, got, want)


def test_ratio_pow_exact_integer_gamma():
    assert fp.ratio_pow_ppm(4, 8, 1000) == 500_000
    assert fp.ratio_pow_ppm(4, 8, 2000) == 250_000
    assert fp.ratio_pow_ppm(1, 3, 1000) == 333_333
    assert fp.ratio_pow_ppm(2, 3, 1000) == 666_667
    assert fp.ratio_pow_ppm(0, 5, 1000) == 0
    assert fp.ratio_pow_ppm(0, 5, 0) == 1_000_000
    assert fp.ratio_pow_ppm(5, 5, 1500) == 1_000_000


@pytest.mark.parametrize("gamma_milli", [500, 1000, 1500, 2000, 2718, 7000, 80_000])
@pytest.mark.parametrize("den", [1, 13, 1000, 4096, 123_457])
def test_ratio_pow_monotone_in_num(gamma_milli, den):
    step = max(1, den // 2000)
    nums = list(range(0, den + 1, step)) + [den]
    vals = [fp.ratio_pow_ppm(n, den, gamma_milli) for n in nums]
    assert vals == sorted(vals)
    assert vals[-1] == 1_000_000


def test_ratio_pow_monotone_at_huge_denominators():
    den = 10**18
    for start in [1, 10**6, den // 3, den // 2 - 50, den - 100]:
        vals = [fp.ratio_pow_ppm(n, den, 1500) for n in range(start, start + 100)]
        assert vals == sorted(vals)


@pytest.mark.parametrize("args", [(3, 2, 1000), (-1, 2, 1000), (1, 0, 1000), (1, 2, -1)])
def test_ratio_pow_rejects_bad_input(args):
    with pytest.raises(ValueError):
        fp.ratio_pow_ppm(*args)
