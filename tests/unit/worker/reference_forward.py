"""Plain functional forwards of the two models, op for op as before the shared worker/nn modules
(docs/sprint-pow.md §5, docs/inference.md §2): the oracle the module implementations must match
bit for bit on the same machine."""

from __future__ import annotations

import torch
import torch.nn.functional as F

EPS = 1e-5


def _block(x, n_heads, ln1, ln2, qkv, proj, fc, down):
    """x + attn(LN(x)), then + MLP(LN(x)); ln* are (weight, bias) or (None, None)."""
    b, t, d = x.shape
    h = F.layer_norm(x, (d,), *ln1, EPS)
    q, k, v = F.linear(h, *qkv).view(b, t, 3, n_heads, d // n_heads).permute(2, 0, 3, 1, 4)
    a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    x = x + F.linear(a.transpose(1, 2).reshape(b, t, d), *proj)
    h = F.layer_norm(x, (d,), *ln2, EPS)
    return x + F.linear(F.gelu(F.linear(h, *fc)), *down)


def sprint_forward(config, weights: dict[str, torch.Tensor], tokens: torch.Tensor) -> torch.Tensor:
    """The PoW model over spec-named weights (already cast): (B, T) -> (B, d) last-position outputs."""
    x = weights["tok_emb"][tokens] + weights["pos_emb"][: tokens.shape[1]]
    none = (None, None)
    for i in range(config.n_layers):
        p = f"layers.{i}."
        x = _block(x, config.n_heads, none, none, (weights[p + "attn.qkv"],), (weights[p + "attn.out"],),
                   (weights[p + "ffn.up"],), (weights[p + "ffn.down"],))
    return F.layer_norm(x[:, -1, :], (config.d_model,), eps=EPS)


def tiny_lm_forward(config, w: dict[str, torch.Tensor], tokens: torch.Tensor) -> torch.Tensor:
    """The inference model over layout-named tensors (already cast): (B, T) -> logits (B, T, vocab)."""
    x = w["tok_emb.weight"][tokens] + w["pos_emb.weight"][: tokens.shape[1]]
    for i in range(config.n_layers):
        p = f"blocks.{i}."
        pair = lambda k: (w[p + k + ".weight"], w[p + k + ".bias"])  # noqa: E731
        x = _block(x, config.n_heads, pair("ln1"), pair("ln2"), pair("attn.qkv"), pair("attn.proj"),
                   pair("mlp.fc"), pair("mlp.proj"))
    up = torch.promote_types(x.dtype, torch.float32)
    x = F.layer_norm(x.to(up), (x.shape[-1],), w["ln_f.weight"].to(up), w["ln_f.bias"].to(up), EPS)
    return F.linear(x, w["tok_emb.weight"].to(up))
