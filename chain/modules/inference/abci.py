"""inference block hooks: the end-of-block work, every block, after sprint and before rewards:

1. executor draw for the jobs submitted in this block (ascending id): candidates = the eligible
   hosts (HostsKeeper.eligible_hosts), draw weight = weight x (500000 + score_ppm // 2) (executor.py); the
   job gets its executor and sampling seed from this block's hash (event `inference_assigned`);
   with no candidate it expires at once with a full refund (event `inference_expired`);
2. expiry: every PENDING job whose deadline is this height or earlier becomes EXPIRED, the whole
   max_fee goes back to the requester, the executor's reputation records an expired job and its
   stake takes a fault slash (event `inference_expired`);
3. the verification part (audit snapshots, re-verification deadlines, settlement).
"""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import JOB_STATUS_EXPIRED, JOB_STATUS_PENDING, Job

from chain.context import Context
from chain.modules.inference import executor
from chain.modules.inference.expected_keepers import InferenceDeps
from chain.modules.inference.msg_server import pay_from_escrow
from chain.modules.inference.verification import verification_end_block
from chain.tx.crypto import decode_address, encode_address


def end_block(ctx: Context, keepers: InferenceDeps) -> None:
    """Draw executors for this block's jobs, expire overdue jobs, then run the verification part."""
    draw_executors(ctx, keepers)
    expire_jobs(ctx, keepers)
    verification_end_block(ctx, keepers)


def candidates(ctx: Context, keepers) -> list[tuple[bytes, int]]:
    """(operator, draw weight) of every eligible host (HostsKeeper.eligible_hosts), ascending; draw
    weight = weight x (500000 + score_ppm // 2) with the reputation keeper's scheduling score."""
    scores = keepers.reputation.scores(ctx.store)
    return [(operator, executor.draw_weight(host.weight, scores.get(operator, 0)))
            for operator, host in keepers.hosts.eligible_hosts(ctx.store)]


def draw_executors(ctx: Context, keepers) -> None:
    inference = keepers.inference
    job_ids = inference.take_new_jobs(ctx.store)
    if not job_ids:
        return
    pool = candidates(ctx, keepers)
    for job_id in job_ids:
        job = inference.get_job(ctx.store, job_id)
        drawn = executor.draw_executor(ctx.block.hash, job_id, pool)
        if drawn is None:
            _expire(ctx, keepers, job, "no eligible executor")
            continue
        job.executor = encode_address(drawn)
        job.sampling_seed = executor.sampling_seed(ctx.block.hash, job_id)
        inference.set_job(ctx.store, job)
        ctx.emit("inference_assigned", ("job_id", str(job_id)), ("executor", job.executor),
                 ("sampling_seed", job.sampling_seed.hex()), ("deadline_height", str(job.deadline_height)))


def expire_jobs(ctx: Context, keepers) -> None:
    inference = keepers.inference
    for job_id in inference.expiring(ctx.store, ctx.block.height):
        job = inference.get_job(ctx.store, job_id)
        if job is not None and job.status == JOB_STATUS_PENDING:
            _expire(ctx, keepers, job, "no result by the deadline")


def _expire(ctx: Context, keepers, job: Job, reason: str) -> None:
    """EXPIRED with the whole max_fee refunded; an executor that was drawn is penalised."""
    params = keepers.inference.get_params(ctx.store)
    pay_from_escrow(ctx, keepers, job.requester, params.fee_denom, job.max_fee)
    job.status = JOB_STATUS_EXPIRED
    keepers.inference.set_job(ctx.store, job)
    if job.executor:
        _penalise(ctx, keepers, decode_address(job.executor), job.id)
    ctx.emit("inference_expired", ("job_id", str(job.id)), ("executor", job.executor),
             ("requester", job.requester), ("refund", f"{job.max_fee}{params.fee_denom}"), ("reason", reason))


def _penalise(ctx: Context, keepers, operator: bytes, job_id: int) -> None:
    """An expired job counts against its executor: reputation rating and a fault slash."""
    reputation = keepers.reputation
    rating = reputation.get_params(ctx.store).expired_rating_ppm
    epoch = keepers.sprint.current_epoch(ctx.store, ctx.block.height)
    reputation.record_job(ctx.store, operator, epoch, rating, 0, completed=False)
    keepers.staking.slash_fault(ctx, operator, f"inference job {job_id} expired without a result")
