"""A small tiny-lm fine-tune shared by the training tests (4-step intervals, batch 8, seq 64)."""

from __future__ import annotations

import hashlib

import pytest
import torch

from worker.training.tolerance import Setup, fine_tune_setup, reference_states


@pytest.fixture(scope="package")
def setup() -> Setup:
    torch.set_num_threads(2)
    return fine_tune_setup(seed=0, interval_steps=4, intervals=8)


@pytest.fixture(scope="package")
def states(setup) -> list[tuple[bytes, bytes]]:
    """Start states of intervals 0..4 of the honest fp32 run (index k = before interval k)."""
    return reference_states(setup, 4)


@pytest.fixture
def data_seed() -> bytes:
    return hashlib.sha256(b"test/training/seed").digest()
