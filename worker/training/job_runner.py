"""TrainingRun: what the prover's agent commits -- a segment's leaves, root, losses and end state.

A run holds the live (model, optimizer) between segments, so consecutive segments continue without
re-loading (re-loading from the state bytes gives the same bytes; tests check it). Every
interval-end state is kept in a bounded ``StateStore`` for reveals (docs/training.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from chain.modules.training.merkle import leaf_hash, merkle_root
from worker.training.cheats import Cheat
from worker.training.hyper import Hyper
from worker.training.state import fresh_state, load_state, optim_bytes, sha256_hex, weights_bytes
from worker.training.state_store import StateStore
from worker.training.trainer import loss_micro, train_interval


@dataclass(frozen=True)
class Leaf:
    """One interval's committed leaf data (§4) and its leaf hash."""

    interval: int
    weights_sha256: str
    optim_sha256: str
    loss_micro: int
    hash: bytes


@dataclass(frozen=True)
class SegmentResult:
    """A trained segment: its leaves in interval order, the Merkle root and the end state's blobs."""

    first: int
    leaves: list[Leaf]
    root: bytes
    end_weights: bytes
    end_optim: bytes

    @property
    def losses_micro(self) -> list[int]:
        """The segment's per-interval losses (x 10^6), as committed."""
        return [leaf.loss_micro for leaf in self.leaves]


class TrainingRun:
    """One job trained by this worker (honestly, or with a test-only ``cheat``)."""

    def __init__(self, config, base_weights: bytes, data: bytes, data_seed, hyper, job_id: int,
                 precision: str = "fp32", cheat: Cheat | None = None, device="cpu",
                 state_dir=None, max_states: int = 128):
        self.config, self.base_weights, self.data, self.data_seed = config, base_weights, data, data_seed
        self.hyper, self.job_id, self.precision, self.cheat, self.device = Hyper.of(hyper), job_id, precision, cheat, device
        self.store = StateStore(state_dir, max_states)
        self._live = None  # (model, optimizer, next interval, last loss_micro)

    def state(self, interval: int) -> tuple[bytes, bytes]:
        """End state (weights, optim) of ``interval``; -1 is the start: base weights and b"" (fresh)."""
        return (self.base_weights, b"") if interval < 0 else self.store.get(interval)

    def _start(self, first: int, start_weights, start_optim, start_loss: int):
        if start_weights is not None:
            model, opt = load_state(self.config, start_weights, start_optim, self.hyper, self.device)
            return model, opt, start_loss
        if self._live is not None and self._live[2] == first:
            return self._live[0], self._live[1], self._live[3]
        if first == 0:
            return (*fresh_state(self.config, self.base_weights, self.hyper, self.device), start_loss)
        model, opt = load_state(self.config, *self.store.get(first - 1), self.hyper, self.device)
        return model, opt, start_loss

    def run_segment(self, first: int, count: int, start_weights: bytes | None = None,
                    start_optim: bytes | None = None, start_loss_micro: int = 0,
                    on_interval: Callable[[int, int], None] | None = None) -> SegmentResult:
        """Train intervals [first, first+count) and return the segment to commit.

        The start state is ``start_weights``/``start_optim`` when given (e.g. a job resumed from its
        last verified state), else the live state if it is at ``first``, else the kept state of
        ``first - 1`` (the base model and a fresh optimizer for 0). ``on_interval(k, loss_micro)``
        is called after each interval (progress). A skipped interval reports the previous loss.
        """
        model, opt, last_loss = self._start(first, start_weights, start_optim, start_loss_micro)
        leaves, w, o = [], b"", b""
        for k in range(first, first + count):
            losses = train_interval(model, opt, self.data, self.data_seed, self.hyper, k, self.precision, self.cheat)
            last_loss = loss_micro(losses) if losses else last_loss
            w, o = weights_bytes(model), optim_bytes(model, opt)
            self.store.put(k, w, o)
            ws, os_ = sha256_hex(w), sha256_hex(o)
            leaves.append(Leaf(k, ws, os_, last_loss, leaf_hash(self.job_id, k, ws, os_, last_loss)))
            if on_interval is not None:
                on_interval(k, last_loss)
        self._live = (model, opt, first + count, last_loss)
        return SegmentResult(first, leaves, merkle_root([leaf.hash for leaf in leaves]), w, o)
