"""TinyLM: the causal LM of a registered ModelConfig (docs/inference.md §2), nanoGPT-like.

Token + learned position embeddings, ``n_layers`` pre-LN blocks (LayerNorm with affine, eps 1e-5;
causal multi-head self-attention with a fused qkv projection; GELU (erf) MLP of width ``d_ff``;
Linear layers with biases), a final LayerNorm and the token embedding as the (tied) output head.
Tensor names and shapes are those of genesis/tiny_lm.py ``tensor_specs``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genesis.tiny_lm import tensor_specs

LN_EPS = 1e-5
CONFIG_FIELDS = ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_seq_len")


def config_dict(config) -> dict:
    """A ModelConfig proto or dict as a plain dict of the six fields (validated)."""
    out = {k: int(config[k] if isinstance(config, dict) else getattr(config, k)) for k in CONFIG_FIELDS}
    if min(out.values()) <= 0 or out["d_model"] % out["n_heads"]:
        raise ValueError(f"invalid model config {out}: sizes must be positive and d_model divisible by n_heads")
    return out


def expected_shapes(config) -> dict[str, tuple[int, ...]]:
    """Name -> shape of every tensor the model needs."""
    return {name: shape for name, shape, _, _ in tensor_specs(config_dict(config))}


class Block(nn.Module):
    """x + Attn(LN1(x)), then + MLP(LN2(x))."""

    def __init__(self, n_heads: int, w: dict[str, torch.Tensor], p: str):
        super().__init__()
        self.n_heads = n_heads
        for key in ("ln1", "attn.qkv", "attn.proj", "ln2", "mlp.fc", "mlp.proj"):
            attr = key.replace(".", "_")
            self.register_buffer(attr + "_w", w[p + key + ".weight"])
            self.register_buffer(attr + "_b", w[p + key + ".bias"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        h = F.layer_norm(x, (d,), self.ln1_w, self.ln1_b, LN_EPS)
        qkv = F.linear(h, self.attn_qkv_w, self.attn_qkv_b)
        q, k, v = qkv.view(b, t, 3, self.n_heads, d // self.n_heads).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(b, t, d)
        x = x + F.linear(a, self.attn_proj_w, self.attn_proj_b)
        h = F.layer_norm(x, (d,), self.ln2_w, self.ln2_b, LN_EPS)
        return x + F.linear(F.gelu(F.linear(h, self.mlp_fc_w, self.mlp_fc_b)), self.mlp_proj_w, self.mlp_proj_b)


class TinyLM(nn.Module):
    """``forward(tokens (B, T) int64) -> logits (B, T, vocab)``, float32 or wider."""

    def __init__(self, config: dict, w: dict[str, torch.Tensor]):
        super().__init__()
        self.config = config
        self.register_buffer("tok_emb", w["tok_emb.weight"])
        self.register_buffer("pos_emb", w["pos_emb.weight"])
        self.register_buffer("ln_f_w", w["ln_f.weight"])
        self.register_buffer("ln_f_b", w["ln_f.bias"])
        self.blocks = nn.ModuleList(Block(config["n_heads"], w, f"blocks.{i}.") for i in range(config["n_layers"]))

    @property
    def device(self) -> torch.device:
        return self.tok_emb.device

    @property
    def dtype(self) -> torch.dtype:
        return self.tok_emb.dtype

    @property
    def max_seq_len(self) -> int:
        return self.config["max_seq_len"]

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        if tokens.shape[1] > self.max_seq_len:
            raise ValueError(f"sequence of {tokens.shape[1]} tokens exceeds max_seq_len {self.max_seq_len}")
        x = self.tok_emb[tokens] + self.pos_emb[: tokens.shape[1]]
        for block in self.blocks:
            x = block(x)
        # The final LayerNorm and the head run in at least float32 (bf16 logits would round by up to
        # 0.03 at magnitude 8: most of the bf16-vs-fp32 noise the checker has to forgive).
        up = torch.promote_types(self.dtype, torch.float32)
        x = F.layer_norm(x.to(up), (x.shape[-1],), self.ln_f_w.to(up), self.ln_f_b.to(up), LN_EPS)
        return F.linear(x, self.tok_emb.to(up))

    def truncated(self, n_layers: int) -> "TinyLM":
        """The same weights with only the first ``n_layers`` blocks (a cheaper, wrong model)."""
        small = TinyLM.__new__(TinyLM)
        nn.Module.__init__(small)
        small.config = dict(self.config, n_layers=n_layers)
        for name in ("tok_emb", "pos_emb", "ln_f_w", "ln_f_b"):
            small.register_buffer(name, getattr(self, name))
        small.blocks = nn.ModuleList(list(self.blocks)[:n_layers])
        return small.eval()


def load_model(config, tensors: dict[str, torch.Tensor], device="cpu", dtype=torch.float32) -> TinyLM:
    """The model over float32 ``tensors`` (exactly the expected names and shapes), moved and cast once."""
    cfg = config_dict(config)
    want = expected_shapes(cfg)
    if set(tensors) != set(want):
        missing, extra = sorted(set(want) - set(tensors)), sorted(set(tensors) - set(want))
        raise ValueError(f"weights do not match the config: missing {missing[:5]}, unexpected {extra[:5]}")
    for name, shape in want.items():
        if tuple(tensors[name].shape) != shape:
            raise ValueError(f"tensor {name}: shape {tuple(tensors[name].shape)} != expected {shape}")
    cast = {k: v.to(device=device, dtype=dtype) for k, v in tensors.items()}
    return TinyLM(cfg, cast).eval()


def load_model_bytes(config, data: bytes, device="cpu", dtype=torch.float32) -> TinyLM:
    """Parse a safetensors blob (worker.inference.weights) and build the model."""
    from worker.inference.weights import load_safetensors

    return load_model(config, load_safetensors(data), device, dtype)
