"""The test-only cheats: parsing, the seeded choice of cheated intervals, and what each one does."""

from __future__ import annotations

import pytest

from worker.training.cheats import Cheat
from worker.training.state import load_state, optim_bytes, weights_bytes
from worker.training.trainer import train_interval


def test_parse():
    assert Cheat.parse("noise") == Cheat("noise", 1_000_000)
    assert Cheat.parse("skip-intervals 30%") == Cheat("skip-intervals", 300_000)
    assert Cheat.parse("skip-intervals:12.5%") == Cheat("skip-intervals", 125_000)
    with pytest.raises(ValueError, match="unknown cheat"):
        Cheat.parse("lazy")


def test_fraction_picks_about_that_share_of_intervals(data_seed):
    picked = sum(Cheat("skip-intervals", 300_000).applies(data_seed, k) for k in range(2000))
    assert 520 < picked < 680
    assert all(Cheat("noise").applies(data_seed, k) for k in range(50))
    assert not any(Cheat("noise", 0).applies(data_seed, k) for k in range(50))


def test_skip_copies_the_state_forward(setup, states):
    model, opt = load_state(setup.config, *states[1], setup.hyper)
    assert train_interval(model, opt, setup.data, setup.data_seed, setup.hyper, 1, cheat=Cheat("skip-intervals")) == []
    assert (weights_bytes(model), optim_bytes(model, opt)) == states[1]


def test_low_precision_leaves_fp32_state_blobs(setup, states):
    model, opt = load_state(setup.config, *states[1], setup.hyper)
    losses = train_interval(model, opt, setup.data, setup.data_seed, setup.hyper, 1, cheat=Cheat("low-precision"))
    assert len(losses) == setup.hyper.checkpoint_interval
    assert load_state(setup.config, weights_bytes(model), optim_bytes(model, opt), setup.hyper)
    assert weights_bytes(model) != states[2][0]


def test_stale_gradient_carries_across_one_step_intervals(setup):
    """With checkpoint_interval 1 every interval after the first still applies a stale gradient."""
    from dataclasses import replace

    from worker.training.state import fresh_state

    hyper = replace(setup.hyper, checkpoint_interval=1)
    ends = {}
    for cheat in (None, Cheat("stale-gradient")):
        model, opt = fresh_state(setup.config, setup.base_weights, hyper)
        ends[cheat] = []
        for k in range(3):
            train_interval(model, opt, setup.data, setup.data_seed, hyper, k, cheat=cheat)
            ends[cheat].append(weights_bytes(model))
    honest, stale = ends[None], ends[Cheat("stale-gradient")]
    assert honest[0] == stale[0] and honest[1] != stale[1] and honest[2] != stale[2]
