"""TinyLM: the causal LM of a registered ModelConfig (docs/inference.md §2), nanoGPT-like.

The shared pre-LN decoder (worker/nn: LayerNorms with affine, eps 1e-5; causal multi-head
self-attention with a fused qkv projection; GELU (erf) MLP of width ``d_ff``; Linear layers with
biases), a final LayerNorm and the token embedding as the (tied) output head. Its state dict is
exactly genesis/model_layout.py's ``tensor_layout``; blobs are read with the ``safetensors`` library.
"""

from __future__ import annotations

from dataclasses import replace

import torch
import torch.nn.functional as F
from torch import nn

from genesis.model_layout import ModelConfig, layout_shapes
from worker.inference.weights import WeightsError, load_safetensors
from worker.nn.config import TransformerConfig
from worker.nn.decoder import Decoder, load_into


def config_dict(config) -> dict:
    """A ModelConfig proto, dict or dataclass as a plain dict of the six fields (validated)."""
    return ModelConfig.of(config).as_dict()


def expected_shapes(config) -> dict[str, tuple[int, ...]]:
    """Name -> shape of every tensor the model needs."""
    return layout_shapes(config)


def transformer_config(config: ModelConfig) -> TransformerConfig:
    """The decoder shape of a registered model: biases and affine LayerNorms."""
    return TransformerConfig(vocab_size=config.vocab_size, max_seq_len=config.max_seq_len, n_layers=config.n_layers,
                             d_model=config.d_model, n_heads=config.n_heads, d_ff=config.d_ff,
                             bias=True, ln_affine=True)


class TinyLM(Decoder):
    """``forward(tokens (B, T) int64) -> logits (B, T, vocab)``, float32 or wider."""

    def __init__(self, config: ModelConfig):
        super().__init__(transformer_config(config))
        self.config = config

    @property
    def device(self) -> torch.device:
        return self.tok_emb.weight.device

    @property
    def dtype(self) -> torch.dtype:
        return self.tok_emb.weight.dtype

    @property
    def max_seq_len(self) -> int:
        return self.config.max_seq_len

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        if tokens.shape[1] > self.max_seq_len:
            raise ValueError(f"sequence of {tokens.shape[1]} tokens exceeds max_seq_len {self.max_seq_len}")
        x = self.hidden(tokens)
        # The final LayerNorm and the head run in at least float32 (bf16 logits would round by up to
        # 0.03 at magnitude 8: most of the bf16-vs-fp32 noise the checker has to forgive).
        up = torch.promote_types(self.dtype, torch.float32)
        x = F.layer_norm(x.to(up), (x.shape[-1],), self.ln_f.weight.to(up), self.ln_f.bias.to(up), self.ln_f.eps)
        return F.linear(x, self.tok_emb.weight.to(up))

    def truncated(self, n_layers: int) -> "TinyLM":
        """The same weights with only the first ``n_layers`` blocks (a cheaper, wrong model)."""
        with torch.device("meta"):
            small = TinyLM(replace(self.config, n_layers=n_layers))
        small.tok_emb, small.pos_emb, small.ln_f = self.tok_emb, self.pos_emb, self.ln_f
        small.blocks = nn.ModuleList(list(self.blocks)[:n_layers])
        return small.eval()


def check_layout(config: ModelConfig, tensors: dict[str, torch.Tensor]) -> None:
    """WeightsError unless ``tensors`` has exactly the layout's names and shapes."""
    want = layout_shapes(config)
    if set(tensors) != set(want):
        missing, extra = sorted(set(want) - set(tensors)), sorted(set(tensors) - set(want))
        raise WeightsError(f"weights do not match the config: missing {missing[:5]}, unexpected {extra[:5]}")
    for name, shape in want.items():
        if tuple(tensors[name].shape) != shape:
            raise WeightsError(f"tensor {name}: shape {tuple(tensors[name].shape)} != expected {shape}")


def load_model(config, tensors: dict[str, torch.Tensor], device="cpu", dtype=torch.float32) -> TinyLM:
    """The model over float32 ``tensors`` (exactly the layout's names and shapes), moved and cast once.

    ValueError for an invalid config; WeightsError (a ValueError) for tensors that do not match.
    """
    cfg = ModelConfig.of(config)
    check_layout(cfg, tensors)
    with torch.device("meta"):
        model = TinyLM(cfg)
    try:
        return load_into(model, {k: v.to(device=device, dtype=dtype) for k, v in tensors.items()})
    except RuntimeError as err:  # the modules disagree with the layout: a bug, reported as a refusal
        raise WeightsError(f"weights do not load into the {cfg} model: {err}") from None


def load_model_bytes(config, data: bytes, device="cpu", dtype=torch.float32) -> TinyLM:
    """Read a safetensors blob (worker.inference.weights) and build the model."""
    return load_model(config, load_safetensors(data), device, dtype)
