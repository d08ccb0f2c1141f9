"""Sprint params in the genesis tools: phase_lengths, add_sprint_params and `testnet init
--epoch-length` (in memory: plan_testnet writes no file)."""

from __future__ import annotations

import pytest

from abci_app.cli.common import CliError
from chain.modules.sprint.params import PHASE_FIELDS, phase_lengths
from genesis.app_state import GenesisError, add_sprint_params
from genesis.testnet import TestnetOptions, plan_testnet, validate_options


def test_phase_lengths_sum_to_the_epoch_and_keep_every_phase():
    for length in range(6, 400):
        lengths = phase_lengths(length)
        assert sum(lengths.values()) == length and min(lengths.values()) >= 1
    assert phase_lengths(24) == {"commit_blocks": 3, "reveal_blocks": 3, "sprint_blocks": 8, "proof_blocks": 3,
                                 "validation_blocks": 4, "settlement_blocks": 3}
    assert phase_lengths(48)["sprint_blocks"] == 16


def test_add_sprint_params_validates():
    state = add_sprint_params({}, 30, {"max_power_bps": 2500})
    params = state["sprint"]["params"]
    assert sum(int(params[name]) for name in PHASE_FIELDS) == 30 and params["max_power_bps"] == 2500
    with pytest.raises(GenesisError, match="at least 6 blocks"):
        add_sprint_params({}, 5)
    with pytest.raises(GenesisError, match="assignment_weight_bps"):
        add_sprint_params({}, None, {"assignment_weight_bps": 100})


def test_testnet_epoch_length_sets_the_sprint_phases():
    plan = plan_testnet(validate_options(TestnetOptions(validators=2, seed="x", epoch_length=60)))
    params = plan["genesis"]["app_state"]["sprint"]["params"]
    assert sum(int(params[name]) for name in PHASE_FIELDS) == 60
    default = plan_testnet(validate_options(TestnetOptions(validators=2, seed="x")))
    assert sum(int(default["genesis"]["app_state"]["sprint"]["params"][n]) for n in PHASE_FIELDS) == 24
    with pytest.raises(CliError, match="--epoch-length must be an integer of at least 6"):
        validate_options(TestnetOptions(validators=2, epoch_length=2))
