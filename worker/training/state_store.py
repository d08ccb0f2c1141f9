"""Interval-end states kept on disk so the prover can reveal them later (bounded, oldest evicted)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class StateStore:
    """``put(k, weights, optim)`` / ``get(k)`` of interval ``k``'s end state under ``directory``.

    At most ``max_states`` states are kept; storing one more evicts the lowest interval. ``prune(n)``
    drops every state of an interval below ``n`` (those of verified segments are no longer needed).
    """

    def __init__(self, directory: str | os.PathLike | None = None, max_states: int = 128):
        if max_states < 1:
            raise ValueError("max_states must be at least 1")
        self.dir = Path(directory) if directory is not None else Path(tempfile.mkdtemp(prefix="sprint-train-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.max_states = max_states
        self._kept: set[int] = {int(p.stem) for p in self.dir.glob("*.weights") if p.stem.isdigit()}

    def _paths(self, interval: int) -> tuple[Path, Path]:
        return self.dir / f"{interval}.weights", self.dir / f"{interval}.optim"

    def put(self, interval: int, weights: bytes, optim: bytes) -> None:
        """Keep interval ``interval``'s end state (written atomically), evicting the oldest if full."""
        for path, blob in zip(self._paths(interval), (weights, optim)):
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(blob)
            os.replace(tmp, path)
        self._kept.add(interval)
        while len(self._kept) > self.max_states:
            self._drop(min(self._kept))

    def get(self, interval: int) -> tuple[bytes, bytes]:
        """(weights, optim) of a kept state; KeyError when it was never kept or was evicted."""
        if interval not in self._kept:
            raise KeyError(f"no kept state for interval {interval}")
        w, o = self._paths(interval)
        return w.read_bytes(), o.read_bytes()

    def __contains__(self, interval: int) -> bool:
        return interval in self._kept

    def prune(self, below: int) -> None:
        """Drop every kept state of an interval < ``below``."""
        for k in [k for k in self._kept if k < below]:
            self._drop(k)

    def _drop(self, interval: int) -> None:
        for path in self._paths(interval):
            path.unlink(missing_ok=True)
        self._kept.discard(interval)
