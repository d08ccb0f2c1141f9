"""Sampled checks of closed DiLoCo rounds (docs/diloco.md §5-§6), reusing the single-prover committee
draw, re-verification tally and fraud punishment.

End block, for every live round of a DiLoCo job past its close (OUTER or CLOSED):
- check PENDING, closed before this block: seed = sha256("sprint/diloco/check/v1" || this block's
  hash || be64(job_id) || be32(round)); checked when be_uint64(sha256(seed || "check")[0:8]) mod
  10^6 < job.sample_ppm; the checked contribution (ascending rank) is be_uint64(sha256(seed ||
  "worker")[0:8]) mod n; the committee (draws.draw_committee, job.committee_size) comes from the
  eligible hosts that are not workers of the job (ever). Not checked or no candidate: UNCHECKED;
  else VOTING until vote_deadline = height + outer_vote_blocks. In the sampled-interval mode
  (params.outer_check_sample_ppm > 0) the check also draws draws.sample_count(c,
  outer_check_sample_ppm) of the round's c intervals (draws.sample_intervals, same seed) and is
  REVEALING until reveal_deadline = height + reveal_blocks; a reveal (diloco_reveals) makes it VOTING.
- REVEALING at or after reveal_deadline (no reveal can come any more): fraud (unrevealed sample).
- VOTING, every member voted or at vote_deadline: INVALID x 2 > committee size opens a
  re-verification (REVERIFYING; voters: every eligible host that is not a worker of the job, with
  its weight); otherwise PASSED.
- REVERIFYING: as docs/training.md §8 (verification.reverify_outcome); FRAUD punishes the checked
  worker (fraud.punish_prover), forfeits its pay, pays the bounty and rolls the job back
  (diloco_rollback).
MsgVoteDilocoRound: VALID/INVALID; a committee member while VOTING (by vote_deadline) or a
re-verification voter while REVERIFYING (ErrUnauthorized otherwise); once per host.
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

from sprint.inference.v1.inference_pb2 import (
    REVERIFY_OUTCOME_CLEARED, REVERIFY_OUTCOME_FRAUD, REVERIFY_OUTCOME_OPEN, VERDICT_INVALID, VERDICT_VALID,
)
from sprint.training.v1.training_pb2 import (
    ROUND_CHECK_FRAUD, ROUND_CHECK_PASSED, ROUND_CHECK_PENDING, ROUND_CHECK_REVERIFYING, ROUND_CHECK_UNCHECKED,
    ROUND_CHECK_REVEALING, ROUND_CHECK_VOTING, CommitteeVote, DilocoRound, RoundCheck, TrainingJob,
    TrainingReverification,
)

from chain.context import Context
from chain.errors import ErrInvalidRequest, ErrUnauthorized
from chain.modules.hosts.worker_auth import parse_address, worker_host
from chain.modules.training import diloco_reveals, diloco_rollback, draws, faults, fraud, verification
from chain.modules.training import diloco_state as ds
from chain.modules.training.diloco_submit import is_diloco
from chain.tx.crypto import encode_address

CHECK_TAG = b"sprint/diloco/check/v1"
PPM = 1_000_000
UNCHANGED, CHANGED, DONE = verification.UNCHANGED, verification.CHANGED, verification.DONE


def check_seed(block_hash: bytes, job_id: int, round_index: int) -> bytes:
    return hashlib.sha256(CHECK_TAG + bytes(block_hash) + job_id.to_bytes(8, "big") +
                          round_index.to_bytes(4, "big")).digest()


def _u64(seed: bytes, tag: bytes) -> int:
    return int.from_bytes(hashlib.sha256(seed + tag).digest()[:8], "big")


def check_draw(seed: bytes, sample_ppm: int, contributions: int) -> int | None:
    """Index (ascending rank) of the checked contribution, or None when the round is not checked."""
    if contributions == 0 or _u64(seed, b"check") % PPM >= sample_ppm:
        return None
    return _u64(seed, b"worker") % contributions


def outsiders(ctx: Context, deps, job: TrainingJob) -> list[tuple[bytes, int]]:
    """(operator, weight) of the eligible hosts that never worked on the job."""
    workers = {w.host for w in job.diloco.workers}
    return [(op, host.weight) for op, host in deps.hosts.eligible_hosts(ctx.store)
            if encode_address(op) not in workers]


def as_segment(rnd: DilocoRound) -> SimpleNamespace:
    """The fields fraud.punish_prover / penalize_votes read from a segment."""
    return SimpleNamespace(host=rnd.checked_host, votes=rnd.votes, reverification=rnd.reverification,
                           index=rnd.index)


# --- end block ---------------------------------------------------------------------------------


def end_block(ctx: Context, deps, job: TrainingJob) -> int:
    """Draws, tallies and re-verification deadlines of the job's live rounds."""
    changed = UNCHANGED
    for rnd in ds.live_rounds(job):
        step = _STEPS.get(rnd.check)
        result = step(ctx, deps, job, rnd) if step is not None else UNCHANGED
        if result == DONE:
            return DONE
        changed = max(changed, result)
    return changed


def _draw(ctx: Context, deps, job: TrainingJob, rnd: DilocoRound) -> int:
    if rnd.closed_height >= ctx.block.height:
        return UNCHANGED
    seed = check_seed(ctx.block.hash, job.id, rnd.index)
    ranked = sorted(rnd.contributions, key=lambda c: c.rank)
    index = check_draw(seed, job.sample_ppm, len(ranked))
    committee = draws.draw_committee(seed, outsiders(ctx, deps, job), job.committee_size) if index is not None else []
    if not committee:
        rnd.check = ROUND_CHECK_UNCHECKED
        ctx.emit("diloco_check", ("job_id", str(job.id)), ("round", str(rnd.index)), ("checked", "false"))
        return CHANGED
    rnd.check, rnd.checked_host = ROUND_CHECK_VOTING, ranked[index].host
    rnd.committee.extend(encode_address(op) for op in committee)
    params = deps.training.get_params(ctx.store)
    if params.outer_check_sample_ppm > 0:
        rnd.check = ROUND_CHECK_REVEALING
        rnd.sampled_intervals.extend(diloco_reveals.draw_intervals(seed, job, rnd.index,
                                                                   params.outer_check_sample_ppm))
        rnd.reveal_deadline = ctx.block.height + params.reveal_blocks
    else:
        rnd.vote_deadline = ctx.block.height + params.outer_vote_blocks
    ctx.emit("diloco_check", ("job_id", str(job.id)), ("round", str(rnd.index)), ("checked", "true"),
             ("worker", rnd.checked_host), ("committee", ",".join(rnd.committee)),
             ("intervals", ",".join(str(k) for k in rnd.sampled_intervals)),
             ("reveal_deadline", str(rnd.reveal_deadline)), ("vote_deadline", str(rnd.vote_deadline)))
    return CHANGED


def _reveal_timeout(ctx: Context, deps, job: TrainingJob, rnd: DilocoRound) -> int:
    """REVEALING: no reveal by reveal_deadline is fraud (as an unrevealed single-prover sample)."""
    if ctx.block.height < rnd.reveal_deadline:
        return UNCHANGED
    confirm_fraud(ctx, deps, job, rnd, f"training job {job.id} round {rnd.index}: sampled intervals not "
                                       f"revealed by block {rnd.reveal_deadline}")
    return DONE


def _tally(ctx: Context, deps, job: TrainingJob, rnd: DilocoRound) -> int:
    invalid = verification.committee_says_invalid(rnd, ctx.block.height)
    if invalid is None:
        return UNCHANGED
    if invalid:
        return open_reverification(ctx, deps, job, rnd)
    _pass(ctx, job, rnd, "committee")
    return CHANGED


def _reverify_deadline(ctx: Context, deps, job: TrainingJob, rnd: DilocoRound) -> int:
    if ctx.block.height < rnd.reverification.deadline_height:
        return UNCHANGED
    return decide(ctx, deps, job, rnd, deadline_reached=True)


_STEPS = {ROUND_CHECK_PENDING: _draw, ROUND_CHECK_REVEALING: _reveal_timeout, ROUND_CHECK_VOTING: _tally,
          ROUND_CHECK_REVERIFYING: _reverify_deadline}


def _pass(ctx: Context, job: TrainingJob, rnd: DilocoRound, how: str) -> None:
    rnd.check = ROUND_CHECK_PASSED
    ctx.emit("diloco_check_passed", ("job_id", str(job.id)), ("round", str(rnd.index)),
             ("worker", rnd.checked_host), ("how", how))


def open_reverification(ctx: Context, deps, job: TrainingJob, rnd: DilocoRound) -> int:
    voters = outsiders(ctx, deps, job)
    deadline = ctx.block.height + deps.training.get_params(ctx.store).reverify_blocks
    rv = TrainingReverification(opened_height=ctx.block.height, outcome=REVERIFY_OUTCOME_OPEN,
                                deadline_height=deadline, eligible_weight=sum(w for _, w in voters),
                                voters=[encode_address(op) for op, _ in voters], voter_weights=[w for _, w in voters])
    for vote in rnd.votes:
        verification.add_weight(rv, vote.verdict, verification.voter_weight(rv, vote.voter))
    rnd.reverification.CopyFrom(rv)
    rnd.check = ROUND_CHECK_REVERIFYING
    ctx.emit("diloco_reverify_opened", ("job_id", str(job.id)), ("round", str(rnd.index)),
             ("worker", rnd.checked_host), ("deadline_height", str(deadline)))
    return decide(ctx, deps, job, rnd)


def decide(ctx: Context, deps, job: TrainingJob, rnd: DilocoRound, deadline_reached: bool = False) -> int:
    """Apply the re-verification's outcome if it has one (DONE: fraud, the job is stored)."""
    outcome = verification.reverify_outcome(rnd.reverification, deadline_reached)
    if outcome == REVERIFY_OUTCOME_OPEN:
        return CHANGED
    rnd.reverification.outcome = outcome
    if outcome == REVERIFY_OUTCOME_FRAUD:
        confirm_fraud(ctx, deps, job, rnd)
        return DONE
    if outcome == REVERIFY_OUTCOME_CLEARED:
        fraud.penalize_votes(ctx, deps, as_segment(rnd), VERDICT_INVALID,
                             deps.training.get_params(ctx.store).fault_success_drop_ppm,
                             f"training job {job.id} round {rnd.index} cleared by re-verification")
    _pass(ctx, job, rnd, verification.OUTCOME_NAMES[outcome])
    return CHANGED


def forfeited_pay(job: TrainingJob, host: str) -> int:
    """What `host` would be paid for its steps in verified rounds (docs/diloco.md §7), as the
    single-prover rule counts only PASSED segments."""
    total = job.diloco.rounds * job.diloco.inner_steps * job.diloco.workers_wanted
    rounds = sum(1 for rnd in ds.live_rounds(job) if ds.is_verified(rnd) and host in ds.contributors(rnd))
    return job.train_cost * rounds * job.diloco.inner_steps // total if total else 0


def confirm_fraud(ctx: Context, deps, job: TrainingJob, rnd: DilocoRound, reason: str = "") -> None:
    """FRAUD: punish the checked worker, forfeit its pay, pay the bounty, exclude it and roll back."""
    rnd.check = ROUND_CHECK_FRAUD
    params = deps.training.get_params(ctx.store)
    reason = reason or f"training job {job.id} round {rnd.index}: re-verification confirmed fraud"
    seg = as_segment(rnd)
    slashed, _, _ = fraud.punish_prover(ctx, deps, seg, params.fraud_tau_milli, reason)
    if rnd.checked_host not in job.forfeited:
        job.forfeited.append(rnd.checked_host)
    bounty = fraud.bounty_amount(forfeited_pay(job, rnd.checked_host), params.bounty_bps, job.verify_cost)
    confirmers = fraud.invalid_voters(seg)
    share = bounty // len(confirmers) if confirmers else 0
    for voter in confirmers if share else []:
        faults.pay_from_escrow(ctx, deps, voter, share)
    job.bounty_paid += share * len(confirmers) if share else 0
    fraud.penalize_votes(ctx, deps, seg, VERDICT_VALID, params.fault_success_drop_ppm, reason)
    worker = ds.find_worker(job, rnd.checked_host)
    if worker is not None:
        ds.leave(ctx, deps, job, worker, "fraud")
    ctx.emit("diloco_fraud", ("job_id", str(job.id)), ("round", str(rnd.index)), ("worker", rnd.checked_host),
             ("slashed", str(slashed)), ("bounty", str(share * len(confirmers))))
    diloco_rollback.roll_back(ctx, deps, job, rnd.index, reason)


# --- votes -------------------------------------------------------------------------------------


def validate_vote(msg) -> None:
    parse_address(msg.worker, "worker")
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be >= 1")
    if msg.verdict not in (VERDICT_VALID, VERDICT_INVALID):
        raise ErrInvalidRequest(f"verdict must be VALID or INVALID, got {msg.verdict}")


def handle_vote(ctx: Context, deps, msg) -> None:
    """A committee vote (VOTING) or a re-verification vote (REVERIFYING, decides on a majority)."""
    validate_vote(msg)
    _, host = worker_host(ctx, deps.hosts, msg.worker, "training verification")
    job = deps.training.get_job(ctx.store, msg.job_id)
    if job is None or not is_diloco(job):
        raise ErrInvalidRequest(f"training job {msg.job_id} is not a DiLoCo job")
    rnd = ds.live_round(job, msg.round)
    where = f"round {msg.round} of training job {job.id}"
    if rnd is None or rnd.check not in (ROUND_CHECK_VOTING, ROUND_CHECK_REVERIFYING):
        state = RoundCheck.Name(rnd.check) if rnd is not None else "not started"
        raise ErrInvalidRequest(f"{where} takes no votes ({state})")
    voter = host.operator
    if any(v.voter == voter for v in list(rnd.votes) + list(rnd.reverification.votes)):
        raise ErrInvalidRequest(f"host {voter} already voted on {where}")
    vote = CommitteeVote(voter=voter, verdict=msg.verdict, distances_ppm=[msg.distance_ppm], height=ctx.block.height)
    if rnd.check == ROUND_CHECK_VOTING:
        if voter not in rnd.committee:
            raise ErrUnauthorized(f"host {voter} is not on the committee of {where}")
        if ctx.block.height > rnd.vote_deadline:
            raise ErrInvalidRequest(f"late: votes on {where} were due by block {rnd.vote_deadline}")
        rnd.votes.append(vote)
        deps.training.set_job(ctx.store, job)
    else:
        weight = verification.voter_weight(rnd.reverification, voter)
        if weight == 0:
            raise ErrUnauthorized(f"host {voter} is not a voter of the re-verification of {where}")
        rnd.reverification.votes.append(vote)
        verification.add_weight(rnd.reverification, vote.verdict, weight)
        if decide(ctx, deps, job, rnd) != DONE:
            deps.training.set_job(ctx.store, job)
    ctx.emit("diloco_vote", ("job_id", str(job.id)), ("round", str(rnd.index)), ("voter", voter),
             ("verdict", "valid" if msg.verdict == VERDICT_VALID else "invalid"),
             ("distance_ppm", str(msg.distance_ppm)))
