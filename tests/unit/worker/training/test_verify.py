"""docs/training.md §7: re-execution and the distance; honest runs pass, each cheat is caught."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import load as st_load

from worker.training.cheats import CHEATS, Cheat
from worker.training.state import write_safetensors
from worker.training.tolerance import DEFAULT_TOLERANCE_PPM, end_weights
from worker.training.verify import MAX_DISTANCE_PPM, distance_ppm, reexecute_interval

K = 2  # a mid-run interval (its start optimizer is not fresh)


@pytest.fixture(scope="module")
def honest(setup, states) -> bytes:
    return reexecute_interval(setup.config, *states[K], setup.data, setup.data_seed, setup.hyper, K)


def test_honest_reexecution_is_distance_zero(setup, states, honest):
    assert honest == states[K + 1][0] and honest.optim == states[K + 1][1]
    assert distance_ppm(states[K][0], honest, states[K + 1][0]) == 0
    assert distance_ppm(states[K][0], bytes(honest), states[K + 1][0], reexec_optim=honest.optim) == 0
    with pytest.raises(ValueError, match="optimizer blob"):
        distance_ppm(states[K][0], bytes(honest), states[K + 1][0])


def test_skipped_interval_is_distance_one(states, honest):
    assert distance_ppm(states[K][0], honest, states[K][0]) == 1_000_000


@pytest.mark.parametrize("k", [0, K])
def test_bf16_prover_passes_an_fp32_verifier(setup, states, k):
    fp32 = states[k + 1]
    bf16 = end_weights(setup, states[k], k, ("cpu", "bf16"), threads=1)
    d = distance_ppm(states[k][0], fp32[0], bf16, reexec_optim=fp32[1])
    assert 0 < d < DEFAULT_TOLERANCE_PPM


@pytest.mark.parametrize("mode", CHEATS)
def test_each_cheat_exceeds_the_tolerance(setup, states, honest, mode):
    claimed = end_weights(setup, states[K], K, ("cpu", "fp32"), threads=2, cheat=Cheat(mode))
    assert distance_ppm(states[K][0], honest, claimed) > DEFAULT_TOLERANCE_PPM


def _edit(blob: bytes, name: str, index: int, value: float) -> bytes:
    """``blob`` with one element of one tensor replaced."""
    tensors = st_load(blob)
    tensors[name][index] = value
    return write_safetensors(tensors)


def test_zero_gradient_elements_barely_count_but_are_bounded(setup, states, honest):
    """The key bias's true gradient is zero: moving it within bounds costs ~nothing, out of bounds
    or non-finite is the maximum; a query-bias change of the same size counts."""
    d = setup.config["d_model"]
    name = "blocks.0.attn.qkv.bias"
    key, query = float(st_load(honest)[name][d]), float(st_load(honest)[name][0])
    shifted = _edit(honest, name, d, key + 2 * setup.hyper.lr)
    assert distance_ppm(states[K][0], honest, shifted) < 100
    for bad in (key + 1.0, float("nan"), float("inf")):
        assert distance_ppm(states[K][0], honest, _edit(honest, name, d, bad)) == MAX_DISTANCE_PPM
    assert distance_ppm(states[K][0], honest, _edit(honest, name, 0, query + 2 * setup.hyper.lr)) > 1000


def test_claimed_blob_that_does_not_fit_is_max_distance(states, honest):
    tensors = st_load(honest)
    tensors.pop("ln_f.bias")
    assert distance_ppm(states[K][0], honest, write_safetensors(tensors)) == MAX_DISTANCE_PPM
    assert distance_ppm(states[K][0], honest, b"junk") == MAX_DISTANCE_PPM
    assert distance_ppm(states[K][0], honest, write_safetensors({"x": torch.zeros(2)})) == MAX_DISTANCE_PPM
