"""The KPI-adaptive mint formula against hand-computed vectors (docs/economics.md §2)."""

from __future__ import annotations

import math

import pytest
from sprint.mint.v1.mint_pb2 import KpiTarget

from chain.modules.mint import formula
from chain.modules.mint.fixedpoint import exp_neg, sigmoid_ppm
from chain.modules.mint.params import default_params


def test_integer_exp_and_logistic_match_the_real_functions_to_the_last_ppm():
    assert exp_neg(0) == 10**18
    assert exp_neg(1_000_000) == 367_879_441_171_442_321  # floor(e^-1 x 10^18)
    assert sigmoid_ppm(0) == 500_000
    assert sigmoid_ppm(1_000_000) == 731_058 and sigmoid_ppm(-1_000_000) == 268_941
    assert sigmoid_ppm(70_000_000) == 1_000_000 and sigmoid_ppm(-70_000_000) == 0
    for x in range(-12_000_000, 12_000_001, 777_777):  # test-only float reference
        assert abs(sigmoid_ppm(x) - 1e6 / (1 + math.exp(-x / 1e6))) <= 1
        assert abs(exp_neg(abs(x)) - math.exp(-abs(x) / 1e6) * 1e18) <= 1e18 * 1e-15 + 64


def test_sigmoid_target_curve():
    curve = KpiTarget(floor=100, ceiling=1_100, midpoint_epoch=10, steepness_ppm=1_000_000)
    # 100 + 1000 x sigmoid(k (t - 10)): sigmoid(0) = 0.5, sigmoid(1) = 0.731058, sigmoid(-1) = 0.268941
    assert [formula.target(curve, t) for t in (9, 10, 11)] == [368, 600, 831]
    assert formula.target(curve, 0) == 100  # 100 + 1000 x 0.0000453 = 100.045, floored
    assert formula.target(curve, 1_000) == 1_100
    flat = KpiTarget(floor=950_000, ceiling=950_000, midpoint_epoch=3, steepness_ppm=5_000)
    assert formula.target(flat, 0) == formula.target(flat, 10**6) == 950_000


def test_distance_is_zero_at_or_above_target_and_linear_below():
    assert formula.distance_ppm(450, 600) == 250_000  # (600 - 450) / 600
    assert formula.distance_ppm(600, 600) == formula.distance_ppm(700, 600) == 0
    assert formula.distance_ppm(0, 600) == 1_000_000
    assert formula.distance_ppm(0, 0) == 0  # no target, no distance
    assert formula.distance_ppm(1, 3) == 666_666  # floored


def _params(**rails):
    params = default_params()
    params.min_epoch_mint, params.max_epoch_mint = rails.get("low", 1_000), rails.get("high", 5_000)
    for name, weight, floor in (("compute_target", 400_000, 600), ("providers_target", 300_000, 10),
                                ("fee_growth_target", 200_000, 1_000_000), ("success_target", 100_000, 900_000)):
        getattr(params, name).CopyFrom(KpiTarget(weight_ppm=weight, floor=floor, ceiling=floor))
    return params


def test_evaluate_weights_the_distances_and_sets_the_rate_between_the_rails():
    params = _params()
    values = {"verified_compute_mflop": 450, "active_high_rep_providers": 12, "fee_growth_ppm": 0,
              "job_success_ppm": 450_000}
    ev = formula.evaluate(params, 7, values)
    assert [(k.name, k.value, k.target, k.distance_ppm) for k in ev.kpis] == [
        ("verified_compute_mflop", 450, 600, 250_000), ("active_high_rep_providers", 12, 10, 0),
        ("fee_growth_ppm", 0, 1_000_000, 1_000_000), ("job_success_ppm", 450_000, 900_000, 500_000)]
    # delta = 0.4 x 0.25 + 0.3 x 0 + 0.2 x 1 + 0.1 x 0.5 = 0.35; rho = 1000 + 4000 x 0.65 = 3600
    assert ev.distance_ppm == 350_000
    assert ev.rate == 3_600


def test_the_rails_hold_at_both_ends():
    params = _params()
    met = {"verified_compute_mflop": 10**12, "active_high_rep_providers": 10**6, "fee_growth_ppm": 10**7,
           "job_success_ppm": 10**6}
    missed = dict.fromkeys(met, 0)
    assert formula.evaluate(params, 0, met).rate == 5_000  # every KPI met: rho_M
    assert formula.evaluate(params, 0, missed).distance_ppm == 1_000_000
    assert formula.evaluate(params, 0, missed).rate == 1_000  # every KPI at zero: rho_m
    assert formula.rate(params, -5) == 5_000 and formula.rate(params, 2_000_000) == 1_000  # delta clamped


def test_supply_cap_and_epoch_shares():
    assert formula.capped(3_600, 999_000, 1_000_000) == 1_000  # stops exactly at the cap
    assert formula.capped(3_600, 1_000_000, 1_000_000) == 0
    assert formula.capped(3_600, 2_000_000, 1_000_000) == 0
    assert formula.capped(3_600, 2_000_000, 0) == 3_600  # no cap
    shares = [formula.epoch_share(3_601, 7, i) for i in range(7)]
    assert shares == [514, 514, 515, 514, 515, 514, 515] and sum(shares) == 3_601


def test_fee_growth_success_and_net_inflation():
    assert formula.fee_ratio_ppm(1_200, [1_000, 800, 1_200]) == (1_200_000, 1_000)
    assert formula.fee_ratio_ppm(0, []) == (1_000_000, 0)  # nothing then, nothing now: flat
    assert formula.fee_ratio_ppm(5, [0, 0]) == (formula.MAX_FEE_RATIO_PPM, 0)
    assert formula.fee_ratio_ppm(10**9, [1]) == (formula.MAX_FEE_RATIO_PPM, 1)
    assert formula.success_ppm(9, 1) == 900_000 and formula.success_ppm(0, 0) == 1_000_000
    assert formula.net_inflation_ppm(1_000_000, 1_012_345) == 12_345
    assert formula.net_inflation_ppm(1_000_000, 987_655) == -12_345
    assert formula.net_inflation_ppm(0, 5) == 0


@pytest.mark.parametrize("epoch", [0, 1, 2_000, 10**6])
def test_default_targets_are_sigmoid_curves_between_floor_and_ceiling(epoch):
    params = default_params()
    for name in formula.TARGETS.values():
        curve = getattr(params, name)
        assert curve.floor <= formula.target(curve, epoch) <= curve.ceiling
