"""Worker assignment for DiLoCo jobs (docs/diloco.md §1), run by scheduling.schedule before the
single-prover CDA on the same host slots.

Per worker: load = job.load_gflop // workers (at least 1); collateral = required_collateral(delta,
G, G, malicious_slash_bps) with delta = sample_ppm / (10^6 x workers) (the chance that one cheated
round of one worker is checked) and G = train_cost // (workers x rounds) (a worker's pay per
round); 0 when sample_ppm is 0 (no round is checked). A host qualifies with remaining capacity >= that load, free collateral >= that collateral,
not excluded from the job and not already one of its active workers; qualifying hosts are taken by
effective score (scheduler.effective_score) descending, ties by lower operator bytes.

- QUEUED DiLoCo jobs (ascending id) are assigned only when all `workers` hosts qualify in this
  block: ranks 0..N-1 in that order, data seed (first assignment), each worker's collateral locked,
  TRAINING with round 0 OPEN from the base model (or the job's resume state).
- TRAINING DiLoCo jobs with fewer active workers than wanted and a round after the current one get
  replacements (ascending id), each taking the lowest free rank and joining at the next round
  boundary (joined_round = current + 1).
"""

from __future__ import annotations

from dataclasses import replace
from math import gcd

from sprint.training.v1.training_pb2 import (
    TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING, DilocoWorker, TrainingJob,
)

from chain.context import Context
from chain.modules.training import draws
from chain.modules.training import diloco_state as ds
from chain.modules.training.diloco_submit import is_diloco
from chain.modules.training.scheduler import HostSlot, effective_score
from chain.modules.training.stake_condition import required_collateral
from chain.tx.crypto import encode_address

PPM = 1_000_000


def worker_load(job: TrainingJob) -> int:
    return max(1, job.load_gflop // job.diloco.workers_wanted)


def worker_collateral(job: TrainingJob, malicious_bps: int) -> int:
    if job.sample_ppm == 0:
        return 0  # no round is ever checked: no detection probability to size a stake condition on
    workers, rounds = job.diloco.workers_wanted, max(1, job.diloco.rounds)
    num, den = job.sample_ppm, PPM * workers
    g = gcd(num, den)
    gain = job.train_cost // (workers * rounds)
    return required_collateral((num // g, den // g), gain, gain, malicious_bps)


def short_jobs(ctx: Context, deps) -> list[TrainingJob]:
    """TRAINING DiLoCo jobs with fewer active workers than wanted, ascending id."""
    rows = []
    for job_id in deps.training.jobs_by_status(ctx.store, TRAINING_JOB_STATUS_TRAINING):
        job = deps.training.get_job(ctx.store, job_id)
        if is_diloco(job) and len(ds.active_workers(job)) < job.diloco.workers_wanted \
                and job.diloco.current_round + 1 < job.diloco.rounds:
            rows.append(job)
    return rows


def queued_diloco(ctx: Context, deps) -> list[TrainingJob]:
    jobs = (deps.training.get_job(ctx.store, i) for i in deps.training.jobs_by_status(ctx.store, TRAINING_JOB_STATUS_QUEUED))
    return [job for job in jobs if is_diloco(job)]


def pick(job: TrainingJob, slots: list[HostSlot], count: int, load: int, collateral: int,
         gamma_milli: int) -> list[int]:
    """Indices into `slots` of the `count` best qualifying hosts (fewer when not enough qualify)."""
    busy = set(job.excluded) | {w.host for w in ds.active_workers(job)}
    rows = [(-effective_score(s.rep_ppm, s.remaining, s.capacity, gamma_milli), s.operator, i)
            for i, s in enumerate(slots)
            if s.remaining >= load and s.free_collateral >= collateral and encode_address(s.operator) not in busy]
    return [i for _, _, i in sorted(rows)[:count]]


def _take(ctx: Context, deps, job: TrainingJob, slots: list[HostSlot], i: int, load: int, collateral: int,
          joined: int) -> None:
    slot = slots[i]
    slots[i] = replace(slot, remaining=slot.remaining - load, free_collateral=slot.free_collateral - collateral)
    host = encode_address(slot.operator)
    rank = ds.free_rank(job)
    job.diloco.workers.append(DilocoWorker(host=host, rank=rank, active=True, joined_round=joined,
                                           collateral=collateral))
    deps.staking.lock_job_collateral(ctx.store, slot.operator, job.id, collateral)
    ctx.emit("diloco_worker_assigned", ("job_id", str(job.id)), ("host", host), ("rank", str(rank)),
             ("joined_round", str(joined)), ("collateral", str(collateral)))


def schedule(ctx: Context, deps, params, slots: list[HostSlot], malicious_bps: int) -> list[HostSlot]:
    """Assign queued DiLoCo jobs and replacements; returns the slots with their capacity taken."""
    slots = list(slots)
    for job in queued_diloco(ctx, deps):
        load, collateral = worker_load(job), worker_collateral(job, malicious_bps)
        chosen = pick(job, slots, job.diloco.workers_wanted, load, collateral, params.cda_gamma_milli)
        if len(chosen) < job.diloco.workers_wanted:
            continue
        for i in chosen:
            _take(ctx, deps, job, slots, i, load, collateral, 0)
        start(ctx, deps, job, params.round_blocks)
    for job in short_jobs(ctx, deps):
        load, collateral = worker_load(job), worker_collateral(job, malicious_bps)
        missing = job.diloco.workers_wanted - len(ds.active_workers(job))
        chosen = pick(job, slots, missing, load, collateral, params.cda_gamma_milli)
        for i in chosen:
            _take(ctx, deps, job, slots, i, load, collateral, job.diloco.current_round + 1)
        if chosen:
            deps.training.set_job(ctx.store, job)
    return slots


def start(ctx: Context, deps, job: TrainingJob, round_blocks: int) -> None:
    """TRAINING with round 0 open (every worker assigned in this block)."""
    job.status, job.assigned_height = TRAINING_JOB_STATUS_TRAINING, ctx.block.height
    if not job.data_seed:
        job.data_seed = draws.data_seed(ctx.block.hash, job.id)
    ds.open_round(ctx, job, 0, job.resume_weights_sha256, "", round_blocks)
    deps.training.set_job(ctx.store, job)
    ctx.emit("training_assigned", ("job_id", str(job.id)), ("host", ""), ("data_seed", job.data_seed.hex()),
             ("collateral", str(sum(w.collateral for w in job.diloco.workers))), ("resume_interval", "0"),
             ("segment_deadline", str(job.segment_deadline)))
