"""TransformerConfig: the shape and variant knobs of a pre-LN decoder (one dataclass, no torch)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TransformerConfig:
    """``bias``: Linear layers have biases; ``ln_affine``: LayerNorms have weight and bias."""

    vocab_size: int
    max_seq_len: int
    n_layers: int
    d_model: int
    n_heads: int
    d_ff: int
    bias: bool
    ln_affine: bool
    ln_eps: float = 1e-5

    def __post_init__(self):
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model {self.d_model} is not divisible by n_heads {self.n_heads}")

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads
