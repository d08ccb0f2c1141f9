"""Training one checkpoint interval (docs/training.md §3) and the interval's loss."""

from __future__ import annotations

from worker.training.cheats import Cheat, run_cheated_interval
from worker.training.data import make_batch
from worker.training.hyper import Hyper
from worker.training.steps import train_step


def train_interval(model, optimizer, data: bytes, data_seed, hyper, interval: int, precision: str = "fp32",
                   cheat: Cheat | None = None) -> list[float]:
    """Run the ``checkpoint_interval`` steps of ``interval`` in place; returns the per-step losses.

    With a ``cheat`` that applies to this interval the cheating steps run instead (an empty list
    for skip-intervals: no steps were taken).
    """
    h = Hyper.of(hyper)
    if cheat is not None and cheat.applies(data_seed, interval):
        return run_cheated_interval(model, optimizer, data, data_seed, h, interval, precision, cheat.mode)
    device = next(model.parameters()).device
    return [train_step(model, optimizer, *make_batch(data, data_seed, t, h, device), precision)
            for t in h.steps_of(interval)]


def loss_micro(losses: list[float]) -> int:
    """The interval's loss: round(mean of its step losses x 10^6) (0 for no steps)."""
    if not losses:
        return 0
    return int(round(sum(losses) / len(losses) * 1_000_000))
