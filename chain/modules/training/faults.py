"""Faults, re-assignment, failure and the escrow's payouts (docs/training.md §9).

- A prover that misses its segment deadline has a non-malicious fault (`miss_deadline`): staking
  slash_fault (P_nm), reputation success rate - fault_success_drop_ppm (Delta_nm), heartbeat_penalty_bps
  of its epoch's released rewards withheld (Delta_hb, rewards.penalize_heartbeat), U + 1; when U
  exceeds max_unavailable its whole bond is locked unavailable_lockup_blocks more blocks and U = 0.
  A deadline inside one of the host's maintenance windows is excused (no penalty). Either way the
  job is re-assigned. A job whose prover is banned (fraud on another job) is re-assigned at once,
  without a fault (`drop_banned_provers`).
- `reassign`: the job resumes from the end of its longest prefix of PASSED segments (or the base
  model); every later live segment is VOIDED; the old prover is excluded and its collateral
  released; reassignments + 1; QUEUED again (queue expiry height + queue_blocks), or FAILED once
  reassignments > max_reassignments.
- `fail`: FAILED, collateral released, everything left in escrow refunded (to the payer module of a
  grant, else the submitter). Pay only happens at completion, so a failed job refunds all but the
  bounties already paid.
"""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_PASSED, SEGMENT_STATUS_VOIDED, TRAINING_JOB_STATUS_FAILED, TRAINING_JOB_STATUS_QUEUED,
    TrainingJob,
)

from chain.context import Context
from chain.modules.bank.keys import module_address
from chain.modules.training import keys
from chain.modules.training.keeper import OPEN_STATUSES, live_segments
from chain.tx.crypto import decode_address, encode_address


def escrow_left(job: TrainingJob) -> int:
    """What the job still holds in the training escrow."""
    return job.budget - job.paid_provers - job.paid_verifiers - job.bounty_paid - job.refunded


def escrow_violation(deps, store) -> str | None:
    """The training escrow invariant: the module account holds exactly what the open jobs (QUEUED,
    TRAINING, VERIFYING) have left; a description of the difference, or None."""
    held = 0
    for status in OPEN_STATUSES:
        for job_id in deps.training.jobs_by_status(store, status):
            held += escrow_left(deps.training.get_job(store, job_id))
    denom = deps.training.get_params(store).fee_denom
    balance = deps.bank.balance(store, module_address(keys.MODULE_NAME), denom)
    return None if balance == held else f"training escrow holds {balance}{denom}, open jobs have {held}{denom} left"


def pay_from_escrow(ctx: Context, deps, bech32: str, amount: int) -> None:
    """Send `amount` from the training escrow to a bech32 account (nothing when 0). The caller
    records the payment on the job (paid_provers, paid_verifiers, bounty_paid)."""
    if amount > 0:
        denom = deps.training.get_params(ctx.store).fee_denom
        deps.bank.send(ctx, module_address(keys.MODULE_NAME), decode_address(bech32), [(denom, amount)])


def refund(ctx: Context, deps, job: TrainingJob) -> int:
    """Send everything left in the job's escrow back to its payer (payer module, else submitter) and
    record it in job.refunded; returns the amount."""
    amount = escrow_left(job)
    if amount <= 0:
        return 0
    if job.payer_module:
        denom = deps.training.get_params(ctx.store).fee_denom
        deps.bank.send_module_to_module(ctx, keys.MODULE_NAME, job.payer_module, [(denom, amount)])
    else:
        pay_from_escrow(ctx, deps, job.submitter, amount)
    job.refunded += amount
    return amount


def release_collateral(deps, store, job: TrainingJob) -> None:
    """Release the current prover's (a DiLoCo job: every active worker's) collateral for the job."""
    for worker in job.diloco.workers:
        if worker.active and worker.collateral:
            deps.staking.release_job_collateral(store, decode_address(worker.host), job.id)
            worker.collateral = 0
    if job.host:
        deps.staking.release_job_collateral(store, decode_address(job.host), job.id)
    job.collateral = 0


def fail(ctx: Context, deps, job: TrainingJob, reason: str) -> None:
    """FAILED: collateral released, the rest of the escrow refunded; stores the job."""
    release_collateral(deps, ctx.store, job)
    job.host = ""
    amount = refund(ctx, deps, job)
    job.status, job.fail_reason = TRAINING_JOB_STATUS_FAILED, reason
    job.finished_height, job.segment_deadline = ctx.block.height, 0
    deps.training.set_job(ctx.store, job)
    ctx.emit("training_failed", ("job_id", str(job.id)), ("reason", reason), ("refund", str(amount)),
             ("reassignments", str(job.reassignments)))


def _resume_point(ctx: Context, deps, job: TrainingJob) -> int:
    """Void every live segment after the PASSED prefix and set the resume state; returns the number
    of PASSED segments kept."""
    kept = 0
    for segment in live_segments(job):
        if segment.status == SEGMENT_STATUS_PASSED and segment.index == kept:
            kept += 1
        else:
            segment.status = SEGMENT_STATUS_VOIDED
    passed = live_segments(job)  # the PASSED prefix, now that the rest is VOIDED
    if passed:
        last = passed[-1]
        job.resume_interval = last.first_interval + last.interval_count
        job.resume_weights_sha256, job.resume_optim_sha256 = last.end_weights_sha256, last.end_optim_sha256
    else:
        base = deps.inference.get_model(ctx.store, job.base_model)
        job.resume_interval, job.resume_optim_sha256 = 0, ""
        job.resume_weights_sha256 = base.weights_sha256 if base is not None else job.resume_weights_sha256
    return kept


def reassign(ctx: Context, deps, job: TrainingJob, reason: str) -> None:
    """Re-assign the job after a fault or fraud (see the module docstring); stores it."""
    old = job.host
    kept = _resume_point(ctx, deps, job)
    if old and old not in job.excluded:
        job.excluded.append(old)
    release_collateral(deps, ctx.store, job)
    job.host = ""
    job.reassignments += 1
    params = deps.training.get_params(ctx.store)
    ctx.emit("training_reassigned", ("job_id", str(job.id)), ("from", old), ("reason", reason),
             ("resume_interval", str(job.resume_interval)), ("passed_segments", str(kept)),
             ("reassignments", str(job.reassignments)))
    if job.reassignments > params.max_reassignments:
        fail(ctx, deps, job, f"re-assigned {job.reassignments} times (max_reassignments "
                             f"{params.max_reassignments}); last: {reason}")
        return
    job.status = TRAINING_JOB_STATUS_QUEUED
    job.segment_deadline = ctx.block.height + params.queue_blocks
    deps.training.set_job(ctx.store, job)


def penalize_unavailable(ctx: Context, deps, operator: bytes, reason: str) -> int:
    """The non-malicious fault penalties of one missed heartbeat; returns the host's new U."""
    params = deps.training.get_params(ctx.store)
    deps.staking.slash_fault(ctx, operator, reason)
    deps.reputation.drop_success(ctx, operator, params.fault_success_drop_ppm, reason)
    if params.heartbeat_penalty_bps:
        epoch = deps.sprint.current_epoch(ctx.store, ctx.block.height)
        deps.rewards.penalize_heartbeat(ctx, epoch, operator, params.heartbeat_penalty_bps)
    count = deps.training.unavailable(ctx.store, operator) + 1
    if count > params.max_unavailable:
        until = ctx.block.height + params.unavailable_lockup_blocks
        deps.staking.add_lock(ctx.store, operator, until, deps.staking.bonded(ctx.store, operator))
        ctx.emit("training_lockup", ("host", encode_address(operator)), ("unlock_height", str(until)),
                 ("misses", str(count)))
        count = 0
    deps.training.set_unavailable(ctx.store, operator, count)
    return count


def miss_deadline(ctx: Context, deps, job: TrainingJob) -> None:
    """The prover of a TRAINING job missed segment_deadline: penalise it unless the deadline falls in
    one of its maintenance windows, then re-assign the job."""
    operator = decode_address(job.host)
    excused = deps.training.in_maintenance(ctx.store, operator, job.segment_deadline)
    segment = len(live_segments(job))
    reason = f"training job {job.id}: segment {segment} not committed by height {job.segment_deadline}"
    unavailable = deps.training.unavailable(ctx.store, operator)
    if not excused:
        unavailable = penalize_unavailable(ctx, deps, operator, reason)
    ctx.emit("training_fault", ("job_id", str(job.id)), ("host", job.host), ("segment", str(segment)),
             ("deadline", str(job.segment_deadline)), ("excused", "true" if excused else "false"),
             ("unavailable", str(unavailable)))
    reassign(ctx, deps, job, reason + (" (maintenance)" if excused else ""))


def drop_banned_provers(ctx: Context, deps) -> None:
    """Re-assign, without a fault, every TRAINING or VERIFYING job whose prover is banned (by fraud on
    another job): a banned host can neither commit nor reveal, so waiting would turn its other jobs
    into faults or unrevealed samples."""
    for job_id in deps.training.active_job_ids(ctx.store):
        job = deps.training.get_job(ctx.store, job_id)
        host = deps.hosts.get_host(ctx.store, decode_address(job.host)) if job.host else None
        if host is not None and host.status == HOST_STATUS_BANNED:
            reassign(ctx, deps, job, f"prover {job.host} is banned")


def expire_queued(ctx: Context, deps, job: TrainingJob) -> None:
    """A QUEUED job no host took by its queue deadline fails with a full refund of what is left."""
    fail(ctx, deps, job, f"no host could take the job by height {job.segment_deadline}")
