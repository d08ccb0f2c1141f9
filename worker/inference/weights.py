"""Weights blobs: safetensors read by the ``safetensors`` library, float32 only, clear refusals.

``safetensors.torch.load`` parses the JSON header and copies raw little-endian buffers (nothing is
ever unpickled, numpy is not needed) and refuses malformed blobs (header length, JSON, offsets
that leave holes or overlap, sizes that do not match the shape, a data section not fully covered).
Every refusal is a ``WeightsError`` with one sentence naming the problem; tensors of another dtype
than F32 are refused too. Whether the tensors fit a model is checked when the model is loaded.
"""

from __future__ import annotations

import torch
from safetensors import SafetensorError
from safetensors.torch import load

# The library's error text -> our sentence (the library's detail is appended).
_REASONS = (
    ("header too small", "blob is shorter than its safetensors header"),
    ("header too large", "header length is out of range for the blob"),
    ("invalid JSON", "header is not a JSON object of tensor entries (dtype, shape, data_offsets)"),
    ("invalid shape, data type, or offset", "a tensor's bytes do not match its shape and dtype"),
    ("invalid offset", "a tensor's data_offsets leave a hole or overlap another tensor"),
    ("not fully covered", "tensors do not cover the data section exactly"),
)


class WeightsError(ValueError):
    """The weights blob is not a well-formed F32 safetensors file, or does not fit the model."""


def _reason(err: Exception) -> str:
    text = str(err).removeprefix("Error while deserializing: ")
    for fragment, sentence in _REASONS:
        if fragment in text:
            return f"{sentence} ({text})"
    return f"blob is not valid safetensors ({text})"


def load_safetensors(data: bytes) -> dict[str, torch.Tensor]:
    """Every tensor of the blob as a float32 CPU tensor (copies; the blob may be freed)."""
    try:
        tensors = load(bytes(data))
    except (SafetensorError, ValueError) as err:
        raise WeightsError(_reason(err)) from None
    for name, t in tensors.items():
        if t.dtype != torch.float32:
            raise WeightsError(f"tensor {name!r}: dtype {t.dtype} is not F32")
    return tensors
