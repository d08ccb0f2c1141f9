"""The shared worker/nn modules compute exactly what the two former model implementations did
(tests/unit/worker/reference_forward.py is their arithmetic, op for op; commit 32a9ad3 also checked
the modules against the former classes): bit-identical PoW outputs and inference logits on several
seeds, configs and dtypes (CPU)."""

import hashlib

import pytest
import torch

from genesis.model_layout import ModelConfig
from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config
from tests.unit.worker.reference_forward import sprint_forward, tiny_lm_forward
from worker.inference.model import load_model
from worker.inference.weights import load_safetensors
from worker.sprint.config import PowConfig, get_config
from worker.sprint.model import SprintTransformer, generate_weights

torch.set_num_threads(1)
DTYPES = (torch.float32, torch.float64, torch.bfloat16)
SMALL = PowConfig("small", n_layers=3, d_model=32, n_heads=2, d_ff=48, vocab=64, seq_len=6, threshold_micro=1)
OTHER_LM = {"vocab_size": 256, "d_model": 32, "n_layers": 3, "n_heads": 2, "d_ff": 48, "max_seq_len": 16}


def _tokens(vocab: int, length: int, seed: int, batch: int = 16) -> torch.Tensor:
    return torch.randint(0, vocab, (batch, length), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("config", [get_config("test"), SMALL], ids=lambda c: c.name)
@pytest.mark.parametrize("seed", [0, 1])
def test_sprint_model_is_bit_identical_to_the_reference(config, seed):
    sprint_seed = hashlib.sha256(b"nn-equivalence/%d" % seed).digest()
    weights = generate_weights(sprint_seed, config)
    tokens = _tokens(config.vocab, config.seq_len, seed)
    for dtype in DTYPES:
        model = SprintTransformer.from_weights(config, weights, dtype=dtype)
        cast = {k: v.to(dtype) for k, v in weights.items()}
        with torch.inference_mode():
            got, want = model(tokens), sprint_forward(config, cast, tokens)
        assert got.dtype == dtype and torch.equal(got, want), dtype


@pytest.mark.parametrize("config", [tiny_lm_config(), OTHER_LM], ids=["tiny-lm", "other"])
@pytest.mark.parametrize("seed", [5, 9])
def test_inference_logits_are_identical_to_the_reference(config, seed):
    tensors = load_safetensors(generate_tiny_lm(seed, config))
    cfg = ModelConfig.of(config)
    tokens = _tokens(256, cfg.max_seq_len, seed, batch=4)
    for dtype in DTYPES:
        model = load_model(config, tensors, dtype=dtype)
        cast = {k: v.to(dtype) for k, v in tensors.items()}
        with torch.inference_mode():
            got, want = model(tokens), tiny_lm_forward(cfg, cast, tokens)
            short = model.truncated(1)(tokens)
            short_want = tiny_lm_forward(ModelConfig.of(dict(config, n_layers=1)), cast, tokens)
        assert torch.equal(got, want) and torch.equal(short, short_want), dtype

