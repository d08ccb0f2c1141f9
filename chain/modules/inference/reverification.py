"""Re-verification (docs/inference.md §5, docs/protocol.md §4).

An INVALID spot check or a requester's paid report moves a COMPLETED job to REVERIFYING for
`reverify_blocks`. The voters are fixed when it opens: every host with weight > 0 that is not
BANNED, except the executor, with its weight at that moment; checks already on the job count as
votes. After every vote (and at opening):
    invalid_weight x 2 > eligible_weight -> FRAUD;  valid_weight x 2 > eligible_weight -> CLEARED;
at the end of the deadline block with no majority -> INCONCLUSIVE. A job is re-verified once.

FRAUD: the escrowed cost goes back to the requester (and the report fee to the reporter); the
executor is slashed (staking.slash_malicious), banned for staking ban_blocks, its reputation reset,
and marked caught for the current epoch in rewards with confirmers = the hosts that voted INVALID
and cap = cost x (10^4 - training_fund_bps) // 10^4 // 2 (what honest checking would have earned).
CLEARED after a report: the report fee is split equally among the VALID voters (the remainder one
unit each to the first voters in operator order). INCONCLUSIVE: the report fee goes back.
CLEARED and INCONCLUSIVE jobs return to COMPLETED and are paid by the next settlement.
"""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import (
    JOB_STATUS_COMPLETED, JOB_STATUS_FRAUD, JOB_STATUS_REVERIFYING, REVERIFY_OUTCOME_CLEARED,
    REVERIFY_OUTCOME_FRAUD, REVERIFY_OUTCOME_INCONCLUSIVE, REVERIFY_OUTCOME_OPEN, VERDICT_INVALID, VERDICT_VALID,
    Job, Reverification,
)

from chain.context import Context
from chain.modules.bank.keys import module_address
from chain.modules.inference import keys
from chain.tx.crypto import decode_address, encode_address

BPS = 10_000
OUTCOME_NAMES = {REVERIFY_OUTCOME_FRAUD: "fraud", REVERIFY_OUTCOME_CLEARED: "cleared",
                 REVERIFY_OUTCOME_INCONCLUSIVE: "inconclusive"}


def eligible_voters(ctx: Context, keepers, executor: bytes) -> list[tuple[bytes, int]]:
    """(operator, weight) of every eligible host (HostsKeeper.eligible_hosts) except the executor."""
    return [(operator, host.weight) for operator, host in keepers.hosts.eligible_hosts(ctx.store)
            if operator != executor]


def open_reverification(ctx: Context, keepers, job: Job, opened_by: str, user_report: bool) -> None:
    """Move a COMPLETED job to REVERIFYING, count the checks it already has, tally, store the job."""
    params = keepers.inference.get_params(ctx.store)
    voters = eligible_voters(ctx, keepers, decode_address(job.executor))
    weights = {encode_address(operator): weight for operator, weight in voters}
    deadline = ctx.block.height + params.reverify_blocks
    rv = Reverification(opened_height=ctx.block.height, deadline_height=deadline, opened_by=opened_by,
                        user_report=user_report, eligible_weight=sum(weights.values()),
                        outcome=REVERIFY_OUTCOME_OPEN)
    for check in job.checks:
        if check.verdict == VERDICT_VALID:
            rv.valid_weight += weights.get(check.validator, 0)
        elif check.verdict == VERDICT_INVALID:
            rv.invalid_weight += weights.get(check.validator, 0)
    job.reverification.CopyFrom(rv)
    job.status = JOB_STATUS_REVERIFYING
    keepers.inference.verification.open_reverification(ctx.store, deadline, job.id, voters)
    ctx.emit("inference_reverify_open", ("job_id", str(job.id)), ("executor", job.executor),
             ("opened_by", opened_by), ("user_report", "true" if user_report else "false"),
             ("eligible_weight", str(rv.eligible_weight)), ("deadline_height", str(deadline)))
    tally(ctx, keepers, job)


def voter_weight(store, vstore, job: Job, operator: bytes) -> int:
    """Weight `operator` votes with on the job's open re-verification (0: not eligible)."""
    for voter, weight in vstore.voters(store, job.reverification.deadline_height, job.id):
        if voter == operator:
            return weight
    return 0


def tally(ctx: Context, keepers, job: Job) -> None:
    """Close the re-verification when one side holds > 50% of the eligible weight; store the job."""
    rv = job.reverification
    if rv.invalid_weight * 2 > rv.eligible_weight:
        close(ctx, keepers, job, REVERIFY_OUTCOME_FRAUD)
    elif rv.valid_weight * 2 > rv.eligible_weight:
        close(ctx, keepers, job, REVERIFY_OUTCOME_CLEARED)
    else:
        keepers.inference.set_job(ctx.store, job)


def close(ctx: Context, keepers, job: Job, outcome: int) -> None:
    """Apply `outcome` to a REVERIFYING job and store it."""
    keepers.inference.verification.close_reverification(ctx.store, job.reverification.deadline_height, job.id)
    job.reverification.outcome = outcome
    if outcome == REVERIFY_OUTCOME_FRAUD:
        confirm_fraud(ctx, keepers, job)
    else:
        job.status = JOB_STATUS_COMPLETED
        if job.reporter:
            _settle_report_fee(ctx, keepers, job, outcome)
    keepers.inference.set_job(ctx.store, job)
    ctx.emit("inference_reverify_closed", ("job_id", str(job.id)), ("executor", job.executor),
             ("outcome", OUTCOME_NAMES[outcome]), ("valid_weight", str(job.reverification.valid_weight)),
             ("invalid_weight", str(job.reverification.invalid_weight)),
             ("eligible_weight", str(job.reverification.eligible_weight)))


def close_due(ctx: Context, keepers) -> None:
    """End of block: re-verifications whose deadline is this block or earlier end INCONCLUSIVE."""
    for deadline, job_id in keepers.inference.verification.due_reverifications(ctx.store, ctx.block.height):
        job = keepers.inference.get_job(ctx.store, job_id)
        if job is None or job.status != JOB_STATUS_REVERIFYING:
            keepers.inference.verification.close_reverification(ctx.store, deadline, job_id)
            continue
        close(ctx, keepers, job, REVERIFY_OUTCOME_INCONCLUSIVE)


def bounty_cap(cost: int, training_fund_bps: int) -> int:
    """What honest checking of a job of `cost` would have earned the checkers at most."""
    return cost * (BPS - training_fund_bps) // BPS // 2


def _pay(ctx: Context, keepers, recipient: bytes, amount: int) -> None:
    if amount > 0:
        denom = keepers.inference.get_params(ctx.store).fee_denom
        keepers.bank.send(ctx, module_address(keys.MODULE_NAME), recipient, [(denom, amount)])


def confirm_fraud(ctx: Context, keepers, job: Job) -> None:
    """Refund the requester (and reporter), punish the executor, record the bounty claim."""
    params = keepers.inference.get_params(ctx.store)
    executor = decode_address(job.executor)
    _pay(ctx, keepers, decode_address(job.requester), job.cost)
    if job.reporter:
        _pay(ctx, keepers, decode_address(job.reporter), params.report_fee)
    reason = f"confirmed fraud on inference job {job.id}"
    epoch = keepers.sprint.current_epoch(ctx.store, ctx.block.height)
    keepers.staking.slash_malicious(ctx, executor, reason)
    ban_blocks = keepers.staking.get_params(ctx.store).ban_blocks
    keepers.hosts.ban(ctx, executor, ctx.block.height + ban_blocks, reason)
    keepers.reputation.record_fraud(ctx, executor)
    confirmers = [decode_address(c.validator) for c in job.checks if c.verdict == VERDICT_INVALID]
    cap = bounty_cap(job.cost, params.training_fund_bps)
    keepers.rewards.record_fraud(ctx, epoch, executor, confirmers, cap)
    keepers.inference.verification.add_fraud(ctx.store, epoch, executor, job.id)
    job.status = JOB_STATUS_FRAUD
    ctx.emit("inference_fraud", ("job_id", str(job.id)), ("executor", job.executor), ("epoch", str(epoch)),
             ("refund", f"{job.cost}{params.fee_denom}"), ("confirmers", ",".join(c.validator for c in job.checks
                                                                                     if c.verdict == VERDICT_INVALID)),
             ("bounty_cap", str(cap)))


def _settle_report_fee(ctx: Context, keepers, job: Job, outcome: int) -> None:
    fee = keepers.inference.get_params(ctx.store).report_fee
    if outcome == REVERIFY_OUTCOME_INCONCLUSIVE:
        _pay(ctx, keepers, decode_address(job.reporter), fee)
        return
    winners = sorted(decode_address(c.validator) for c in job.checks if c.verdict == VERDICT_VALID)
    share, rest = divmod(fee, len(winners))
    for index, operator in enumerate(winners):
        _pay(ctx, keepers, operator, share + (1 if index < rest else 0))
