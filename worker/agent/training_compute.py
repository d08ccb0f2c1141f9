"""TrainingCompute: the torch side of the TrainingAgent (runs in its background lanes).

    train(job, config, start, segments, ...)   the prover: train segment after segment from a state,
                                               keep every interval state on disk, upload each
                                               segment's end state, hand back what to commit
    reveal(job, segment, ips, root)            the prover: leaves + audit paths of a sampled segment,
                                               the revealed states uploaded first
    check(job, config, segment)                a verifier: re-execute each sampled interval in fp32,
                                               distances to the claimed end weights

Blobs are fetched by hash (verified by the blob client) and uploaded with the worker key; the
dataset and the base model come from the node's blob service (the genesis tiny-lm is regenerated
from its init seed when no node holds its blob). Precision and cheats are the worker's flags.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Callable

from sprint.training.v1 import training_pb2 as tpb, tx_pb2 as ttx

from worker.agent.training_plan import StateRef, loss_micro, reveal_leaves, sampled_end, sampled_start
from worker.agent.training_store import TrainingStore


class Cancelled(Exception):
    """The job left this host (re-assigned, finished) while it was training."""


class MissingState(Exception):
    """A state the prover must reveal is not on this host's disk any more."""


@dataclass(frozen=True)
class SegmentResult:
    """A trained segment, ready to commit (its end state already uploaded)."""

    job_id: int
    segment: int
    root: bytes
    losses_micro: tuple[int, ...]
    end_weights_sha256: str
    end_optim_sha256: str
    end_weights_size: int
    end_optim_size: int

    def message(self, worker: str) -> ttx.MsgCommitTrainingSegment:
        return ttx.MsgCommitTrainingSegment(
            worker=worker, job_id=self.job_id, segment=self.segment, root=self.root,
            losses_micro=list(self.losses_micro), end_weights_sha256=self.end_weights_sha256,
            end_optim_sha256=self.end_optim_sha256, end_weights_size=self.end_weights_size,
            end_optim_size=self.end_optim_size)


def _merkle():
    from chain.modules.training import merkle

    return merkle


def leaf(job_id: int, interval: int, data: tuple[str, str, int]) -> bytes:
    """The §4 leaf hash of `interval` from its (weights_sha256, optim_sha256, loss_micro)."""
    return _merkle().leaf_hash(job_id, interval, data[0], data[1], data[2])


class TrainingCompute:
    def __init__(self, fetch_blob: Callable[[str], bytes], put_blob: Callable[[bytes], str], store: TrainingStore,
                 *, device: str = "cpu", precision: str = "fp32", cheat=None, echo=print):
        self.fetch_blob, self.put_blob, self.store = fetch_blob, put_blob, store
        self.device, self.precision, self.cheat, self.echo = device, precision, cheat, echo
        self._lock = threading.Lock()  # both lanes share the dataset cache
        self._datasets: dict[str, bytes] = {}

    # ------------------------------------------------------------------ inputs

    def dataset(self, sha256: str) -> bytes:
        with self._lock:
            if sha256 not in self._datasets:
                self._datasets = {sha256: self.fetch_blob(sha256)}  # one dataset cached at a time
            return self._datasets[sha256]

    def base_weights(self, model) -> bytes:
        """The registered base model's weights blob (regenerated from its init seed when no node has it)."""
        try:
            return self.fetch_blob(model.weights_sha256)
        except Exception:
            if not model.init_seed:
                raise
            from genesis.tiny_lm import generate_tiny_lm
            from worker.inference.model import config_dict

            data = generate_tiny_lm(model.init_seed, config_dict(model.config))
            if hashlib.sha256(data).hexdigest() != model.weights_sha256:
                raise
            return data

    def state_bytes(self, job_id: int, ref: StateRef, base: Callable[[], bytes]) -> tuple[bytes, bytes | None]:
        """(weights, optim or None for fresh) of `ref`: the base model, this host's disk, or blobs."""
        if ref.interval < 0:
            return base(), None
        local = self.store.state(job_id, ref.interval, ref.weights_sha256, ref.optim_sha256)
        if local is not None:
            return local
        weights = self.fetch_blob(ref.weights_sha256)
        return weights, (self.fetch_blob(ref.optim_sha256) if ref.optim_sha256 else None)

    # ------------------------------------------------------------------ prover: training

    def train(self, job, config, start: tuple[bytes, bytes | None], segments: list[tuple[int, int, int]],
              emit: Callable[[SegmentResult], None], cancelled: Callable[[], bool]) -> None:
        """Train `segments` [(index, first interval, count)] in order from the `start` state, emitting
        each segment's result as soon as its end state is uploaded. Raises Cancelled."""
        from worker.training.state import load_state

        data = self.dataset(job.dataset_sha256)
        model, optimizer = load_state(config, start[0], start[1], job.hyper, self.device)
        previous_loss = 0
        for index, first, count in segments:
            started = time.monotonic()
            leaves = []
            for k in range(first, first + count):
                if cancelled():
                    raise Cancelled(f"job {job.id} left this host")
                previous_loss, hashes = self._interval(job, model, optimizer, data, k, previous_loss)
                leaves.append(leaf(job.id, k, (*hashes, previous_loss)))
            emit(self._finish(job, index, first, count, leaves))
            self.echo(f"training job {job.id}: segment {index} ({count} intervals) trained in "
                      f"{time.monotonic() - started:.1f}s, loss {previous_loss / 1e6:.3f}")

    def _interval(self, job, model, optimizer, data, k: int, previous_loss: int):
        from worker.training.state import optim_bytes, weights_bytes
        from worker.training.trainer import train_interval

        losses = train_interval(model, optimizer, data, bytes(job.data_seed), job.hyper, k,
                                precision=self.precision, cheat=self.cheat)
        loss = loss_micro(losses) if losses else previous_loss  # a skipped interval repeats the last loss
        hashes = self.store.put_state(job.id, k, weights_bytes(model), optim_bytes(model, optimizer), loss)
        return loss, hashes

    def _finish(self, job, index: int, first: int, count: int, leaves: list[bytes]) -> SegmentResult:
        last = first + count - 1
        weights, optim = self.store.state(job.id, last)
        self.put_blob(weights)
        self.put_blob(optim)
        kept = self.store.leaves(job.id)
        return SegmentResult(job.id, index, _merkle().merkle_root(leaves),
                             tuple(kept[k][2] for k in range(first, first + count)),
                             kept[last][0], kept[last][1], len(weights), len(optim))

    # ------------------------------------------------------------------ prover: reveals

    def reveal(self, job, segment, ips: int) -> ttx.MsgRevealTrainingStates:
        """The reveal of a SAMPLED segment (states uploaded first). MissingState when this host no
        longer has a leaf or state it needs (it cannot reveal; the chain will call that fraud)."""
        leaves = self.store.leaves(job.id)
        reveals = []
        for k in reveal_leaves(job, segment):
            first = (k // ips) * ips
            count = min(ips, job.intervals - first)
            if any(j not in leaves for j in range(first, first + count)):
                raise MissingState(f"job {job.id}: leaves of intervals {first}..{first + count - 1} are gone")
            hashes = [leaf(job.id, j, leaves[j]) for j in range(first, first + count)]
            state = self.store.state(job.id, k, leaves[k][0], leaves[k][1])
            if state is None:
                raise MissingState(f"job {job.id}: the state after interval {k} is gone")
            for blob in state:
                self.put_blob(blob)
            reveals.append(tpb.StateReveal(interval=k, weights_sha256=leaves[k][0], optim_sha256=leaves[k][1],
                                           loss_micro=leaves[k][2], proof=_merkle().audit_path(hashes, k - first)))
        return ttx.MsgRevealTrainingStates(job_id=job.id, segment=segment.index, reveals=reveals)

    # ------------------------------------------------------------------ verifier

    def check(self, job, config, segment, base: Callable[[], bytes]) -> list[int]:
        """Distance (ppm) of each sampled interval's claimed end weights to this host's fp32
        re-execution from the revealed start state."""
        from worker.training.verify import distance_ppm, reexecute_interval

        data = self.dataset(job.dataset_sha256)
        distances = []
        for k in segment.sampled_intervals:
            start = sampled_start(job, segment, k, "")
            weights, optim = self.state_bytes(job.id, start, base) if start.interval >= 0 else (base(), None)
            claimed = self.fetch_blob(sampled_end(segment, k).weights_sha256)
            mine = reexecute_interval(config, weights, optim, data, bytes(job.data_seed), job.hyper, k,
                                      precision="fp32", device=self.device)
            distances.append(distance_ppm(weights, mine, claimed))
        return distances
