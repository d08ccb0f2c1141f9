"""Crash-safe per-epoch worker state (JSON, written atomically: temp file, fsync, rename).

Everything the worker must not forget across a kill -9 is written here *before* it acts on it:
the seed secret before MsgCommitSeed, each found nonce before its batch is broadcast, the search
cursor after each chunk. The chain stays the authority on what was actually submitted.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

KEEP_EPOCHS = 3


@dataclass
class InFlight:
    """A broadcast tx whose inclusion is not known yet."""

    tx_hash: str
    height: int  # height seen when it was broadcast
    nonces: list[int] = field(default_factory=list)


@dataclass
class EpochState:
    epoch: int
    secret: str = ""  # hex; written before the commit is broadcast
    cursor: int = 0  # next nonce to search
    found: dict[str, int] = field(default_factory=dict)  # nonce (decimal string) -> distance_micro
    in_flight: list[InFlight] = field(default_factory=list)
    commit_tx: InFlight | None = None
    reveal_tx: InFlight | None = None
    votes: dict[str, str] = field(default_factory=dict)  # prover -> tx hash
    submitted_txs: list[str] = field(default_factory=list)  # every batch tx hash broadcast OK
    fabricated: int = 0  # cheat modes only (test flags)

    def found_nonces(self) -> dict[int, int]:
        return {int(n): d for n, d in self.found.items()}


def _epoch_from_dict(raw: dict) -> EpochState:
    state = EpochState(**{k: v for k, v in raw.items() if k not in ("in_flight", "commit_tx", "reveal_tx")})
    state.in_flight = [InFlight(**x) for x in raw.get("in_flight", [])]
    state.commit_tx = InFlight(**raw["commit_tx"]) if raw.get("commit_tx") else None
    state.reveal_tx = InFlight(**raw["reveal_tx"]) if raw.get("reveal_tx") else None
    return state


class StateFile:
    """The worker's state at `path`; `epoch(n)` creates the entry on first use."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.epochs: dict[int, EpochState] = {}
        if self.path.exists():
            raw = json.loads(self.path.read_text())
            self.epochs = {int(k): _epoch_from_dict(v) for k, v in raw.get("epochs", {}).items()}

    def epoch(self, number: int) -> EpochState:
        if number not in self.epochs:
            self.epochs[number] = EpochState(number)
            for old in sorted(self.epochs)[:-KEEP_EPOCHS]:
                del self.epochs[old]
        return self.epochs[number]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        data = {"epochs": {str(k): asdict(v) for k, v in sorted(self.epochs.items())}}
        with open(tmp, "w") as fh:
            json.dump(data, fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
