"""SprintTransformer: the seed-initialised decoder whose last output vector is the PoW sample.

Pre-LayerNorm blocks (LayerNorm without affine, eps 1e-5), causal multi-head attention, GELU (erf)
feed-forward, final LayerNorm, no biases. docs/sprint-pow.md §5 lists the tensors and the forward.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from worker.sprint.config import PowConfig
from worker.sprint.generator import derive, fill_uniform, key64

WEIGHT_TAG = "sprint/weight/v1"
LN_EPS = 1e-5


def weight_shapes(config: PowConfig) -> list[tuple[str, tuple[int, int], float]]:
    """(name, shape, bound) of every tensor, in this order; Linear weights are (out, in)."""
    d, f = config.d_model, config.d_ff
    shapes = [("tok_emb", (config.vocab, d), 1.0), ("pos_emb", (config.seq_len, d), 1.0)]
    for i in range(config.n_layers):
        p = f"layers.{i}."
        shapes += [
            (p + "attn.qkv", (3 * d, d), math.sqrt(3.0 / d)),
            (p + "attn.out", (d, d), math.sqrt(3.0 / d)),
            (p + "ffn.up", (f, d), math.sqrt(3.0 / d)),
            (p + "ffn.down", (d, f), math.sqrt(3.0 / f)),
        ]
    return shapes


def init_weight(sprint_seed: bytes, name: str, shape: tuple[int, int], bound: float) -> torch.Tensor:
    """float32 tensor: element at row-major index i = uniform_symmetric(splitmix64(K, i), bound),
    K = key64(SHA-256("sprint/weight/v1" || sprint_seed || name))."""
    key = key64(derive(WEIGHT_TAG, sprint_seed, name.encode("ascii")))
    return fill_uniform(key, shape[0] * shape[1], bound).view(shape)


def generate_weights(sprint_seed: bytes, config: PowConfig) -> dict[str, torch.Tensor]:
    """Every tensor of the model, float32 on the CPU, in weight_shapes order."""
    return {name: init_weight(sprint_seed, name, shape, bound) for name, shape, bound in weight_shapes(config)}


class Block(nn.Module):
    """x + Attn(LN(x)), then + FFN(LN(x))."""

    def __init__(self, config: PowConfig, weights: dict[str, torch.Tensor], prefix: str):
        super().__init__()
        self.n_heads = config.n_heads
        self.qkv = nn.Parameter(weights[prefix + "attn.qkv"], requires_grad=False)
        self.out = nn.Parameter(weights[prefix + "attn.out"], requires_grad=False)
        self.up = nn.Parameter(weights[prefix + "ffn.up"], requires_grad=False)
        self.down = nn.Parameter(weights[prefix + "ffn.down"], requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        h = F.layer_norm(x, (d,), eps=LN_EPS)
        q, k, v = F.linear(h, self.qkv).view(b, t, 3, self.n_heads, d // self.n_heads).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + F.linear(a.transpose(1, 2).reshape(b, t, d), self.out)
        h = F.layer_norm(x, (d,), eps=LN_EPS)
        return x + F.linear(F.gelu(F.linear(h, self.up)), self.down)


class SprintTransformer(nn.Module):
    """The sprint's model; ``forward(tokens (B, T) int64) -> (B, d_model)`` last-position outputs."""

    def __init__(self, config: PowConfig, weights: dict[str, torch.Tensor]):
        super().__init__()
        self.config = config
        self.tok_emb = nn.Parameter(weights["tok_emb"], requires_grad=False)
        self.pos_emb = nn.Parameter(weights["pos_emb"], requires_grad=False)
        self.blocks = nn.ModuleList(Block(config, weights, f"layers.{i}.") for i in range(config.n_layers))

    @classmethod
    def from_seed(cls, sprint_seed: bytes, config: PowConfig, device="cpu", dtype=torch.float32) -> "SprintTransformer":
        """Generate every tensor on the CPU in float32, then move/cast once (bf16: round to nearest even)."""
        return cls.from_weights(config, generate_weights(sprint_seed, config), device, dtype)

    @classmethod
    def from_weights(cls, config: PowConfig, weights: dict[str, torch.Tensor], device="cpu", dtype=torch.float32):
        """The model over float32 CPU ``weights`` moved to ``device`` and cast to ``dtype``."""
        return cls(config, {k: v.to(device=device, dtype=dtype) for k, v in weights.items()}).eval()

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.tok_emb[tokens] + self.pos_emb[: tokens.shape[1]]
        for block in self.blocks:
            x = block(x)
        return F.layer_norm(x[:, -1, :], (self.config.d_model,), eps=LN_EPS)
