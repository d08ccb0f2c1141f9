"""Decoder: token + learned position embeddings, the blocks and a final LayerNorm.

Subclasses add the head (the Sprint takes the last position's normalised vector, the inference
model the tied-embedding logits). State-dict keys: ``tok_emb.weight``, ``pos_emb.weight``,
``blocks.{i}.{ln1,attn.qkv,attn.proj,ln2,mlp.fc,mlp.proj}.*`` and ``ln_f.*`` (the norms' and the
Linear biases' keys only exist when the config has them).
"""

from __future__ import annotations

from typing import TypeVar

import torch
from torch import nn

from worker.nn.block import Block, layer_norm
from worker.nn.config import TransformerConfig

D = TypeVar("D", bound="Decoder")


class Decoder(nn.Module):
    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.arch = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.d_model)
        self.pos_emb = nn.Embedding(config.max_seq_len, config.d_model)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layers))
        self.ln_f = layer_norm(config)

    def hidden(self, tokens: torch.Tensor) -> torch.Tensor:
        """(B, T) int64 tokens -> (B, T, d) residual stream after the last block (before ln_f)."""
        x = self.tok_emb.weight[tokens] + self.pos_emb.weight[: tokens.shape[1]]
        for block in self.blocks:
            x = block(x)
        return x


def load_into(model: D, state: dict[str, torch.Tensor]) -> D:
    """``model`` (built on the meta device) holding exactly ``state``: load_state_dict(strict=True,
    assign=True) -- RuntimeError on a missing, unexpected or misshaped tensor -- frozen, in eval mode."""
    model.load_state_dict(state, strict=True, assign=True)
    return model.requires_grad_(False).eval()
