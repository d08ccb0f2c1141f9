"""Completion and pay of DiLoCo jobs (docs/diloco.md §7).

A VERIFYING DiLoCo job (every round agreed) whose live rounds' checks are all final (UNCHECKED or
PASSED) is COMPLETED: the last round's agreed weights are registered as the output model (as
settlement.register_output); each worker not in job.forfeited gets
train_cost x accepted_steps // (rounds x inner_steps x workers); each PASSED round's committee
members that voted VALID share verify_cost // rounds equally (floor); paid workers' work is recorded
with reputation; collateral is released and the rest of the escrow refunded.
"""

from __future__ import annotations

from types import SimpleNamespace

from sprint.inference.v1.inference_pb2 import VERDICT_VALID
from sprint.training.v1.training_pb2 import ROUND_CHECK_PASSED, TRAINING_JOB_STATUS_COMPLETED, TrainingJob

from chain.context import Context
from chain.modules.training import diloco_state as ds
from chain.modules.training import faults
from chain.tx.crypto import decode_address

PPM = 1_000_000


def complete_if_verified(ctx: Context, deps, job: TrainingJob) -> bool:
    """Complete the job when every live round is agreed and verified; True when completed."""
    rounds = ds.live_rounds(job)
    if len(rounds) != job.diloco.rounds or not all(ds.is_verified(rnd) for rnd in rounds):
        return False
    complete(ctx, deps, job, rounds)
    return True


def pay_workers(ctx: Context, deps, job: TrainingJob) -> dict[str, int]:
    total = job.diloco.rounds * job.diloco.inner_steps * job.diloco.workers_wanted
    paid: dict[str, int] = {}
    for worker in job.diloco.workers:
        if worker.host in job.forfeited or worker.accepted_steps == 0:
            continue
        share = job.train_cost * worker.accepted_steps // total
        faults.pay_from_escrow(ctx, deps, worker.host, share)
        paid[worker.host] = paid.get(worker.host, 0) + share
    job.paid_provers += sum(paid.values())
    return paid


def pay_committees(ctx: Context, deps, job: TrainingJob, rounds) -> int:
    total = 0
    for rnd in rounds:
        agreeing = [vote.voter for vote in rnd.votes if vote.verdict == VERDICT_VALID]
        if rnd.check != ROUND_CHECK_PASSED or not agreeing:
            continue
        share = job.verify_cost // job.diloco.rounds // len(agreeing)
        for voter in agreeing:
            faults.pay_from_escrow(ctx, deps, voter, share)
        total += share * len(agreeing)
    job.paid_verifiers += total
    return total


def complete(ctx: Context, deps, job: TrainingJob, rounds) -> None:
    """COMPLETED: register the final agreed weights, pay, record work, release, refund."""
    from chain.modules.training.settlement import register_output  # settlement imports this module
    last = rounds[-1]
    final = SimpleNamespace(end_weights_sha256=last.agreed_weights_sha256, end_weights_size=last.agreed_weights_size)
    name = register_output(ctx, deps, job, final)
    workers = pay_workers(ctx, deps, job)
    verifiers = pay_committees(ctx, deps, job, rounds)
    epoch = deps.sprint.current_epoch(ctx.store, ctx.block.height)
    for host, amount in sorted(workers.items()):
        deps.reputation.record_job(ctx.store, decode_address(host), epoch, PPM, amount, completed=True)
    faults.release_collateral(deps, ctx.store, job)
    refund = faults.refund(ctx, deps, job)
    job.status, job.finished_height, job.segment_deadline = TRAINING_JOB_STATUS_COMPLETED, ctx.block.height, 0
    job.output_weights_sha256, job.output_model = last.agreed_weights_sha256, name
    deps.training.set_job(ctx.store, job)
    ctx.emit("training_completed", ("job_id", str(job.id)), ("output_model", name),
             ("weights_sha256", job.output_weights_sha256), ("paid_provers", str(job.paid_provers)),
             ("paid_verifiers", str(verifiers)), ("bounty_paid", str(job.bounty_paid)), ("refund", str(refund)),
             ("provers", ",".join(sorted(workers))))
