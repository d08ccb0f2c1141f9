"""Causal multi-head self-attention with one fused qkv projection."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from worker.nn.config import TransformerConfig


class CausalSelfAttention(nn.Module):
    """``qkv`` (3d, d): columns 0..d-1 give q, d..2d-1 k, 2d..3d-1 v; heads are consecutive
    ``head_dim`` slices (head 0 first); softmax(q kᵀ / sqrt(head_dim) + causal mask) v; ``proj``."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.n_heads = config.n_heads
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model, bias=config.bias)
        self.proj = nn.Linear(config.d_model, config.d_model, bias=config.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.n_heads, d // self.n_heads).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.proj(a.transpose(1, 2).reshape(b, t, d))
