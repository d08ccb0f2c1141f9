"""Round changes Delta = theta_end - theta_u (docs/diloco.md §2) as exact blobs.

The chain-agreed blob is a weights-layout safetensors of F32 ``end - start`` computed elementwise
in fp32, written with worker/training/state.py's deterministic writer (sorted names, no metadata),
so every honest worker with the same end weights writes the same bytes and hash.

Optional bf16 exchange (a transfer format only, never hashed on chain): ``delta_bytes_bf16``
halves the bytes; ``bf16_error`` measures the relative L2 error it introduces.
"""

from __future__ import annotations

import math

import torch
from safetensors.torch import load as st_load

from worker.inference.weights import WeightsError, load_safetensors
from worker.training.state import write_safetensors


def _same_layout(a: dict, b: dict, what: str) -> None:
    if set(a) != set(b):
        raise WeightsError(f"{what}: tensor names differ (missing {sorted(set(a) - set(b))[:4]}, "
                           f"unexpected {sorted(set(b) - set(a))[:4]})")
    for k in sorted(a):
        if a[k].shape != b[k].shape:
            raise WeightsError(f"{what}: tensor {k} has shape {tuple(b[k].shape)}, expected {tuple(a[k].shape)}")


def delta_tensors(start_weights: bytes, end_weights: bytes) -> dict[str, torch.Tensor]:
    """{name: end - start} in fp32 (WeightsError when the two blobs' layouts differ)."""
    start, end = load_safetensors(start_weights), load_safetensors(end_weights)
    _same_layout(start, end, "end weights")
    return {k: torch.sub(end[k], start[k]) for k in start}


def delta_bytes(start_weights: bytes, end_weights: bytes) -> bytes:
    """The F32 Delta blob ``end - start`` of two weights blobs of the same layout."""
    return write_safetensors(delta_tensors(start_weights, end_weights))


def load_delta(delta: bytes, like: dict[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
    """The tensors of an F32 Delta blob; with ``like`` (a layout) it must have exactly its names and
    shapes. WeightsError otherwise."""
    tensors = load_safetensors(delta)
    if like is not None:
        _same_layout(like, tensors, "delta")
    return tensors


def apply_delta(weights: bytes, delta: bytes) -> bytes:
    """The weights blob ``weights + delta`` (fp32 elementwise); WeightsError for a delta that is not
    an F32 blob of the weights' layout."""
    w = load_safetensors(weights)
    d = load_delta(delta, w)
    return write_safetensors({k: torch.add(w[k], d[k]) for k in w})


def delta_bytes_bf16(start_weights: bytes, end_weights: bytes) -> bytes:
    """Delta rounded to bfloat16 (round-to-nearest-even), as a BF16 safetensors blob (half the bytes)."""
    return write_safetensors({k: v.to(torch.bfloat16) for k, v in delta_tensors(start_weights, end_weights).items()})


def load_delta_bf16(blob: bytes) -> dict[str, torch.Tensor]:
    """The fp32 tensors of a BF16 Delta blob (exact widening)."""
    try:
        tensors = st_load(bytes(blob))
    except Exception as err:  # noqa: BLE001 - the library raises several types for a bad blob
        raise WeightsError(f"bf16 delta is not valid safetensors ({err})") from None
    bad = sorted(k for k, v in tensors.items() if v.dtype != torch.bfloat16)
    if bad:
        raise WeightsError(f"bf16 delta: tensors {bad[:4]} are not BF16")
    return {k: v.float() for k, v in tensors.items()}


def bf16_as_f32_bytes(blob: bytes) -> bytes:
    """A received BF16 Delta blob widened to the F32 Delta blob the outer step takes."""
    return write_safetensors(load_delta_bf16(blob))


def relative_l2(approx: dict[str, torch.Tensor], exact: dict[str, torch.Tensor]) -> float:
    """||approx - exact|| / ||exact|| over every element (float64 sums; 0 when exact is all zeros)."""
    num = sum(float((approx[k].double() - exact[k].double()).square().sum()) for k in sorted(exact))
    den = sum(float(exact[k].double().square().sum()) for k in sorted(exact))
    return math.sqrt(num / den) if den > 0 else 0.0


def bf16_error(start_weights: bytes, end_weights: bytes) -> float:
    """Relative L2 error of exchanging this Delta in bf16 instead of fp32."""
    exact = delta_tensors(start_weights, end_weights)
    return relative_l2(load_delta_bf16(delta_bytes_bf16(start_weights, end_weights)), exact)
