"""docs/training.md §4: exact state blobs, loadable by inference, and a bit-exact resume."""

from __future__ import annotations

import json
import struct

import pytest
import torch
from safetensors.torch import load as st_load

from worker.inference.model import load_model_bytes
from worker.inference.weights import WeightsError
from worker.training.state import fresh_state, load_state, optim_bytes, weights_bytes
from worker.training.trainer import train_interval


def _header(blob: bytes) -> dict:
    (n,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8:8 + n])


def test_weights_blob_is_the_layout_without_metadata(setup, states):
    blob = states[2][0]
    header = _header(blob)
    assert "__metadata__" not in header and all(v["dtype"] == "F32" for v in header.values())
    model = load_model_bytes(setup.config, blob)  # the inference loader accepts it as is
    assert set(model.state_dict()) == set(header)


def test_base_weights_round_trip_and_fresh_optimizer(setup):
    model, opt = fresh_state(setup.config, setup.base_weights, setup.hyper)
    assert torch.equal(load_model_bytes(setup.config, weights_bytes(model)).tok_emb.weight, model.tok_emb.weight)
    optim = st_load(optim_bytes(model, opt))
    assert optim["step"].tolist() == [0] and optim["step"].dtype == torch.int64
    assert all(not t.any() for name, t in optim.items() if name != "step")
    assert set(optim) == {"step"} | {f"{m}.{n}" for n, _ in model.named_parameters() for m in ("exp_avg", "exp_avg_sq")}


def test_resume_from_bytes_is_bit_exact(setup, states):
    """Two intervals straight vs save/load between them: identical weights and optimizer bytes."""
    model, opt = fresh_state(setup.config, setup.base_weights, setup.hyper)
    for k in (0, 1):
        train_interval(model, opt, setup.data, setup.data_seed, setup.hyper, k)
    straight = (weights_bytes(model), optim_bytes(model, opt))
    resumed, ropt = load_state(setup.config, *states[1], setup.hyper)
    train_interval(resumed, ropt, setup.data, setup.data_seed, setup.hyper, 1)
    assert (weights_bytes(resumed), optim_bytes(resumed, ropt)) == straight == states[2]
    assert st_load(straight[1])["step"].tolist() == [2 * setup.hyper.checkpoint_interval]


def test_malformed_optimizer_blob_is_refused(setup, states):
    with pytest.raises(WeightsError, match="optimizer blob"):
        load_state(setup.config, states[1][0], b"not safetensors", setup.hyper)
    with pytest.raises(WeightsError, match="names do not match"):
        load_state(setup.config, states[1][0], states[1][0], setup.hyper)
