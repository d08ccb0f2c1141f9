"""TrainingAgent: a host worker's training duties, one step per block (docs/training.md).

    prove    for a TRAINING job whose host is this operator: train its segments one after another
             (from the base model, its resume state, or the last committed end state), keep every
             interval state on disk, upload each segment's end state and send
             MsgCommitTrainingSegment before the segment deadline
    reveal   for this host's SAMPLED segments: upload the sampled states, send the leaves and audit
             paths (MsgRevealTrainingStates)
    vote     for REVEALED segments whose committee holds this host, and REVERIFYING segments of
             other provers: re-execute the sampled intervals in fp32, vote on the distances
    clean    states of passed segments, and whole jobs that finished or moved away, leave the disk

The torch work runs in two bounded background lanes (one thread each: training; reveals and
checks), so the Sprint and inference keep their windows: `step` only reads the chain, starts
tasks, collects finished ones and sends their txs through the worker's one TxSender. The chain is
the authority: after a kill -9 the agent reads what landed and resumes from the last committed
segment (its own state on disk, or the blobs) -- what cannot make a deadline is simply missed and
the chain re-assigns the job.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import grpc
from sprint.inference.v1 import inference_pb2 as ipb
from sprint.training.v1 import tx_pb2 as ttx

from abci_app.client import NodeError
from worker.agent import training_plan as plan
from worker.agent.training_compute import Cancelled, MissingState, SegmentResult, TrainingCompute
from worker.agent.training_store import TrainingStore
from worker.metrics import WorkerMetrics

log = logging.getLogger("sprint.worker.training")

IN_FLIGHT_BLOCKS = 6  # a sent tx counts as pending this many blocks before it is sent again
MAX_FAILURES = 3  # a task failing this often for the same (job, segment) is given up
PARAMS_REFRESH_BLOCKS = 100
VERDICT_NAME = {ipb.VERDICT_VALID: "VALID", ipb.VERDICT_INVALID: "INVALID"}


class Lane:
    """One background thread running keyed tasks; at most one task per key."""

    def __init__(self, name: str):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self.tasks: dict[tuple, Future] = {}

    def busy(self, key: tuple) -> bool:
        return key in self.tasks

    def submit(self, key: tuple, fn, *args) -> None:
        self.tasks[key] = self._pool.submit(fn, *args)

    def finished(self) -> list[tuple[tuple, Future]]:
        """Tasks that have ended (removed from the lane)."""
        done = [(k, f) for k, f in self.tasks.items() if f.done()]
        for key, _ in done:
            del self.tasks[key]
        return done

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class TrainingAgent:
    """Per-block training work of one host (`compute` does the torch work)."""

    def __init__(self, view, models, sender, operator: str, worker: str, store: TrainingStore,
                 compute: TrainingCompute, *, echo=print, metrics: WorkerMetrics | None = None):
        self.view, self.models, self.sender = view, models, sender
        self.operator, self.worker, self.store, self.compute = operator, worker, store, compute
        self.echo = echo
        self.metrics = metrics if metrics is not None else WorkerMetrics()
        self.train_lane, self.check_lane = Lane("training"), Lane("training-check")
        self._results: queue.Queue[SegmentResult] = queue.Queue()
        self._ready: dict[tuple[int, int], SegmentResult] = {}  # (job, segment) -> result to commit
        self._cancel: dict[int, threading.Event] = {}
        self._sent: dict[tuple, int] = {}  # (kind, job, segment) -> height it was sent at
        self._failures: dict[tuple, int] = {}
        self._params, self._params_height = None, -PARAMS_REFRESH_BLOCKS
        self.committed = self.revealed = self.voted = 0
        self.disabled = False
        self.diloco = None  # a DilocoAgent (multi-host jobs, docs/diloco.md) stepped with the same jobs

    def params(self, height: int):
        if self._params is None or height - self._params_height >= PARAMS_REFRESH_BLOCKS:
            self._params, self._params_height = self.view.params(), height
        return self._params

    # ------------------------------------------------------------------ per block

    def step(self, height: int, epoch=None, done=lambda: False) -> None:  # noqa: ARG002 - hook signature
        """This block's training work after block `height` (never blocks on torch). A node error is
        reported and the work waits for the next block: it must not cost the Sprint its search."""
        if self.disabled:
            return
        try:
            self._step(height)
        except NodeError as err:
            if err.code == grpc.StatusCode.UNIMPLEMENTED:  # a node without the training module
                self.disabled = True
            self.echo(f"height {height}: training: {err}{' (training off)' if self.disabled else ''}")

    def _step(self, height: int) -> None:
        ips = self.params(height).intervals_per_segment
        self._collect(height)
        jobs = self.view.active_jobs()
        for job in jobs:
            if plan.is_prover(job, self.operator):
                self._prove(job, ips, height)
            for segment in plan.reveals_due(job, self.operator):
                self._reveal(job, segment, ips, height)
            for segment, kind in plan.votes_due(job, self.operator):
                self._vote(job, segment, kind, height)
        self._clean(jobs, ips)
        if self.diloco is not None:
            self.diloco.step_jobs(height, jobs)

    # ------------------------------------------------------------------ prover

    def _prove(self, job, ips: int, height: int) -> None:
        nxt = plan.next_segment(job, ips)
        if nxt is None:
            return
        ready = self._ready.get((job.id, nxt))
        if ready is not None:
            self._send(("commit", job.id, nxt), ready.message(self.worker), height,
                       f"training job {job.id}: commit segment {nxt}")
            return
        if self._training(job.id) or self._given_up(("train", job.id, nxt)):
            return
        if height >= job.segment_deadline:
            return  # too late for this segment: the chain re-assigns the job
        cancel = self._cancel.setdefault(job.id, threading.Event())
        cancel.clear()
        self.train_lane.submit(("train", job.id, nxt), self._train_task, job, ips, nxt, cancel)
        self.echo(f"training job {job.id}: training segments {nxt}..{job.segments - 1} "
                  f"({self.compute.precision}{', CHEAT ' + self.compute.cheat.mode if self.compute.cheat else ''})")

    def _train_task(self, job, ips: int, first_segment: int, cancel: threading.Event) -> None:
        info = self.models(job.base_model)
        base = lambda: self.compute.base_weights(info)  # noqa: E731
        ref = plan.start_of_segment(job, ips, first_segment, info.weights_sha256)
        start = self.compute.state_bytes(job.id, ref, base)
        segments = [(s, *plan.segment_bounds(job, ips, s)) for s in range(first_segment, job.segments)]
        self.compute.train(job, info.config, start, segments, self._results.put, cancel.is_set)

    # ------------------------------------------------------------------ reveals and votes

    def _reveal(self, job, segment, ips: int, height: int) -> None:
        key = ("reveal", job.id, segment.index, segment.host)
        if self.check_lane.busy(key) or self._in_flight(key, height) or self._given_up(key):
            return
        if height >= segment.reveal_deadline:
            return
        self.check_lane.submit(key, self.compute.reveal, job, segment, ips)

    def _vote(self, job, segment, kind: str, height: int) -> None:
        key = ("vote", job.id, segment.index, kind, segment.host)  # a re-assigned index is another segment
        if self.check_lane.busy(key) or self._in_flight(key, height) or self._given_up(key):
            return
        deadline = segment.vote_deadline if kind == "committee" else segment.reverification.deadline_height
        if deadline and height >= deadline:
            return
        self.check_lane.submit(key, self._check_task, job, segment)

    def _check_task(self, job, segment) -> ttx.MsgVoteTrainingSegment:
        info = self.models(job.base_model)
        distances = self.compute.check(job, info.config, segment, lambda: self.compute.base_weights(info))
        return ttx.MsgVoteTrainingSegment(job_id=job.id, segment=segment.index,
                                          verdict=plan.verdict(distances, job.tolerance_ppm), distances_ppm=distances)

    # ------------------------------------------------------------------ results -> txs

    def _collect(self, height: int) -> None:
        while True:
            try:
                result = self._results.get_nowait()
            except queue.Empty:
                break
            self._ready[(result.job_id, result.segment)] = result
        for key, future in self.train_lane.finished() + self.check_lane.finished():
            try:
                answer = future.result()
            except Cancelled as err:
                self.echo(f"training: {err}")
                continue
            except (MissingState, Exception) as err:  # noqa: BLE001 - a task failure must not stop the agent
                self._failed(key, err)
                continue
            if key[0] in ("reveal", "vote"):
                self._send_answer(key, answer, height)

    def _send_answer(self, key: tuple, msg, height: int) -> None:
        msg.worker = self.worker
        if key[0] == "reveal":
            what = f"training job {key[1]}: reveal segment {key[2]} ({len(msg.reveals)} states)"
        else:
            what = (f"training job {key[1]}: {key[3]} vote {VERDICT_NAME.get(msg.verdict, msg.verdict)} on "
                    f"segment {key[2]} (distances ppm {list(msg.distances_ppm)})")
        self._send(key, msg, height, what)

    def _failed(self, key: tuple, err: Exception) -> None:
        self._failures[key] = self._failures.get(key, 0) + 1
        log.warning("training task %s failed", key, exc_info=err)
        self.echo(f"training task {key} failed ({type(err).__name__}: {err})")

    def _training(self, job_id: int) -> bool:
        return any(k[0] == "train" and k[1] == job_id for k in self.train_lane.tasks)

    def _given_up(self, key: tuple) -> bool:
        return self._failures.get(key, 0) >= MAX_FAILURES

    def _in_flight(self, key: tuple, height: int) -> bool:
        sent = self._sent.get(key)
        return sent is not None and height - sent < IN_FLIGHT_BLOCKS

    def _send(self, key: tuple, msg, height: int, what: str) -> None:
        if self._in_flight(key, height) or self._given_up(key):
            return
        try:
            tx_hash, code, text = self.sender.send([msg])
        except NodeError as err:
            tx_hash, code, text = "", -1, str(err)
        if code != 0:
            self.sender.reset()
            self.echo(f"height {height}: {what}: refused ({text})")
            self._failures[key] = self._failures.get(key, 0) + 1
            return
        self._sent[key] = height
        self.committed += key[0] == "commit"
        self.revealed += key[0] == "reveal"
        self.voted += key[0] == "vote"
        self.echo(f"height {height}: {what}: sent {tx_hash[:12]}")

    # ------------------------------------------------------------------ disk and memory bounds

    def _clean(self, jobs: list, ips: int) -> None:
        """Forget what the chain no longer needs: cancel training of jobs that left this host, drop
        kept states of passed segments and whole folders of finished jobs."""
        active = {j.id: j for j in jobs}
        for job_id, event in list(self._cancel.items()):
            job = active.get(job_id)
            if job is None or not plan.is_prover(job, self.operator):
                event.set()
                if not self._training(job_id):
                    del self._cancel[job_id]
        for key in [k for k in self._ready if not self._still_due(active.get(k[0]), k[1], ips)]:
            del self._ready[key]
        for job_id in self.store.job_ids():
            job = active.get(job_id)
            mine = job is not None and any(s.host == self.operator for s in plan.live_segments(job))
            if job is None or not (mine or plan.is_prover(job, self.operator)):
                if not any(k[1] == job_id for k in list(self.train_lane.tasks) + list(self.check_lane.tasks)):
                    self.store.drop_job(job_id)
            elif not self._training(job_id):  # a training task is writing this folder now
                self.store.prune(job_id, plan.needed_intervals(job, ips, self.operator) | self._uncommitted(job, ips))
        for key in [k for k, h in self._sent.items() if k[1] not in active]:
            del self._sent[key]

    def _still_due(self, job, segment: int, ips: int) -> bool:
        """Whether a trained `segment` of `job` may still be committed by this host."""
        if job is None or not plan.is_prover(job, self.operator):
            return False
        nxt = plan.next_segment(job, ips)
        return nxt is not None and nxt <= segment

    def _uncommitted(self, job, ips: int) -> set[int]:
        """Intervals of trained segments still waiting to be committed (and the state before each)."""
        keep = set()
        for job_id, segment in self._ready:
            if job_id == job.id:
                first, count = plan.segment_bounds(job, ips, segment)
                keep.update(range(max(0, first - 1), first + count))
        return keep

    def close(self) -> None:
        for event in self._cancel.values():
            event.set()
        self.train_lane.shutdown()
        self.check_lane.shutdown()
        if self.diloco is not None:
            self.diloco.close()


def attach(sprint_agent, node_address: str, sprint_state_path: str | Path, *, device: str = "cpu",
           precision: str = "fp32", cheat=None, cache_dir: str | Path | None = None, echo=print,
           data_parallel=None) -> TrainingAgent:
    """A TrainingAgent sharing `sprint_agent`'s tx sender, set as its per-block training hook; states
    under <state dir>/training/; `data_parallel`: the DiLoCo inner steps' DataParallel plan."""
    from worker import blob_client
    from worker.agent.training_view import TrainingView

    root = Path(sprint_state_path).parent / "training"
    store = TrainingStore(root)
    put = lambda data: blob_client.put(node_address, data, signer=sprint_agent.sender.key,  # noqa: E731
                                       chain_id=sprint_agent.sender.chain_id)
    compute = TrainingCompute(lambda sha: blob_client.fetch(node_address, sha, cache_dir=cache_dir), put, store,
                              device=device, precision=precision, cheat=cheat, echo=echo)
    models = _ModelCache(sprint_agent.view)
    agent = TrainingAgent(TrainingView(sprint_agent.view.client), models, sprint_agent.sender, sprint_agent.operator,
                          sprint_agent.worker, store, compute, echo=echo, metrics=sprint_agent.metrics)
    agent.diloco = _diloco_agent(sprint_agent, compute, models, root.parent / "diloco", node_address, echo,
                                 data_parallel)
    sprint_agent.training = agent
    return agent


def _diloco_agent(sprint_agent, compute: TrainingCompute, models, root: Path, node_address: str, echo,
                  data_parallel=None):
    """The DilocoAgent beside the training agent: same sender, uploads, datasets, precision and cheat;
    its blobs per job under <state dir>/diloco/ (they survive a restart)."""
    from worker import blob_client
    from worker.agent.diloco_agent import DilocoAgent
    from worker.agent.diloco_compute import DilocoCompute
    from worker.agent.diloco_store import DilocoStore

    diloco = DilocoCompute(compute, models, DilocoStore(root), lambda sha: blob_client.fetch(node_address, sha),
                           data_parallel=data_parallel)
    return DilocoAgent(sprint_agent.sender, sprint_agent.operator, sprint_agent.worker, diloco, echo=echo)


class _ModelCache:
    """Registry entries by name (a registered model never changes); callable from any lane."""

    def __init__(self, view):
        self.view = view
        self._lock = threading.Lock()
        self._models: dict[str, object] = {}

    def __call__(self, name: str):
        with self._lock:
            if name not in self._models:
                info = self.view.model(name)
                if info is None:
                    raise ValueError(f"model {name!r} is not registered")
                self._models[name] = info
            return self._models[name]
