"""The genesis model "tiny-lm": weights generated from a seed, written as safetensors bytes.

Pure Python (hashlib, struct, array, json): the node writes the blob at init without torch, and a
worker that cannot fetch it regenerates it and checks the hash.

Generator (counter-based, every element computable on its own):

* key(name)        = SHA-256("sprint/tiny-lm/v1" || be64(seed) || name as ASCII)
* block(name, c)   = SHA-256(key(name) || be64(c)), c = 0, 1, ...; each block gives eight
                     big-endian uint32 words, so element i of a tensor (row-major) is word i % 8
                     of block i // 8.
* value(word)      = (2 * (word >> 8) + 1 - 2^24) / 2^24, an odd dyadic in (-1, 1), exact in float32;
                     the stored element is float32(offset + scale * value) (round to nearest).

Per tensor kind (the scale multiplies value): token embedding 0.7, position embedding 0.5, Linear
weights 2 / sqrt(fan_in) (fan_in = input width), biases 0.02, LayerNorm weights 1 + 0.1 * value,
LayerNorm biases 0.05. These are larger than a usual trained init on purpose: with them the random
model's next-token distributions are peaked (mean top probability ~0.43, entropy ~2.2 nats), mostly
not a repeat of the input token (~18%), and its first layer alone agrees with the full model's argmax
only ~32% of the time (KL ~2.3 nats); a gain of 3 decorrelates more but doubles bf16 noise -- so the sampler, checker and cheat tests mean something.

The tensors (names, shapes, order) are exactly genesis/model_layout.py's ``tensor_layout``; the
worker loads them with the safetensors library into modules whose state dict is that layout.

Safetensors layout (written by hand): 8-byte little-endian header length N, then N bytes of JSON
(compact separators, keys sorted, padded with spaces to a multiple of 8), then the tensors' raw
float32 little-endian bytes in sorted-name order. Each entry is {"dtype": "F32", "shape": [...],
"data_offsets": [begin, end]} with offsets relative to the end of the header; "__metadata__" holds
{"format": "pt", "generator": "sprint/tiny-lm/v1", "init_seed": "<seed>"}.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import sys
from array import array

from genesis.model_layout import ModelConfig, TensorSpec, tensor_layout

TAG = b"sprint/tiny-lm/v1"
INIT_SEED = 5
PRICE_PER_TOKEN = 100
MODEL_NAME = "tiny-lm"
EMB_SCALE = 0.7
BIAS_SCALE = 0.02
LN_WEIGHT_SCALE = 0.1
LN_BIAS_SCALE = 0.05
LIN_GAIN = 2.0
POS_SCALE = 0.5


TINY_LM = ModelConfig(vocab_size=256, d_model=64, n_layers=2, n_heads=4, d_ff=256, max_seq_len=128)


def tiny_lm_config() -> dict:
    """The genesis ModelConfig as a dict (field names of sprint.inference.v1.ModelConfig)."""
    return TINY_LM.as_dict()


def _init(spec: TensorSpec) -> tuple[float, float]:
    """(offset, scale) of a tensor's values by its kind (see the module docstring)."""
    if spec.kind == "linear":
        return 0.0, LIN_GAIN / math.sqrt(spec.shape[1])
    return {
        "embedding": (0.0, EMB_SCALE),
        "position": (0.0, POS_SCALE),
        "bias": (0.0, BIAS_SCALE),
        "ln_weight": (1.0, LN_WEIGHT_SCALE),
        "ln_bias": (0.0, LN_BIAS_SCALE),
    }[spec.kind]


def tensor_specs(config) -> list[tuple[str, tuple[int, ...], float, float]]:
    """(name, shape, offset, scale) of every tensor of a model with this config, sorted by name.

    Names and shapes are genesis/model_layout.py's ``tensor_layout`` (the contract with the worker).
    """
    return [(spec.name, spec.shape, *_init(spec)) for spec in tensor_layout(config)]


def tensor_values(seed: int, name: str, count: int, offset: float, scale: float) -> array:
    """The first ``count`` elements of a tensor's stream as a float32 array (native byte order)."""
    key = hashlib.sha256(TAG + seed.to_bytes(8, "big") + name.encode("ascii")).digest()
    words: list[int] = []
    unpack = struct.Struct(">8I").unpack
    for c in range((count + 7) // 8):
        words.extend(unpack(hashlib.sha256(key + c.to_bytes(8, "big")).digest()))
    inv = 1.0 / (1 << 24)
    top = 1 - (1 << 24)
    return array("f", [offset + scale * ((2 * (w >> 8) + top) * inv) for w in words[:count]])


def write_safetensors(tensors: list[tuple[str, tuple[int, ...], bytes]], metadata: dict[str, str]) -> bytes:
    """Safetensors bytes for (name, shape, float32 little-endian bytes) entries (sorted by name)."""
    header: dict = {"__metadata__": dict(metadata)}
    pos = 0
    for name, shape, raw in sorted(tensors):
        if len(raw) != 4 * math.prod(shape):
            raise ValueError(f"tensor {name}: {len(raw)} bytes does not match shape {shape}")
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [pos, pos + len(raw)]}
        pos += len(raw)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(raw for _, _, raw in sorted(tensors))


def generate_tiny_lm(seed: int = INIT_SEED, config=None) -> bytes:
    """The safetensors bytes of the model with ``config`` (a ModelConfig, dict or proto; default
    tiny-lm) generated from ``seed``, in exactly the layout of genesis/model_layout.py."""
    config = TINY_LM if config is None else config
    tensors = []
    for name, shape, offset, scale in tensor_specs(config):
        values = tensor_values(seed, name, math.prod(shape), offset, scale)
        if sys.byteorder != "little":
            values.byteswap()
        tensors.append((name, shape, values.tobytes()))
    meta = {"format": "pt", "generator": TAG.decode("ascii"), "init_seed": str(seed)}
    return write_safetensors(tensors, meta)


def weights_sha256(data: bytes) -> str:
    """Lower-case hex sha256 of the weights blob (Model.weights_sha256)."""
    return hashlib.sha256(data).hexdigest()


def genesis_model() -> dict:
    """The genesis Model fields for tiny-lm (weights hash and size computed from the generated bytes)."""
    data = generate_tiny_lm(INIT_SEED)
    return {
        "name": MODEL_NAME,
        "config": tiny_lm_config(),
        "weights_sha256": weights_sha256(data),
        "weights_size": len(data),
        "price_per_token": PRICE_PER_TOKEN,
        "init_seed": INIT_SEED,
    }
