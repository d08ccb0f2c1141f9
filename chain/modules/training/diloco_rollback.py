"""Rollback of a DiLoCo job (docs/diloco.md §6).

After confirmed fraud in round u (or a round whose outer step nobody committed), the job returns to
round v = min(u, the smallest index of a live round that is not verified) (a round is verified when
it is CLOSED and its check is UNCHECKED or PASSED): every live round with index >= v becomes
ROLLED_BACK (checks still pending on them are abandoned), redone_steps grows by k per contribution
in them, rollbacks + 1; theta and the momentum return to round v's start; every active worker's
inner optimizer state returns to the end state of its latest contribution to a live round before v
("" = fresh when none); pending replacements join at v; miss counters reset; the job is TRAINING
with round v OPEN.
"""

from __future__ import annotations

from sprint.training.v1.training_pb2 import ROUND_STATUS_ROLLED_BACK, TRAINING_JOB_STATUS_TRAINING, TrainingJob

from chain.context import Context
from chain.modules.training import diloco_state as ds


def rollback_target(job: TrainingJob, fraudulent: int) -> int:
    """v = min(u, the smallest index of a live round that is not verified)."""
    for rnd in ds.live_rounds(job):
        if rnd.index < fraudulent and not ds.is_verified(rnd):
            return rnd.index
    return fraudulent


def _optim_before(job: TrainingJob, host: str, target: int) -> str:
    state = ""
    for rnd in ds.live_rounds(job):
        if rnd.index < target:
            for contribution in rnd.contributions:
                if contribution.host == host:
                    state = contribution.end_optim_sha256
    return state


def roll_back(ctx: Context, deps, job: TrainingJob, fraudulent: int, reason: str) -> None:
    """Roll the job back to rollback_target(job, fraudulent), re-open that round and store the job."""
    target = rollback_target(job, fraudulent)
    start = ds.live_round(job, target)
    weights, momentum = start.start_weights_sha256, start.start_momentum_sha256
    discarded = 0
    for rnd in ds.live_rounds(job):
        if rnd.index >= target:
            discarded += len(rnd.contributions)
            rnd.status = ROUND_STATUS_ROLLED_BACK
    job.diloco.redone_steps += discarded * job.diloco.inner_steps
    job.diloco.rollbacks += 1
    for worker in ds.active_workers(job):
        worker.optim_sha256 = _optim_before(job, worker.host, target)
        worker.joined_round = min(worker.joined_round, target)
        worker.missed_rounds = 0
    ds.recount_accepted(job)
    job.status = TRAINING_JOB_STATUS_TRAINING
    ctx.emit("diloco_rollback", ("job_id", str(job.id)), ("from_round", str(fraudulent)), ("to_round", str(target)),
             ("redone_steps", str(job.diloco.redone_steps)), ("reason", reason))
    ds.open_round(ctx, job, target, weights, momentum, deps.training.get_params(ctx.store).round_blocks)
    deps.training.set_job(ctx.store, job)
