"""Delta blobs (docs/diloco.md §2): exact F32 bytes, application, layout refusals, bf16 exchange."""

from __future__ import annotations

import pytest
import torch

from worker.diloco.delta import (apply_delta, bf16_as_f32_bytes, bf16_error, delta_bytes, delta_bytes_bf16,
                                 load_delta, load_delta_bf16)
from worker.inference.weights import WeightsError, load_safetensors
from worker.training.state import write_safetensors


@pytest.fixture(scope="module")
def ends(setup, request):
    from worker.diloco.inner import run_inner_round

    r = run_inner_round(setup.config, setup.base_weights, None, setup.data, setup.data_seed, 0, setup.hyper, 0, 8)
    return r.end_weights


def test_delta_is_end_minus_start_in_fp32_with_deterministic_bytes(setup, ends):
    blob = delta_bytes(setup.base_weights, ends)
    assert blob == delta_bytes(setup.base_weights, bytes(ends))
    start, end, d = load_safetensors(setup.base_weights), load_safetensors(ends), load_delta(blob)
    for k in start:
        assert torch.equal(d[k], end[k] - start[k])
    assert blob == write_safetensors({k: end[k] - start[k] for k in sorted(start)})
    # theta + Delta is the end up to one rounding per element
    back = load_safetensors(apply_delta(setup.base_weights, blob))
    assert max(float((back[k] - end[k]).abs().max()) for k in end) <= 1e-6


def test_layout_mismatch_is_refused(setup):
    bad = write_safetensors({"x": torch.zeros(3)})
    with pytest.raises(WeightsError, match="names differ"):
        delta_bytes(setup.base_weights, bad)
    with pytest.raises(WeightsError):
        apply_delta(setup.base_weights, bad)
    with pytest.raises(WeightsError):
        apply_delta(setup.base_weights, b"not a blob")


def test_bf16_exchange_halves_the_bytes_with_a_small_measured_error(setup, ends):
    exact = delta_bytes(setup.base_weights, ends)
    half = delta_bytes_bf16(setup.base_weights, ends)
    assert len(half) < 0.51 * len(exact)
    err = bf16_error(setup.base_weights, ends)
    assert 0 < err < 4e-3  # bf16 keeps 8 significant bits: relative error <= 2^-9 per element
    widened = load_delta(bf16_as_f32_bytes(half))
    assert all(torch.equal(widened[k], v) for k, v in load_delta_bf16(half).items())
    with pytest.raises(WeightsError, match="not BF16"):
        load_delta_bf16(exact)
