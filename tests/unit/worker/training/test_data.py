"""docs/training.md §3: the batch of step t is a pure function of (data_seed, t)."""

from __future__ import annotations

import hashlib

import pytest
import torch

from worker.training.data import batch_offsets, make_batch
from worker.training.hyper import Hyper, fine_tune_hyper

DATA = bytes(range(256)) * 40


def test_offsets_follow_the_spec_formula(data_seed):
    n, seq = len(DATA), 64
    want = [int.from_bytes(hashlib.sha256(b"sprint/training/batch/v1" + data_seed + (7).to_bytes(8, "big")
                                          + r.to_bytes(4, "big")).digest()[:8], "big") % (n - seq - 1)
            for r in range(5)]
    assert batch_offsets(data_seed, 7, 5, seq, n) == want
    assert batch_offsets(data_seed.hex(), 7, 5, seq, n) == want


def test_batches_are_deterministic_and_shifted(data_seed):
    h = fine_tune_hyper()
    x, y = make_batch(DATA, data_seed, 3, h)
    x2, y2 = make_batch(DATA, data_seed, 3, h)
    assert x.shape == y.shape == (8, 64) and x.dtype == torch.int64
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert torch.equal(x[:, 1:], y[:, :-1])
    for row, off in zip(x, batch_offsets(data_seed, 3, 8, 64, len(DATA))):
        assert bytes(row.tolist()) == DATA[off:off + 64]
    other, _ = make_batch(DATA, data_seed, 4, h)
    assert not torch.equal(x, other)


def test_hyper_from_proto_fields():
    h = Hyper.of({"lr_nano": 1_000_000, "beta1_nano": 900_000_000, "beta2_nano": 999_000_000, "eps_nano": 10,
                  "weight_decay_nano": 10_000_000, "batch_size": 8, "seq_len": 64, "total_steps": 64,
                  "checkpoint_interval": 8})
    assert (h.lr, h.beta1, h.eps, h.intervals, list(h.steps_of(2))) == (1e-3, 0.9, 1e-8, 8, list(range(16, 24)))


def test_too_short_dataset_is_refused(data_seed):
    with pytest.raises(ValueError, match="too short"):
        batch_offsets(data_seed, 0, 1, 64, 65)
