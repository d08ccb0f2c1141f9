"""One pre-LayerNorm transformer block and the LayerNorm both models use."""

from __future__ import annotations

import torch
from torch import nn

from worker.nn.attention import CausalSelfAttention
from worker.nn.config import TransformerConfig
from worker.nn.mlp import MLP


def layer_norm(config: TransformerConfig) -> nn.LayerNorm:
    """LayerNorm over d_model (biased variance, eps ``ln_eps``), with weight+bias iff ``ln_affine``."""
    return nn.LayerNorm(config.d_model, eps=config.ln_eps, elementwise_affine=config.ln_affine)


class Block(nn.Module):
    """x + attn(ln1(x)), then + mlp(ln2(x))."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.ln1 = layer_norm(config)
        self.attn = CausalSelfAttention(config)
        self.ln2 = layer_norm(config)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))
