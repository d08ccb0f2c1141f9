"""DilocoAgent: a host's duties in multi-host DiLoCo jobs, one step per block (docs/diloco.md).

    inner    each OPEN round this host is expected in: k inner steps from the agreed theta_u and its
             own optimizer state (the chain's DilocoWorker.optim_sha256) on its rank's shard, Delta
             and end optimizer uploaded, MsgCommitDilocoRound before the deadline
    outer    each OUTER round it contributed to: the exact outer step over every contribution's Delta
             (rank order), theta_{u+1} and m_{u+1} uploaded, MsgCommitDilocoOuter
    reveal   checked rounds of its own in the sampled-interval mode (REVEALING): upload the sampled
             intervals' states kept since the inner round, MsgRevealDilocoRound with audit paths
    vote     checked rounds whose committee (or re-verification voters) holds this host: re-execute
             the checked worker's round (or its sampled intervals) in fp32, MsgVoteDilocoRound with
             the distance

The chain is the only state that matters: every task's inputs are hashes read from the job, and
every blob it produces is uploaded to the node and kept in the job's folder on disk (DilocoStore:
pruned to what the job may still need, dropped when the job is over). After a
kill -9 the agent reads the job again and redoes whatever has not landed (a round it can no longer
make is a miss; it rejoins the next one from the agreed theta and its last accepted optimizer).
Torch runs in three bounded background lanes (one thread each); `step_jobs` never blocks on it.
"""

from __future__ import annotations

import logging

from worker.agent import diloco_plan as plan
from worker.agent.training_agent import IN_FLIGHT_BLOCKS, MAX_FAILURES, VERDICT_NAME, Lane

log = logging.getLogger("sprint.worker.diloco")


class DilocoAgent:
    """Per-block DiLoCo work of one host (`compute` is a DilocoCompute)."""

    def __init__(self, sender, operator: str, worker: str, compute, *, echo=print):
        self.sender, self.operator, self.worker, self.compute, self.echo = sender, operator, worker, compute, echo
        self.inner_lane, self.outer_lane = Lane("diloco-inner"), Lane("diloco-outer")
        self.check_lane = Lane("diloco-check")
        self._ready: dict[tuple, object] = {}  # task key -> message to send
        self._sent: dict[tuple, int] = {}
        self._failures: dict[tuple, int] = {}
        self.sent = {"inner": 0, "outer": 0, "vote": 0, "reveal": 0}

    def step_jobs(self, height: int, jobs: list) -> None:
        """This block's DiLoCo work for the active training `jobs` (others are ignored)."""
        self._collect()
        live = [j for j in jobs if plan.is_diloco(j)]
        for job in live:
            self._inner(job, height)
            self._outer(job, height)
            for rnd in plan.reveals_due(job, self.operator):
                self._reveal(job, rnd, height)
            for rnd, kind in plan.votes_due(job, self.operator):
                self._vote(job, rnd, kind, height)
        self._forget({j.id for j in live})
        self._tidy(live)

    # ------------------------------------------------------------------ duties

    def _inner(self, job, height: int) -> None:
        rnd = plan.inner_due(job, self.operator)
        if rnd is None or height >= rnd.deadline:  # a tx sent now lands after the deadline
            return
        me = plan.my_worker(job, self.operator)
        key = plan.inner_key(job, rnd, me)
        what = f"DiLoCo job {job.id}: round {rnd.index} contribution (rank {me.rank})"
        if self._deliver(key, height, what) or self.inner_lane.busy(key) or self._given_up(key):
            return
        if any(k[1] == job.id for k in self.inner_lane.tasks):
            return  # an older round of this job is still training: it finishes first (bounded lane)
        cheat = self.compute.training.cheat
        self.echo(f"DiLoCo job {job.id}: round {rnd.index} inner steps (rank {me.rank}"
                  f"{', CHEAT ' + cheat.mode if cheat else ''})")
        self.inner_lane.submit(key, self.compute.inner, job, rnd, me)

    def _outer(self, job, height: int) -> None:
        rnd = plan.outer_due(job, self.operator)
        if rnd is None:
            return
        key = plan.outer_key(job, rnd)
        if self._deliver(key, height, f"DiLoCo job {job.id}: round {rnd.index} outer step"):
            return
        if not self.outer_lane.busy(key) and not self._given_up(key):
            self.outer_lane.submit(key, self.compute.outer, job, rnd)

    def _reveal(self, job, rnd, height: int) -> None:
        if height >= rnd.reveal_deadline:  # a tx sent now lands after the deadline
            return
        key = plan.reveal_key(job, rnd)
        if self._deliver(key, height, f"DiLoCo job {job.id}: round {rnd.index} reveal"):
            return
        if not self.outer_lane.busy(key) and not self._given_up(key):
            self.outer_lane.submit(key, self.compute.reveal, job, rnd)

    def _vote(self, job, rnd, kind: str, height: int) -> None:
        deadline = plan.vote_deadline(rnd, kind)
        if deadline and height > deadline:
            return
        key = plan.vote_key(job, rnd, kind)
        msg = self._ready.get(key)
        what = (f"DiLoCo job {job.id}: {kind} vote {VERDICT_NAME.get(msg.verdict, msg.verdict)} on round "
                f"{rnd.index} (distance {msg.distance_ppm} ppm)") if msg is not None else ""
        if self._deliver(key, height, what) or self.check_lane.busy(key) or self._given_up(key):
            return
        self.check_lane.submit(key, self.compute.check, job, rnd)

    # ------------------------------------------------------------------ results -> txs

    def _collect(self) -> None:
        for lane in (self.inner_lane, self.outer_lane, self.check_lane):
            for key, future in lane.finished():
                try:
                    msg = future.result()
                except Exception as err:  # noqa: BLE001 - a task failure must not stop the agent
                    self._failures[key] = self._failures.get(key, 0) + 1
                    log.warning("DiLoCo task %s failed", key, exc_info=err)
                    self.echo(f"DiLoCo task {key[:3]} failed ({type(err).__name__}: {err})")
                    continue
                msg.worker = self.worker
                self._ready[key] = msg

    def _deliver(self, key: tuple, height: int, what: str) -> bool:
        """Send the finished task's message (once per IN_FLIGHT_BLOCKS); True when it was ready."""
        msg = self._ready.get(key)
        if msg is None:
            return False
        sent = self._sent.get(key)
        if (sent is not None and height - sent < IN_FLIGHT_BLOCKS) or self._given_up(key):
            return True
        try:
            tx_hash, code, text = self.sender.send([msg])
        except Exception as err:  # noqa: BLE001 - a node error: try again next block
            tx_hash, code, text = "", -1, str(err)
        if code != 0:
            self.sender.reset()
            self._failures[key] = self._failures.get(key, 0) + 1
            self.echo(f"height {height}: {what}: refused ({text})")
            return True
        self._sent[key] = height
        self.sent[key[0]] += 1
        self.echo(f"height {height}: {what}: sent {tx_hash[:12]}")
        return True

    def _given_up(self, key: tuple) -> bool:
        return self._failures.get(key, 0) >= MAX_FAILURES

    def _forget(self, active: set[int]) -> None:
        """Bound memory: drop results, sends and failures of jobs no longer active."""
        for table in (self._ready, self._sent, self._failures):
            for key in [k for k in table if k[1] not in active]:
                del table[key]

    def _busy(self, job_id: int) -> bool:
        return any(k[1] == job_id for lane in (self.inner_lane, self.outer_lane, self.check_lane) for k in lane.tasks)

    def _tidy(self, live: list) -> None:
        """Bound the disk: drop folders of jobs no longer active, prune the others to plan.kept_blobs
        (never while a task of the job may be reading or writing them)."""
        store = getattr(self.compute, "store", None)
        if store is None:
            return
        jobs = {j.id: j for j in live}
        for job_id in store.job_ids():
            if self._busy(job_id):
                continue
            if job_id not in jobs:
                store.drop_job(job_id)
            else:
                keep = plan.kept_blobs(jobs[job_id], self.operator) | self._revealable(store, jobs[job_id])
                store.prune(job_id, keep)

    def _revealable(self, store, job) -> set[str]:
        """State blobs of this host's contributions that a sampled-interval check may still open."""
        keep = set()
        for root in plan.revealable_roots(job, self.operator):
            for row in store.leaves(job.id, root) or []:
                keep.update((row["weights_sha256"], row["optim_sha256"]))
        return keep

    def close(self) -> None:
        for lane in (self.inner_lane, self.outer_lane, self.check_lane):
            lane.shutdown()
