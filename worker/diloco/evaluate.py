"""Held-out loss of a weights blob (for tests and the benchmark; nothing on chain uses it).

Fixed windows of a held-out text (offsets drawn like docs/training.md §3 batches with the seed
"sprint/diloco/heldout/v1"), mean cross-entropy over every target, fp32, no gradients.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from worker.inference.weights import load_safetensors
from worker.training.data import batch_offsets
from worker.training.state import build_model

HELDOUT_SEED = b"sprint/diloco/heldout/v1"


def heldout_windows(heldout: bytes, seq_len: int = 64, rows: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """(inputs, targets) of ``rows`` fixed windows of the held-out text."""
    offsets = batch_offsets(HELDOUT_SEED, 0, rows, seq_len, len(heldout))
    w = torch.tensor([list(heldout[o:o + seq_len + 1]) for o in offsets], dtype=torch.long)
    return w[:, :-1], w[:, 1:]


def heldout_loss(config, weights: bytes, windows: tuple[torch.Tensor, torch.Tensor]) -> float:
    """Mean cross-entropy (nats per byte) of the model ``weights`` on ``windows``."""
    model = build_model(config, load_safetensors(weights)).eval()
    x, y = windows
    with torch.no_grad():
        logits = model(x)
        return float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.reshape(-1)))
