"""Lookups and small edits on a DiLoCo job's DilocoState (docs/diloco.md): the live round of an
index, the expected workers of a round, workers by host, accepted steps, leaving the job."""

from __future__ import annotations

from sprint.training.v1.training_pb2 import (
    ROUND_CHECK_PASSED, ROUND_CHECK_UNCHECKED, ROUND_STATUS_CLOSED, ROUND_STATUS_OPEN, ROUND_STATUS_ROLLED_BACK,
    DilocoRound, DilocoWorker, TrainingJob,
)

from chain.context import Context
from chain.tx.crypto import decode_address

VERIFIED_CHECKS = (ROUND_CHECK_UNCHECKED, ROUND_CHECK_PASSED)
MISSES_TO_LEAVE = 2


def live_rounds(job: TrainingJob) -> list[DilocoRound]:
    """The rounds not rolled back (one entry per index, ascending)."""
    return [rnd for rnd in job.diloco.rounds_log if rnd.status != ROUND_STATUS_ROLLED_BACK]


def live_round(job: TrainingJob, index: int) -> DilocoRound | None:
    """The live entry of round `index` (a reference into the job)."""
    for rnd in reversed(job.diloco.rounds_log):
        if rnd.index == index and rnd.status != ROUND_STATUS_ROLLED_BACK:
            return rnd
    return None


def current_round(job: TrainingJob) -> DilocoRound | None:
    """The round in progress (None once every round is agreed)."""
    return live_round(job, job.diloco.current_round)


def find_worker(job: TrainingJob, host: str, active_only: bool = True) -> DilocoWorker | None:
    """The (active) worker entry of `host` (bech32 operator)."""
    for worker in job.diloco.workers:
        if worker.host == host and (worker.active or not active_only):
            return worker
    return None


def active_workers(job: TrainingJob) -> list[DilocoWorker]:
    return [worker for worker in job.diloco.workers if worker.active]


def expected_workers(job: TrainingJob, rnd: DilocoRound) -> list[DilocoWorker]:
    """Active workers that take part in `rnd` (joined at or before it), ascending rank."""
    rows = [w for w in job.diloco.workers if w.active and w.joined_round <= rnd.index]
    return sorted(rows, key=lambda w: w.rank)


def contributors(rnd: DilocoRound) -> list[str]:
    return [c.host for c in rnd.contributions]


def is_verified(rnd: DilocoRound) -> bool:
    """CLOSED (agreed) and its check final: unchecked or passed."""
    return rnd.status == ROUND_STATUS_CLOSED and rnd.check in VERIFIED_CHECKS


def recount_accepted(job: TrainingJob) -> None:
    """accepted_steps of every worker = k x its contributions to live CLOSED rounds."""
    counts: dict[str, int] = {}
    for rnd in live_rounds(job):
        if rnd.status == ROUND_STATUS_CLOSED:
            for host in contributors(rnd):
                counts[host] = counts.get(host, 0) + 1
    for worker in job.diloco.workers:
        worker.accepted_steps = counts.get(worker.host, 0) * job.diloco.inner_steps


def free_rank(job: TrainingJob) -> int:
    """The lowest rank no active worker holds."""
    taken = sorted(w.rank for w in job.diloco.workers if w.active)
    rank = 0
    for held in taken:
        if held == rank:
            rank += 1
    return rank


def leave(ctx: Context, deps, job: TrainingJob, worker: DilocoWorker, reason: str) -> None:
    """The worker leaves the job: inactive, collateral released, never assigned to it again."""
    worker.active = False
    deps.staking.release_job_collateral(ctx.store, decode_address(worker.host), job.id)
    worker.collateral = 0
    if worker.host not in job.excluded:
        job.excluded.append(worker.host)
    ctx.emit("diloco_worker_left", ("job_id", str(job.id)), ("host", worker.host), ("rank", str(worker.rank)),
             ("reason", reason))


def open_round(ctx: Context, job: TrainingJob, index: int, weights: str, momentum: str, round_blocks: int) -> None:
    """Append the live entry of round `index` (OPEN) and make it current."""
    height = ctx.block.height
    rnd = DilocoRound(index=index, status=ROUND_STATUS_OPEN, start_weights_sha256=weights,
                      start_momentum_sha256=momentum, open_height=height, deadline=height + round_blocks)
    job.diloco.rounds_log.append(rnd)
    job.diloco.current_round = index
    job.segment_deadline = rnd.deadline
    ctx.emit("diloco_round_opened", ("job_id", str(job.id)), ("round", str(index)), ("weights_sha256", weights),
             ("momentum_sha256", momentum), ("deadline", str(rnd.deadline)),
             ("workers", ",".join(w.host for w in expected_workers(job, rnd))))
