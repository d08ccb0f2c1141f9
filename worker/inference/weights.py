"""Safe safetensors reader: a JSON header and raw little-endian float32 buffers, nothing else.

Never unpickles: the bytes may come from the network. Every malformed input raises
``WeightsError`` with a one-sentence reason (bad header length, header that is not a JSON object,
dtype other than F32, shapes that are not lists of non-negative ints, offsets out of range, sizes
that do not match the shape, holes or overlaps between tensors).
"""

from __future__ import annotations

import json
import math
import struct
import sys

import torch

MAX_HEADER_BYTES = 1 << 20


class WeightsError(ValueError):
    """The weights blob is not a well-formed F32 safetensors file."""


def parse_header(data: bytes) -> tuple[dict[str, dict], int]:
    """(tensor entries by name, start of the data section); validates layout, not values."""
    if len(data) < 8:
        raise WeightsError("blob is shorter than the 8-byte safetensors header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n == 0 or n > MAX_HEADER_BYTES or 8 + n > len(data):
        raise WeightsError(f"header length {n} is out of range for a {len(data)}-byte blob")
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WeightsError(f"header is not valid UTF-8 JSON: {exc}") from None
    if not isinstance(header, dict):
        raise WeightsError("header is not a JSON object")
    header.pop("__metadata__", None)
    entries = {name: _check_entry(name, entry) for name, entry in header.items()}
    _check_layout(entries, len(data) - 8 - n)
    return entries, 8 + n


def _is_uint(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _check_entry(name: str, entry) -> dict:
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        raise WeightsError(f"tensor {name!r}: entry must have exactly dtype, shape and data_offsets")
    if entry["dtype"] != "F32":
        raise WeightsError(f"tensor {name!r}: dtype {entry['dtype']!r} is not F32")
    shape, offs = entry["shape"], entry["data_offsets"]
    if not isinstance(shape, list) or not all(_is_uint(s) for s in shape):
        raise WeightsError(f"tensor {name!r}: shape must be a list of non-negative integers")
    if not isinstance(offs, list) or len(offs) != 2 or not all(_is_uint(o) for o in offs) or offs[0] > offs[1]:
        raise WeightsError(f"tensor {name!r}: data_offsets must be [begin, end] with 0 <= begin <= end")
    if offs[1] - offs[0] != 4 * math.prod(shape):
        raise WeightsError(f"tensor {name!r}: {offs[1] - offs[0]} bytes do not match shape {shape}")
    return entry


def _check_layout(entries: dict[str, dict], data_len: int) -> None:
    """Tensors must tile the data section exactly: no holes, no overlaps, nothing past the end."""
    pos = 0
    for name, entry in sorted(entries.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        begin, end = entry["data_offsets"]
        if begin != pos:
            raise WeightsError(f"tensor {name!r}: starts at {begin}, expected {pos} (hole or overlap)")
        pos = end
    if pos != data_len:
        raise WeightsError(f"tensors cover {pos} bytes but the data section has {data_len}")


def load_safetensors(data: bytes) -> dict[str, torch.Tensor]:
    """Every tensor of the blob as a float32 CPU tensor (copies; the blob may be freed)."""
    entries, start = parse_header(data)
    out = {}
    for name, entry in entries.items():
        begin, end = entry["data_offsets"]
        raw = bytearray(data[start + begin : start + end])
        t = torch.frombuffer(raw, dtype=torch.float32) if raw else torch.empty(0, dtype=torch.float32)
        if sys.byteorder != "little":
            t = t.view(torch.uint8).view(-1, 4).flip(1).reshape(-1).view(torch.float32)
        out[name] = t.reshape(entry["shape"])
    return out
