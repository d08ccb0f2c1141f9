"""SprintTransformer: the seed-initialised decoder whose last output vector is the PoW sample.

The shared pre-LN decoder (worker/nn) with LayerNorms without affine (eps 1e-5), no biases, causal
multi-head attention, GELU (erf) MLP and a final LayerNorm of the last position.
docs/sprint-pow.md §5 lists the tensors (worker/sprint/layout.py) and the forward.
"""

from __future__ import annotations

import torch

from worker.nn.config import TransformerConfig
from worker.nn.decoder import Decoder, load_into
from worker.sprint.config import PowConfig
from worker.sprint.generator import derive, fill_uniform, key64
from worker.sprint.layout import sprint_layout

WEIGHT_TAG = "sprint/weight/v1"


def weight_shapes(config: PowConfig) -> list[tuple[str, tuple[int, int], float]]:
    """(name, shape, bound) of every tensor, in generation order; Linear weights are (out, in)."""
    return [(t.name, t.shape, t.bound) for t in sprint_layout(config)]


def init_weight(sprint_seed: bytes, name: str, shape: tuple[int, int], bound: float) -> torch.Tensor:
    """float32 tensor: element at row-major index i = uniform_symmetric(splitmix64(K, i), bound),
    K = key64(SHA-256("sprint/weight/v1" || sprint_seed || name))."""
    key = key64(derive(WEIGHT_TAG, sprint_seed, name.encode("ascii")))
    return fill_uniform(key, shape[0] * shape[1], bound).view(shape)


def generate_weights(sprint_seed: bytes, config: PowConfig) -> dict[str, torch.Tensor]:
    """Every tensor of the model by spec name, float32 on the CPU, in layout order."""
    return {t.name: init_weight(sprint_seed, t.name, t.shape, t.bound) for t in sprint_layout(config)}


def transformer_config(config: PowConfig) -> TransformerConfig:
    """The decoder shape of a PoW config: no biases, LayerNorms without affine."""
    return TransformerConfig(vocab_size=config.vocab, max_seq_len=config.seq_len, n_layers=config.n_layers,
                             d_model=config.d_model, n_heads=config.n_heads, d_ff=config.d_ff,
                             bias=False, ln_affine=False)


class SprintTransformer(Decoder):
    """The sprint's model; ``forward(tokens (B, T) int64) -> (B, d_model)`` last-position outputs."""

    def __init__(self, config: PowConfig):
        super().__init__(transformer_config(config))
        self.config = config

    @classmethod
    def from_seed(cls, sprint_seed: bytes, config: PowConfig, device="cpu", dtype=torch.float32) -> "SprintTransformer":
        """Generate every tensor on the CPU in float32, then move/cast once (bf16: round to nearest even)."""
        return cls.from_weights(config, generate_weights(sprint_seed, config), device, dtype)

    @classmethod
    def from_weights(cls, config: PowConfig, weights: dict[str, torch.Tensor], device="cpu", dtype=torch.float32):
        """The model over float32 CPU ``weights`` (by spec name) moved to ``device`` and cast to ``dtype``."""
        state = {t.key: weights[t.name].to(device=device, dtype=dtype) for t in sprint_layout(config)}
        with torch.device("meta"):
            model = cls(config)
        return load_into(model, state)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.ln_f(self.hidden(tokens)[:, -1, :])
