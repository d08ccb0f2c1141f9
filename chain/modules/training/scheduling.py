"""Scheduling at the end of every block (docs/training.md §10, §11): the queued jobs and the hosts
are read from the keepers and handed to the capacity-degrading greedy (scheduler.cda_assign).

Hosts: the eligible hosts (weight > 0, not banned) not inside a maintenance window at this height.
Capacity K = weight x capacity_gflop_per_weight; remaining = K minus the load of the TRAINING jobs
it proves; Rep = the reputation scheduling score (ppm); free collateral = bond minus the collateral
its training jobs hold locked. A queued job needs required_collateral(delta(1) of its segment layout,
G, R, malicious_slash_bps) with G = R = train_cost // intervals, and excludes the hosts that faulted
or cheated on it.

On assignment: TRAINING with the host, assigned_height, the data seed (first assignment only, from
this block's hash), the collateral locked with staking, segment_deadline = height + segment_blocks.
"""

from __future__ import annotations

from sprint.training.v1.training_pb2 import TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING, TrainingJob

from chain.context import Context
from chain.modules.training import diloco_schedule, draws
from chain.modules.training.diloco_schedule import short_jobs, worker_load
from chain.modules.training.diloco_state import active_workers
from chain.modules.training.diloco_submit import is_diloco
from chain.modules.training.cost import interval_gain
from chain.modules.training.keeper import job_layout
from chain.modules.training.scheduler import HostSlot, QueuedJob, cda_assign
from chain.modules.training.stake_condition import job_delta_one, required_collateral
from chain.tx.crypto import decode_address, encode_address


def required_job_collateral(job: TrainingJob, malicious_bps: int) -> int:
    """The smallest collateral satisfying the job's stake condition (§11)."""
    gain = interval_gain(job.train_cost, job.intervals)
    # delta(1) depends only on a segment's interval count: one entry per distinct count (at most two)
    counts = sorted({count for _, count in job_layout(job)})
    delta = job_delta_one([(0, count) for count in counts], job.sample_ppm)
    return required_collateral(delta, gain, gain, malicious_bps)


def training_loads(ctx: Context, deps) -> dict[bytes, int]:
    """operator -> load (GFLOP) of the TRAINING jobs it proves (one pass over the TRAINING index)."""
    loads: dict[bytes, int] = {}
    for job_id in deps.training.jobs_by_status(ctx.store, TRAINING_JOB_STATUS_TRAINING):
        job = deps.training.get_job(ctx.store, job_id)
        if is_diloco(job):
            for worker in active_workers(job):
                operator = decode_address(worker.host)
                loads[operator] = loads.get(operator, 0) + worker_load(job)
            continue
        operator = decode_address(job.host)
        loads[operator] = loads.get(operator, 0) + job.load_gflop
    return loads


def host_slots(ctx: Context, deps, params) -> list[HostSlot]:
    """A HostSlot per eligible host not in maintenance, ascending operator."""
    scores, loads = deps.reputation.scores(ctx.store), training_loads(ctx, deps)
    slots = []
    for operator, host in deps.hosts.eligible_hosts(ctx.store):
        if deps.training.in_maintenance(ctx.store, operator, ctx.block.height):
            continue
        capacity = host.weight * params.capacity_gflop_per_weight
        free = deps.staking.bonded(ctx.store, operator) - deps.staking.job_collateral(ctx.store, operator)
        slots.append(HostSlot(operator=operator, capacity=capacity,
                              remaining=max(0, capacity - loads.get(operator, 0)),
                              rep_ppm=scores.get(operator, 0), free_collateral=max(0, free)))
    return slots


def queued_jobs(ctx: Context, deps, malicious_bps: int) -> dict[int, tuple[TrainingJob, QueuedJob]]:
    """job id -> (job, its QueuedJob) for every QUEUED job."""
    rows = {}
    for job_id in deps.training.jobs_by_status(ctx.store, TRAINING_JOB_STATUS_QUEUED):
        job = deps.training.get_job(ctx.store, job_id)
        if is_diloco(job):
            continue  # diloco_schedule assigns its workers
        excluded = tuple(decode_address(host) for host in job.excluded)
        rows[job_id] = (job, QueuedJob(job_id=job_id, budget=job.budget, load=job.load_gflop,
                                       min_collateral=required_job_collateral(job, malicious_bps),
                                       excluded=excluded))
    return rows


def schedule(ctx: Context, deps) -> None:
    """Assign queued jobs to hosts with the CDA (§10); DiLoCo workers first (diloco_schedule)."""
    if not deps.training.jobs_by_status(ctx.store, TRAINING_JOB_STATUS_QUEUED) and not short_jobs(ctx, deps):
        return
    params = deps.training.get_params(ctx.store)
    hosts = host_slots(ctx, deps, params)
    if not hosts:
        return
    malicious_bps = deps.staking.get_params(ctx.store).malicious_slash_bps
    hosts = diloco_schedule.schedule(ctx, deps, params, hosts, malicious_bps)
    rows = queued_jobs(ctx, deps, malicious_bps)
    for job_id, operator in cda_assign([queued for _, queued in rows.values()], hosts, params.cda_gamma_milli):
        job, queued = rows[job_id]
        assign(ctx, deps, job, operator, queued.min_collateral, params.segment_blocks)


def assign(ctx: Context, deps, job: TrainingJob, operator: bytes, collateral: int, segment_blocks: int) -> None:
    """Give `job` to `operator`: TRAINING, data seed on first assignment, collateral locked."""
    job.host, job.status, job.assigned_height = encode_address(operator), TRAINING_JOB_STATUS_TRAINING, ctx.block.height
    if not job.data_seed:
        job.data_seed = draws.data_seed(ctx.block.hash, job.id)
    job.collateral = collateral
    deps.staking.lock_job_collateral(ctx.store, operator, job.id, collateral)
    job.segment_deadline = ctx.block.height + segment_blocks
    deps.training.set_job(ctx.store, job)
    ctx.emit("training_assigned", ("job_id", str(job.id)), ("host", job.host), ("data_seed", job.data_seed.hex()),
             ("collateral", str(collateral)), ("resume_interval", str(job.resume_interval)),
             ("segment_deadline", str(job.segment_deadline)))
