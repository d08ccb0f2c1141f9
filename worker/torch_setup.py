"""Torch device and thread choice for the worker."""

from __future__ import annotations


def choose_device(device: str, threads: int) -> str:
    """'auto' -> 'cuda' when a GPU is present else 'cpu'; sets the CPU thread count (0 = all)."""
    import torch

    if threads > 0:
        torch.set_num_threads(threads)
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cpu", "cuda"):
        raise ValueError(f"unknown device {device!r}: use cpu, cuda or auto")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda but torch sees no CUDA GPU; use --device cpu")
    return device
