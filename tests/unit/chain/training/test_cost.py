"""Load, costs and segment layout of training jobs (docs/training.md §1, §2)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chain.modules.training import cost
from genesis.model_layout import ModelConfig
from sprint.inference.v1 import inference_pb2
from sprint.training.v1 import training_pb2

CFG = dict(vocab_size=256, d_model=64, n_layers=2, n_heads=4, d_ff=256, max_seq_len=128)


def _expected_params(c):
    d, f = c["d_model"], c["d_ff"]
    block = 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (f * d + f) + (d * f + d)
    return c["vocab_size"] * d + c["max_seq_len"] * d + 2 * d + c["n_layers"] * block


def test_param_count_accepts_proto_dataclass_and_dict():
    n = _expected_params(CFG)
    assert cost.param_count(ModelConfig(**CFG)) == n
    assert cost.param_count(inference_pb2.ModelConfig(**CFG)) == n
    assert cost.param_count(CFG) == n


def test_param_count_rejects_invalid_config():
    with pytest.raises(ValueError):
        cost.param_count(inference_pb2.ModelConfig())


def test_load_gflop_rounds_up_and_is_at_least_one():
    hyper = training_pb2.Hyperparams(total_steps=100, batch_size=8, seq_len=64)
    flops = 6 * 1_000_000 * 100 * 8 * 64
    assert cost.load_gflop(1_000_000, hyper) == -(-flops // 10**9)
    assert cost.load_gflop(1, training_pb2.Hyperparams(total_steps=1, batch_size=1, seq_len=1)) == 1
    exact = SimpleNamespace(total_steps=10**9, batch_size=1, seq_len=1)
    assert cost.load_gflop(1, exact) == 6
    assert cost.load_gflop(1, SimpleNamespace(total_steps=10**9 + 1, batch_size=1, seq_len=1)) == 7


def test_job_costs():
    params = training_pb2.Params(price_per_gflop=7)
    assert cost.job_costs(params, 1000, 100_000, 3) == (7000, 2100)
    assert cost.job_costs(params, 1, 1, 1) == (7, 1)              # ceil(7e-6) = 1
    assert cost.job_costs(params, 1, 0, 3) == (7, 0)


def test_interval_gain_floors():
    assert cost.interval_gain(100, 3) == 33
    with pytest.raises(ValueError):
        cost.interval_gain(100, 0)


@pytest.mark.parametrize("intervals,ips,layout", [
    (1, 4, [(0, 1)]), (4, 4, [(0, 4)]), (5, 4, [(0, 4), (4, 1)]), (10, 3, [(0, 3), (3, 3), (6, 3), (9, 1)]),
    (3, 1, [(0, 1), (1, 1), (2, 1)]),
])
def test_segment_layout(intervals, ips, layout):
    assert cost.segment_layout(intervals, ips) == layout
    assert sum(c for _, c in layout) == intervals


def test_segment_layout_rejects_zero():
    with pytest.raises(ValueError):
        cost.segment_layout(0, 4)
    with pytest.raises(ValueError):
        cost.segment_layout(4, 0)
