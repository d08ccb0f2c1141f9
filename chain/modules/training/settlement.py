"""Completion and pay (docs/training.md §12), at the end of every block after verification.

A VERIFYING job whose every segment is PASSED is COMPLETED:
1. the last segment's end weights are registered in the inference registry as `output_model`
   (owner: the submitter; the base model's config and price), or `<output_model>-job<id>` when the
   name was registered meanwhile (job.output_model then holds the registered name);
2. each PASSED segment's prover gets fraud.prover_share (train_cost x interval_count // intervals, the
   last segment the remainder) unless it is in job.forfeited; each committee member whose vote was
   VALID (the segment's outcome) gets an equal share (floor) of verify_cost x interval_count //
   intervals;
3. each paid prover's work is recorded with reputation as a completed job (rating 10^6, work value =
   its pay), like an inference job;
4. the prover's collateral is released and everything left in escrow is refunded.
"""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import VERDICT_VALID, Model
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_PASSED, TRAINING_JOB_STATUS_COMPLETED, TRAINING_JOB_STATUS_VERIFYING, Segment, TrainingJob,
)

from chain.context import Context
from chain.modules.inference.models import MAX_NAME_LENGTH
from chain.modules.training import diloco_settlement, faults
from chain.modules.training.diloco_submit import is_diloco
from chain.modules.training.fraud import prover_share
from chain.modules.training.keeper import live_segments
from chain.tx.crypto import decode_address

PPM = 1_000_000


def complete_ready_jobs(ctx: Context, deps) -> None:
    """Complete every VERIFYING job whose segments have all PASSED (ascending id)."""
    for job_id in deps.training.jobs_by_status(ctx.store, TRAINING_JOB_STATUS_VERIFYING):
        job = deps.training.get_job(ctx.store, job_id)
        if is_diloco(job):
            diloco_settlement.complete_if_verified(ctx, deps, job)
            continue
        segments = live_segments(job)
        if len(segments) == job.segments and all(s.status == SEGMENT_STATUS_PASSED for s in segments):
            complete(ctx, deps, job, segments)


def output_name(ctx: Context, deps, job: TrainingJob) -> str:
    """`output_model`, or `<output_model>-job<id>` (then `-h<height>` more) when already registered."""
    suffixes = ("", f"-job{job.id}", f"-job{job.id}-h{ctx.block.height}")
    for suffix in suffixes:
        name = job.output_model[:MAX_NAME_LENGTH - len(suffix)] + suffix
        if deps.inference.get_model(ctx.store, name) is None:
            return name
    raise RuntimeError(f"training job {job.id}: no free output model name")  # unreachable: one completion per job


def register_output(ctx: Context, deps, job: TrainingJob, last: Segment) -> str:
    """Register the job's final weights as a model owned by the submitter; returns its name."""
    base = deps.inference.get_model(ctx.store, job.base_model)
    name = output_name(ctx, deps, job)
    model = Model(name=name, config=base.config, weights_sha256=last.end_weights_sha256,
                  weights_size=last.end_weights_size, price_per_token=base.price_per_token, owner=job.submitter)
    deps.inference.set_model(ctx.store, model)
    ctx.emit("model_registered", ("name", name), ("owner", job.submitter),
             ("weights_sha256", last.end_weights_sha256), ("price_per_token", str(base.price_per_token)),
             ("training_job", str(job.id)))
    return name


def pay_provers(ctx: Context, deps, job: TrainingJob, segments: list[Segment]) -> dict[str, int]:
    """Pay each PASSED segment's prover its share (forfeited provers nothing); returns host -> paid."""
    paid: dict[str, int] = {}
    for segment in segments:
        if segment.host in job.forfeited:
            continue
        share = prover_share(job, segment)
        faults.pay_from_escrow(ctx, deps, segment.host, share)
        paid[segment.host] = paid.get(segment.host, 0) + share
    job.paid_provers += sum(paid.values())
    return paid


def pay_verifiers(ctx: Context, deps, job: TrainingJob, segments: list[Segment]) -> int:
    """Pay each segment's VALID committee voters an equal share of its verification part."""
    total = 0
    for segment in segments:
        agreeing = [vote.voter for vote in segment.votes if vote.verdict == VERDICT_VALID]
        if not agreeing:
            continue
        share = job.verify_cost * segment.interval_count // job.intervals // len(agreeing)
        for voter in agreeing:
            faults.pay_from_escrow(ctx, deps, voter, share)
        total += share * len(agreeing)
    job.paid_verifiers += total
    return total


def complete(ctx: Context, deps, job: TrainingJob, segments: list[Segment]) -> None:
    """COMPLETED: register the output model, pay, record work, release collateral, refund the rest."""
    name = register_output(ctx, deps, job, segments[-1])
    provers = pay_provers(ctx, deps, job, segments)
    verifiers = pay_verifiers(ctx, deps, job, segments)
    epoch = deps.sprint.current_epoch(ctx.store, ctx.block.height)
    for host, amount in sorted(provers.items()):
        deps.reputation.record_job(ctx.store, decode_address(host), epoch, PPM, amount, completed=True)
    faults.release_collateral(deps, ctx.store, job)
    refund = faults.refund(ctx, deps, job)
    job.status, job.finished_height, job.segment_deadline = TRAINING_JOB_STATUS_COMPLETED, ctx.block.height, 0
    job.output_weights_sha256 = segments[-1].end_weights_sha256
    job.output_model = name  # the registered name (the fallback when the requested one was taken)
    deps.training.set_job(ctx.store, job)
    ctx.emit("training_completed", ("job_id", str(job.id)), ("output_model", name),
             ("weights_sha256", job.output_weights_sha256), ("paid_provers", str(job.paid_provers)),
             ("paid_verifiers", str(verifiers)), ("bounty_paid", str(job.bounty_paid)), ("refund", str(refund)),
             ("provers", ",".join(sorted(provers))))
