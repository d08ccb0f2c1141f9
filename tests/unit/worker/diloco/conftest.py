"""A small tiny-lm DiLoCo setup shared by the DiLoCo worker tests (4-step intervals, batch 8, seq 64)."""

from __future__ import annotations

import pytest
import torch

from worker.training.corpus import english_corpus
from worker.training.tolerance import Setup, fine_tune_setup


@pytest.fixture(scope="package")
def setup() -> Setup:
    torch.set_num_threads(2)
    return fine_tune_setup(seed=0, interval_steps=4, intervals=8)


@pytest.fixture(scope="package")
def heldout() -> bytes:
    """Text from another corpus seed than the training data."""
    return english_corpus(16_384, seed=99)
