"""The worker's training flags, parsed without importing torch: `--precision` and the test-only
training cheats of `--cheat` (worker/training/cheats.py implements them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Same names as worker.training.cheats.CHEATS (tests/unit/worker/test_training_agent.py checks).
TRAINING_CHEATS = ("skip-intervals", "truncated-batch", "stale-gradient", "noise", "low-precision")
PRECISIONS = ("auto", "fp32", "bf16")
_SPEC = re.compile(r"([a-z-]+)(?:[: ]\s*(\d{1,3}(?:\.\d+)?)%?)?")


@dataclass(frozen=True)
class TrainingCheatSpec:
    mode: str
    fraction_ppm: int = 1_000_000

    def build(self):
        """The worker.training.cheats.Cheat to train with (imports torch)."""
        from worker.training.cheats import Cheat

        return Cheat(self.mode, self.fraction_ppm)


def parse_training_cheat(text: str | None) -> TrainingCheatSpec | None:
    """'noise', 'skip-intervals 30%', 'skip-intervals:30%' -> TrainingCheatSpec (100% by default);
    None when `text` is empty or names no training cheat (it may be a Sprint or inference cheat).
    ValueError for a training cheat with a bad percentage."""
    if not text:
        return None
    match = _SPEC.fullmatch(text.strip().lower())
    if match is None or match.group(1) not in TRAINING_CHEATS:
        return None
    percent = float(match.group(2)) if match.group(2) is not None else 100.0
    if not 0 < percent <= 100:
        raise ValueError(f"--cheat {text!r}: the percentage must be in (0, 100]")
    return TrainingCheatSpec(match.group(1), int(round(percent * 10_000)))


def resolve_precision(name: str, device: str) -> str:
    """'auto' -> bf16 on CUDA, fp32 elsewhere; 'fp32'/'bf16' as given (bf16 = autocast with fp32
    master weights and optimizer state, an honest precision)."""
    if name == "auto":
        return "bf16" if device.startswith("cuda") else "fp32"
    if name not in PRECISIONS:
        raise ValueError(f"unknown training precision {name!r}: use auto, fp32 or bf16")
    return name
