"""mint params: defaults, validation (what genesis and governance run) and the genesis round trip."""

from __future__ import annotations

import pytest

from chain.errors import ErrInvalidRequest
from chain.modules.mint import genesis
from chain.modules.mint.params import default_params, validate_params


def test_defaults_keep_the_old_economy_and_validate():
    params = default_params()
    validate_params(params)
    assert params.schedule == "decay" and params.fee_reward_ppm == 1_000_000
    assert params.dummy_max_jobs_per_epoch == 0
    assert genesis.validate_genesis(genesis.default_genesis()) == params


@pytest.mark.parametrize("change, message", [
    ({"schedule": "linear"}, "schedule must be one of decay, kpi"),
    ({"min_epoch_mint": 7, "max_epoch_mint": 6}, "min_epoch_mint"),
    ({"fee_reward_ppm": 1_000_001}, "fee_reward_ppm"),
    ({"high_reputation_ppm": 2_000_000}, "high_reputation_ppm"),
    ({"fee_window_epochs": 0}, "fee_window_epochs"),
    ({"dummy_budget_bps": 10_001}, "dummy_budget_bps"),
    ({"dummy_max_jobs_per_epoch": 3, "dummy_max_tokens": 0}, "dummy_max_tokens"),
])
def test_out_of_range_params_are_refused_naming_the_field(change, message):
    params = default_params()
    for name, value in change.items():
        setattr(params, name, value)
    with pytest.raises(ErrInvalidRequest, match=message):
        validate_params(params)


def test_target_curves_are_checked():
    params = default_params()
    params.compute_target.weight_ppm += 1
    with pytest.raises(ErrInvalidRequest, match="sum to 1000000"):
        validate_params(params)
    params = default_params()
    params.success_target.ceiling = params.success_target.floor - 1
    with pytest.raises(ErrInvalidRequest, match="success_target.ceiling"):
        validate_params(params)


def test_genesis_merges_over_the_defaults_and_refuses_bad_input():
    params = genesis.validate_genesis({"params": {"schedule": "kpi", "fee_reward_ppm": 500_000}})
    assert params.schedule == "kpi" and params.fee_reward_ppm == 500_000
    assert params.max_epoch_mint == default_params().max_epoch_mint
    with pytest.raises(ErrInvalidRequest, match="unknown field"):
        genesis.validate_genesis({"params": {}, "bogus": 1})
    with pytest.raises(ErrInvalidRequest, match="mint genesis"):
        genesis.validate_genesis({"params": {"schedule": 5}})
