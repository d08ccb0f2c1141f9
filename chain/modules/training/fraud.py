"""Confirmed fraud and verifier penalties (docs/training.md §8).

Fraud (a re-verification's INVALID majority, or a sample not revealed by its deadline):
- the segment is FRAUD; the prover is slashed staking `malicious_slash_bps`, banned for staking
  `ban_blocks`, its reputation records the fraud (reputation.record_fraud) and its success rate is
  then multiplied by 1 - Phi(s), Phi = fixed_point.phi_ppm(malicious_slash_bps, fraud_tau_milli);
  rewards marks it caught in the current epoch like an inference fraud (its accruals of the epoch
  are forfeited at settlement; cap 0: the training bounty below is the only bounty);
- the prover is added to job.forfeited: settlement pays it nothing for the job. Its forfeited pay
  is the prover share (§12) of every segment it committed that PASSED; a bounty of
  `bounty_bps` of that, capped at the job's verify_cost, is paid from escrow now to the hosts that
  voted INVALID on the segment (committee and re-verification), in equal shares (floor; the
  remainder stays in escrow and is refunded with the rest); job.bounty_paid grows by what was paid;
- committee members that voted VALID lose one reputation step (`fault_success_drop_ppm`) (their
  verification pay is withheld by settlement, which pays only votes that agree with the outcome);
- the job is re-assigned: faults.reassign(ctx, deps, job, reason) stores it.
A segment cleared by a re-verification's VALID majority costs its committee's INVALID voters one
reputation step each.
"""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import VERDICT_INVALID, VERDICT_VALID
from sprint.training.v1.training_pb2 import SEGMENT_STATUS_FRAUD, SEGMENT_STATUS_PASSED, Segment, TrainingJob

from chain.context import Context
from chain.modules.training import faults
from chain.modules.training.fixed_point import phi_ppm
from chain.tx.crypto import decode_address

BPS = 10_000
PPM = 1_000_000


def prover_share(job: TrainingJob, seg: Segment) -> int:
    """The prover pay of a segment (§12): train_cost x interval_count // intervals, the last segment
    taking the remainder of train_cost."""
    if job.intervals == 0:
        return 0
    if seg.first_interval + seg.interval_count < job.intervals or seg.index == 0:
        return job.train_cost * seg.interval_count // job.intervals
    per_segment = seg.first_interval // seg.index  # every earlier segment holds this many intervals
    return job.train_cost - seg.index * (job.train_cost * per_segment // job.intervals)


def forfeited_pay(job: TrainingJob, host: str) -> int:
    """What `host` would have been paid as prover of the job's PASSED segments."""
    return sum(prover_share(job, seg) for seg in job.segments_log
               if seg.host == host and seg.status == SEGMENT_STATUS_PASSED)


def bounty_amount(forfeited: int, bounty_bps: int, verify_cost: int) -> int:
    """bounty_bps of the forfeited pay (floor), at most verify_cost."""
    return min(forfeited * bounty_bps // BPS, verify_cost)


def invalid_voters(seg: Segment) -> list[str]:
    """Hosts that voted INVALID on the segment (committee, then re-verification), each once, ascending."""
    votes = list(seg.votes) + list(seg.reverification.votes)
    return sorted(dict.fromkeys(vote.voter for vote in votes if vote.verdict == VERDICT_INVALID))


def confirm_fraud(ctx: Context, deps, job: TrainingJob, seg: Segment, reason: str) -> None:
    """Apply confirmed fraud (or an unrevealed sample) on `seg` of `job`, then re-assign the job."""
    seg.status = SEGMENT_STATUS_FRAUD
    params = deps.training.get_params(ctx.store)
    slashed, phi, epoch = punish_prover(ctx, deps, seg, params.fraud_tau_milli, reason)
    if seg.host not in job.forfeited:
        job.forfeited.append(seg.host)
    forfeited = forfeited_pay(job, seg.host)
    paid, confirmers = _pay_bounty(ctx, deps, job, bounty_amount(forfeited, params.bounty_bps, job.verify_cost), seg)
    lazy = penalize_votes(ctx, deps, seg, VERDICT_VALID, params.fault_success_drop_ppm, reason)
    ctx.emit("training_fraud", ("job_id", str(job.id)), ("segment", str(seg.index)), ("prover", seg.host),
             ("reason", reason), ("epoch", str(epoch)), ("slashed", str(slashed)), ("phi_ppm", str(phi)),
             ("forfeited", str(forfeited)), ("bounty", str(paid)), ("confirmers", ",".join(confirmers)),
             ("lazy_verifiers", ",".join(lazy)))
    deps.training.set_job(ctx.store, job)
    faults.reassign(ctx, deps, job, reason)


def punish_prover(ctx: Context, deps, seg: Segment, tau_milli: int, reason: str) -> tuple[int, int, int]:
    """Slash, ban, reputation (record_fraud, then x (1 - Phi)) and the rewards' caught mark of the
    segment's prover; returns (amount slashed, Phi in ppm, epoch marked)."""
    prover = decode_address(seg.host)
    slashed = deps.staking.slash_malicious(ctx, prover, reason)
    staking_params = deps.staking.get_params(ctx.store)
    deps.hosts.ban(ctx, prover, ctx.block.height + staking_params.ban_blocks, reason)
    phi = phi_ppm(staking_params.malicious_slash_bps, tau_milli)
    deps.reputation.record_fraud(ctx, prover)
    deps.reputation.scale_success(ctx, prover, PPM - phi, reason)
    confirmers = [decode_address(voter) for voter in invalid_voters(seg)]
    epoch = deps.rewards.record_fraud(ctx, deps.sprint.current_epoch(ctx.store, ctx.block.height), prover,
                                      confirmers, 0)
    return slashed, phi, epoch


def _pay_bounty(ctx: Context, deps, job: TrainingJob, bounty: int, seg: Segment) -> tuple[int, list[str]]:
    confirmers = invalid_voters(seg)
    if not confirmers or bounty == 0:
        return 0, confirmers
    share = bounty // len(confirmers)
    if share == 0:
        return 0, confirmers
    for voter in confirmers:
        faults.pay_from_escrow(ctx, deps, voter, share)
    job.bounty_paid += share * len(confirmers)
    return share * len(confirmers), confirmers


def penalize_votes(ctx: Context, deps, seg: Segment, verdict: int, drop_ppm: int, reason: str) -> list[str]:
    """One reputation step off every committee member whose vote on `seg` was `verdict` (the side a
    confirmed outcome proved wrong); returns their addresses in vote order."""
    losers = [vote.voter for vote in seg.votes if vote.verdict == verdict]
    for voter in losers:
        deps.reputation.drop_success(ctx, decode_address(voter), drop_ppm,
                                     f"voted against the confirmed outcome of training job segment {seg.index}: {reason}")
    return losers
