"""Test-only cheats (the worker's ``--cheat`` flag): ways a prover saves work or fakes it.

Each mode runs instead of the honest steps on a seeded fraction of the intervals
(``Cheat.fraction_ppm``; the pick is ``sha256("sprint/training/cheat/v1" || data_seed || be32(k))``):

* ``skip-intervals``: no steps at all -- the state is copied forward (the runner reports the previous
  interval's loss);
* ``truncated-batch``: every step uses only the first half of the batch rows;
* ``stale-gradient``: each step applies the previous step's gradient (kept on the optimizer across
  intervals; the first step after a load applies its own);
* ``noise``: each update is replaced by a random one with the honest update's norm (per tensor);
* ``low-precision``: weights and optimizer moments are stored in bfloat16 for the interval (no fp32
  master copies) -- a cheaper number format than the job allows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import torch

from worker.training.data import make_batch, seed_bytes
from worker.training.hyper import Hyper
from worker.training.steps import forward_backward, train_step

CHEATS = ("skip-intervals", "truncated-batch", "stale-gradient", "noise", "low-precision")
CHEAT_TAG = b"sprint/training/cheat/v1"


@dataclass(frozen=True)
class Cheat:
    """A cheat ``mode`` applied to ``fraction_ppm`` of the intervals (10^6 = every interval)."""

    mode: str
    fraction_ppm: int = 1_000_000

    def __post_init__(self):
        if self.mode not in CHEATS:
            raise ValueError(f"unknown cheat {self.mode!r}: use one of {', '.join(CHEATS)}")
        if not 0 <= self.fraction_ppm <= 1_000_000:
            raise ValueError(f"cheat fraction {self.fraction_ppm} ppm is outside 0..1000000")

    @classmethod
    def parse(cls, text: str) -> "Cheat":
        """``"noise"``, ``"skip-intervals 30%"`` or ``"skip-intervals:30%"`` (default 100%)."""
        mode, _, pct = text.replace(":", " ").partition(" ")
        pct = pct.strip().rstrip("%")
        return cls(mode.strip(), round(float(pct) * 10_000) if pct else 1_000_000)

    def applies(self, data_seed, interval: int) -> bool:
        """Whether interval ``interval`` is cheated (seeded, about fraction_ppm of them)."""
        h = hashlib.sha256(CHEAT_TAG + seed_bytes(data_seed) + interval.to_bytes(4, "big")).digest()
        return int.from_bytes(h[:8], "big") % 1_000_000 < self.fraction_ppm


def _truncated(model, optimizer, batches, precision):
    losses = []
    for x, y in batches:
        half = max(1, x.shape[0] // 2)
        losses.append(train_step(model, optimizer, x[:half], y[:half], precision))
    return losses


def _stale(model, optimizer, batches, precision):
    # The previous gradient survives across intervals on the optimizer (so 1-step intervals cheat too).
    losses, previous = [], getattr(optimizer, "_stale_gradient", None)
    for x, y in batches:
        losses.append(forward_backward(model, x, y, precision))
        current = [p.grad.clone() for p in model.parameters()]
        if previous is not None:
            for p, g in zip(model.parameters(), previous):
                p.grad = g
        optimizer.step()
        previous = current
    optimizer._stale_gradient = previous
    return losses


def _noise(model, optimizer, batches, precision, seeds):
    losses = []
    for (x, y), seed in zip(batches, seeds):
        before = [p.detach().clone() for p in model.parameters()]
        losses.append(train_step(model, optimizer, x, y, precision))
        gen = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for p, b in zip(model.parameters(), before):
                r = torch.randn(p.shape, generator=gen, dtype=torch.float32).to(p.device)
                p.copy_(b + r * ((p - b).norm() / r.norm().clamp_min(1e-30)))
    return losses


def _cast_storage(model, optimizer, dtype):
    for p in model.parameters():
        p.data = p.data.to(dtype)
        st = optimizer.state.get(p)
        for key in ("exp_avg", "exp_avg_sq"):
            if st and key in st:
                st[key] = st[key].to(dtype)


def _low_precision(model, optimizer, batches, precision):
    _cast_storage(model, optimizer, torch.bfloat16)
    try:
        return [train_step(model, optimizer, x, y, "fp32") for x, y in batches]
    finally:
        _cast_storage(model, optimizer, torch.float32)


def run_cheated_interval(model, optimizer, data: bytes, data_seed, hyper, interval: int, precision: str,
                         mode: str) -> list[float]:
    """Run ``interval`` the cheating way; returns the per-step losses ([] for skip-intervals)."""
    h = Hyper.of(hyper)
    if mode == "skip-intervals":
        return []
    device = next(model.parameters()).device
    batches = [make_batch(data, data_seed, t, h, device) for t in h.steps_of(interval)]
    if mode == "truncated-batch":
        return _truncated(model, optimizer, batches, precision)
    if mode == "stale-gradient":
        return _stale(model, optimizer, batches, precision)
    if mode == "noise":
        seeds = [int.from_bytes(hashlib.sha256(CHEAT_TAG + seed_bytes(data_seed) + t.to_bytes(8, "big")).digest()[:8], "big")
                 >> 1 for t in h.steps_of(interval)]
        return _noise(model, optimizer, batches, precision, seeds)
    if mode == "low-precision":
        return _low_precision(model, optimizer, batches, precision)
    raise ValueError(f"unknown cheat {mode!r}")
