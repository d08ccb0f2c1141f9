"""FLOP estimate rules of the verified-compute KPI agree with the worker's PoW shapes."""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import ModelConfig

from chain.modules.mint import flops
from worker.sprint.config import CONFIGS


def test_flops_per_nonce_matches_the_worker_configs():
    for name, config in CONFIGS.items():
        assert flops.flops_per_nonce(name) == config.flops_per_nonce(), name
    assert flops.flops_per_nonce("devnet") == 100_794_368  # docs/sprint-pow.md: 100.8 MFLOP
    assert flops.flops_per_nonce("unknown") == 0
    assert flops.sprint_flops("devnet", 3) == 3 * 900 * 100_794_368


def test_inference_and_training_rules():
    config = ModelConfig(vocab_size=256, d_model=64, n_layers=2, n_heads=4, d_ff=256, max_seq_len=128)
    params = 256 * 64 + 128 * 64 + 2 * (4 * 64 * 64 + 2 * 64 * 256)
    assert flops.model_params(config) == params == 122_880
    assert flops.inference_flops(config, 10, 6) == 2 * 122_880 * 16
    assert flops.training_flops(30, 2, 6) == 10 * 10**9  # a third of 30 GFLOP
    assert flops.training_flops(30, 2, 0) == 0
