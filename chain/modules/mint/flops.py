"""FLOP estimate rules of the verified-compute KPI (docs/economics.md §1), integers only.

- Sprint: an accepted prover's settled weight is its distinct valid nonces; each valid nonce costs
  on average TRIES_PER_VALID_NONCE forward passes of the PoW model (the threshold is calibrated so
  that 1 in 900 distances falls below it, docs/sprint-pow.md §7), each pass FLOPS_PER_NONCE[config]
  (= layers x (2 seq (4 d^2 + 2 d d_ff) + 4 seq^2 d), docs/sprint-pow.md §2).
- Inference: a settled job costs 2 x P x (prompt tokens + output tokens), P the model's parameter
  count vocab d + max_seq_len d + layers (4 d^2 + 2 d d_ff) (tokens are bytes).
- Training: a PASSED segment is its share of the job's load, load_gflop x 10^9 x
  interval_count / intervals (docs/training.md §2: load = 6 P x tokens trained).
"""

from __future__ import annotations

TRIES_PER_VALID_NONCE = 900
# (layers, d_model, d_ff, seq_len) of the PoW configs of docs/sprint-pow.md §2
POW_SHAPES = {"paper": (64, 512, 8192, 4), "devnet": (4, 512, 2048, 4), "test": (2, 64, 128, 4)}


def flops_per_nonce(pow_config: str) -> int:
    """Matmul FLOPs of one PoW forward pass (0 for an unknown config)."""
    if pow_config not in POW_SHAPES:
        return 0
    layers, d, d_ff, seq = POW_SHAPES[pow_config]
    return layers * (2 * seq * (4 * d * d + 2 * d * d_ff) + 4 * seq * seq * d)


def sprint_flops(pow_config: str, settled_weight: int) -> int:
    """FLOPs proven by `settled_weight` accepted nonces."""
    return settled_weight * TRIES_PER_VALID_NONCE * flops_per_nonce(pow_config)


def model_params(config) -> int:
    """Parameter count of an inference ModelConfig (tied embeddings, learned positions)."""
    d = config.d_model
    return config.vocab_size * d + config.max_seq_len * d + config.n_layers * (4 * d * d + 2 * d * config.d_ff)


def inference_flops(config, prompt_tokens: int, output_tokens: int) -> int:
    """2 x P FLOPs per token processed."""
    return 2 * model_params(config) * (prompt_tokens + output_tokens)


def training_flops(load_gflop: int, interval_count: int, intervals: int) -> int:
    """A segment's share of a training job's load, in FLOPs (0 for a job without intervals)."""
    if intervals == 0:
        return 0
    return load_gflop * 10**9 * interval_count // intervals
