"""The feed-forward sublayer: Linear up to d_ff, GELU (erf), Linear back to d_model."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from worker.nn.config import TransformerConfig


class MLP(nn.Module):
    """``proj(GELU(fc(x)))`` with GELU(x) = x/2 · (1 + erf(x/√2))."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.fc = nn.Linear(config.d_model, config.d_ff, bias=config.bias)
        self.proj = nn.Linear(config.d_ff, config.d_model, bias=config.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(F.gelu(self.fc(x)))
