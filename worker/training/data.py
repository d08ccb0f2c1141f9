"""The data order of docs/training.md §3: the batch of step t is a pure function of (data_seed, t).

Tokens are the dataset's bytes (the byte-level tokenizer). Row r of step t starts at
``be_uint64(sha256("sprint/training/batch/v1" || data_seed || be64(t) || be32(r))[0:8]) mod (N - seq_len - 1)``;
its inputs are bytes [off, off+seq_len) and its targets the same window shifted by one.
"""

from __future__ import annotations

import hashlib

import torch

from worker.training.hyper import Hyper

BATCH_TAG = b"sprint/training/batch/v1"


def seed_bytes(data_seed: bytes | str) -> bytes:
    """The data seed as bytes (hex strings are decoded)."""
    return bytes.fromhex(data_seed) if isinstance(data_seed, str) else bytes(data_seed)


def batch_offsets(data_seed: bytes | str, step: int, batch_size: int, seq_len: int, n: int) -> list[int]:
    """Start offsets of the ``batch_size`` rows of global step ``step`` in a dataset of ``n`` bytes."""
    span = n - seq_len - 1
    if span <= 0:
        raise ValueError(f"dataset of {n} bytes is too short for seq_len {seq_len} (needs >= seq_len + 2)")
    prefix = BATCH_TAG + seed_bytes(data_seed) + step.to_bytes(8, "big")
    return [int.from_bytes(hashlib.sha256(prefix + r.to_bytes(4, "big")).digest()[:8], "big") % span
            for r in range(batch_size)]


def make_batch(data: bytes, data_seed: bytes | str, step: int, hyper, device="cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs, targets) of step ``step``: two (batch_size, seq_len) int64 tensors on ``device``."""
    h = Hyper.of(hyper)
    offsets = batch_offsets(data_seed, step, h.batch_size, h.seq_len, len(data))
    rows = bytearray().join(data[o:o + h.seq_len + 1] for o in offsets)
    windows = torch.frombuffer(rows, dtype=torch.uint8).view(h.batch_size, h.seq_len + 1).long()
    windows = windows.to(device)
    return windows[:, :-1], windows[:, 1:]
