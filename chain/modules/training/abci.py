"""training block hooks: the end-of-block work, every block, after inference and before rewards
(docs/training.md), in this order:

1. deadlines (ascending deadline, then id): a TRAINING job whose segment_deadline is this height or
   earlier is a fault of its prover and is re-assigned (faults.miss_deadline); a QUEUED job whose
   queue deadline passed fails with a refund (faults.expire_queued); a TRAINING or VERIFYING job whose
   prover is banned is re-assigned without a fault (faults.drop_banned_provers); maintenance windows
   that ended before this height are pruned;
2. verification (verification.end_block): sample and committee draws, reveal deadlines, vote
   tallies, re-verification deadlines, fraud; then DiLoCo jobs (diloco_end.diloco_end_block):
   banned workers leave, round checks, round barriers and deadlines (docs/diloco.md);
3. completion and pay (settlement.complete_ready_jobs);
4. scheduling of the queued jobs (scheduling.schedule).
"""

from __future__ import annotations

from sprint.training.v1.training_pb2 import TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING

from chain.context import Context
from chain.modules.training import faults, scheduling, settlement, verification
from chain.modules.training.diloco_end import diloco_end_block
from chain.modules.training.diloco_submit import is_diloco
from chain.modules.training.expected_keepers import TrainingDeps


def end_block(ctx: Context, deps: TrainingDeps) -> None:
    """The four steps of the module docstring."""
    handle_deadlines(ctx, deps)
    verification.end_block(ctx, deps)
    diloco_end_block(ctx, deps)
    settlement.complete_ready_jobs(ctx, deps)
    scheduling.schedule(ctx, deps)


def handle_deadlines(ctx: Context, deps: TrainingDeps) -> None:
    deps.training.prune_maintenance(ctx.store, ctx.block.height)
    for job_id in deps.training.due_jobs(ctx.store, ctx.block.height):
        job = deps.training.get_job(ctx.store, job_id)
        if job.status == TRAINING_JOB_STATUS_TRAINING and is_diloco(job):
            continue  # its round deadlines are diloco_end_block's
        if job.status == TRAINING_JOB_STATUS_TRAINING:
            faults.miss_deadline(ctx, deps, job)
        elif job.status == TRAINING_JOB_STATUS_QUEUED:
            faults.expire_queued(ctx, deps, job)
    faults.drop_banned_provers(ctx, deps)
