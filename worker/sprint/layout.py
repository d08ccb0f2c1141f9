"""The Sprint model's tensor layout, defined once (docs/sprint-pow.md §5); no torch.

Each tensor has its spec ``name`` (hashed into its seed key, so it is part of the PoW function and
never changes), its ``key`` in the shared decoder's state dict (worker/nn/decoder.py), its shape
((out, in) for Linear weights) and the bound of its uniform init (sqrt(3 / fan_in)).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from worker.sprint.config import PowConfig


class SprintTensor(NamedTuple):
    name: str
    key: str
    shape: tuple[int, int]
    bound: float


# spec name suffix -> state-dict suffix, per layer
_LAYER = (("attn.qkv", "attn.qkv.weight"), ("attn.out", "attn.proj.weight"),
          ("ffn.up", "mlp.fc.weight"), ("ffn.down", "mlp.proj.weight"))


def sprint_layout(config: PowConfig) -> list[SprintTensor]:
    """Every tensor, in generation order: tok_emb, pos_emb, then layer by layer qkv, out, up, down."""
    d, f = config.d_model, config.d_ff
    shapes = {"attn.qkv": (3 * d, d), "attn.out": (d, d), "ffn.up": (f, d), "ffn.down": (d, f)}
    out = [SprintTensor("tok_emb", "tok_emb.weight", (config.vocab, d), 1.0),
           SprintTensor("pos_emb", "pos_emb.weight", (config.seq_len, d), 1.0)]
    for i in range(config.n_layers):
        for name, key in _LAYER:
            shape = shapes[name]
            out.append(SprintTensor(f"layers.{i}.{name}", f"blocks.{i}.{key}", shape, math.sqrt(3.0 / shape[1])))
    return out
