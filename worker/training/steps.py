"""One optimizer step of docs/training.md §3 (forward, mean cross-entropy, backward, AdamW step)."""

from __future__ import annotations

import contextlib
import warnings

import torch
import torch.nn.functional as F
import torch.utils.deterministic

PRECISIONS = ("fp32", "bf16")


def autocast(precision: str, device) -> contextlib.AbstractContextManager:
    """fp32: no autocast; bf16: torch.autocast to bfloat16 (fp32 master weights and optimizer)."""
    if precision == "fp32":
        return contextlib.nullcontext()
    if precision == "bf16":
        return torch.autocast(torch.device(device).type, dtype=torch.bfloat16)
    raise ValueError(f"unknown precision {precision!r}: use one of {PRECISIONS}")


@contextlib.contextmanager
def deterministic():
    """torch's deterministic algorithms for the duration (restored after). Without them the
    embedding's index backward accumulates in a thread-dependent order on a multi-core CPU, and
    re-running the same interval on the same machine would not give the same bytes."""
    before, warn_before = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    fill_before = torch.utils.deterministic.fill_uninitialized_memory
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.utils.deterministic.fill_uninitialized_memory = False  # NaN-filling new buffers costs ~3% of a step
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*deterministic.*")
            yield
    finally:
        torch.use_deterministic_algorithms(before, warn_only=warn_before)
        torch.utils.deterministic.fill_uninitialized_memory = fill_before


def forward_backward(model, x: torch.Tensor, y: torch.Tensor, precision: str) -> float:
    """Fresh gradients of the mean cross-entropy over every target of the batch; returns the loss."""
    for p in model.parameters():
        p.grad = None
    with deterministic():
        with autocast(precision, x.device):
            logits = model(x)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.reshape(-1))
        loss.backward()
    return loss.item()


def train_step(model, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, precision: str) -> float:
    """One honest step; returns its loss."""
    loss = forward_backward(model, x, y, precision)
    optimizer.step()
    return loss
