"""The registered inference model's architecture, defined once: its config and its tensor layout.

Torch-free and dependency-free, so every side can import it: ``genesis/tiny_lm.py`` writes exactly
this layout, ``worker/inference/model.py`` builds modules whose ``state_dict`` is this layout (and
loads blobs with ``strict=True``), and the node's CLI can validate configs with ``ModelConfig``.

Layout (docs/inference.md §2; Linear weights are (out, in)), sorted by name as in the blob:

  tok_emb.weight (vocab, d)      pos_emb.weight (max_seq_len, d)     ln_f.{weight,bias} (d,)
  blocks.{i}.ln1 / ln2.{weight,bias} (d,)
  blocks.{i}.attn.qkv.{weight (3d, d), bias (3d,)}    blocks.{i}.attn.proj.{weight (d, d), bias (d,)}
  blocks.{i}.mlp.fc.{weight (d_ff, d), bias (d_ff,)}  blocks.{i}.mlp.proj.{weight (d, d_ff), bias (d,)}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class ModelConfig:
    """A causal LM's shape (the fields of ``sprint.inference.v1.ModelConfig``)."""

    vocab_size: int
    d_model: int
    n_layers: int
    n_heads: int
    d_ff: int
    max_seq_len: int

    def __post_init__(self):
        values = [getattr(self, f) for f in CONFIG_FIELDS]
        if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            raise ValueError(f"invalid model config {self.as_dict()}: every field must be an integer")
        if min(values) <= 0 or self.d_model % self.n_heads:
            raise ValueError(f"invalid model config {self.as_dict()}: sizes must be positive and d_model "
                             "divisible by n_heads")

    @classmethod
    def of(cls, config) -> "ModelConfig":
        """A ModelConfig from a ModelConfig, a dict or a ``ModelConfig`` proto (validated)."""
        if isinstance(config, cls):
            return config
        get = config.__getitem__ if isinstance(config, dict) else lambda k: getattr(config, k)
        return cls(**{k: int(get(k)) for k in CONFIG_FIELDS})

    def as_dict(self) -> dict[str, int]:
        """The six fields as a plain dict (genesis JSON, proto kwargs)."""
        return asdict(self)


CONFIG_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ModelConfig))


@dataclass(frozen=True)
class TensorSpec:
    """One tensor of the layout. ``kind`` says what it is (the genesis generator inits by kind):
    embedding, position, linear (weight, fan_in = shape[1]), bias, ln_weight, ln_bias."""

    name: str
    shape: tuple[int, ...]
    kind: str


def _block(i: int, d: int, f: int) -> list[TensorSpec]:
    p = f"blocks.{i}."
    return [
        TensorSpec(p + "ln1.weight", (d,), "ln_weight"), TensorSpec(p + "ln1.bias", (d,), "ln_bias"),
        TensorSpec(p + "attn.qkv.weight", (3 * d, d), "linear"), TensorSpec(p + "attn.qkv.bias", (3 * d,), "bias"),
        TensorSpec(p + "attn.proj.weight", (d, d), "linear"), TensorSpec(p + "attn.proj.bias", (d,), "bias"),
        TensorSpec(p + "ln2.weight", (d,), "ln_weight"), TensorSpec(p + "ln2.bias", (d,), "ln_bias"),
        TensorSpec(p + "mlp.fc.weight", (f, d), "linear"), TensorSpec(p + "mlp.fc.bias", (f,), "bias"),
        TensorSpec(p + "mlp.proj.weight", (d, f), "linear"), TensorSpec(p + "mlp.proj.bias", (d,), "bias"),
    ]


def tensor_layout(config) -> list[TensorSpec]:
    """Every tensor of a model with this config (ModelConfig, dict or proto), sorted by name."""
    c = ModelConfig.of(config)
    d = c.d_model
    specs = [
        TensorSpec("tok_emb.weight", (c.vocab_size, d), "embedding"),
        TensorSpec("pos_emb.weight", (c.max_seq_len, d), "position"),
        TensorSpec("ln_f.weight", (d,), "ln_weight"),
        TensorSpec("ln_f.bias", (d,), "ln_bias"),
    ]
    for i in range(c.n_layers):
        specs += _block(i, d, c.d_ff)
    return sorted(specs, key=lambda s: s.name)


def layout_shapes(config) -> dict[str, tuple[int, ...]]:
    """Name -> shape of every tensor, in layout (sorted-name) order."""
    return {s.name: s.shape for s in tensor_layout(config)}
