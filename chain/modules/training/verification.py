"""Segment verification at the end of every block (docs/training.md §5-§8).

For every active job (TRAINING or VERIFYING), each segment by status:
- COMMITTED, committed before this block: seed = draws.sample_seed(this block's hash, job, segment)
  (a hash that did not exist at commit time); the sample and a committee drawn by Sprint weight from
  the eligible hosts other than the prover. No candidate: PASSED at once. Else SAMPLED with
  reveal_deadline = height + reveal_blocks (event training_sampled).
- SAMPLED at or after reveal_deadline (no reveal can come any more): fraud (unrevealed sample).
- REVEALED, every committee member voted or at/after vote_deadline: INVALID votes x 2 > votes cast
  opens a re-verification (REVERIFYING); otherwise PASSED. Counting the votes cast, not the seats,
  keeps a silent (offline, banned or lazy) member from turning an INVALID minority of seats into a pass.
- REVERIFYING: INVALID weight x 2 > eligible weight -> fraud; VALID weight x 2 > eligible weight
  -> PASSED (cleared); at/after its deadline without a majority -> PASSED (inconclusive). A vote
  that makes a majority decides at once (votes.py calls `decide`).
A job with a fraud is stored and re-assigned by fraud.confirm_fraud; its later segments are not
looked at in the same block.
"""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import (
    REVERIFY_OUTCOME_CLEARED, REVERIFY_OUTCOME_FRAUD, REVERIFY_OUTCOME_INCONCLUSIVE, REVERIFY_OUTCOME_OPEN,
    VERDICT_INVALID, VERDICT_VALID,
)
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_COMMITTED, SEGMENT_STATUS_FRAUD, SEGMENT_STATUS_PASSED, SEGMENT_STATUS_REVEALED,
    SEGMENT_STATUS_REVERIFYING, SEGMENT_STATUS_SAMPLED, SEGMENT_STATUS_VOIDED, Segment, TrainingJob,
    TrainingReverification,
)

from chain.context import Context
from chain.modules.training import draws, fraud
from chain.tx.crypto import decode_address, encode_address

UNCHANGED, CHANGED, DONE = 0, 1, 2  # DONE: the job was stored (and re-assigned) by fraud handling
OUTCOME_NAMES = {REVERIFY_OUTCOME_FRAUD: "fraud", REVERIFY_OUTCOME_CLEARED: "cleared",
                 REVERIFY_OUTCOME_INCONCLUSIVE: "inconclusive"}


# --- lookups -----------------------------------------------------------------------------------


def find_segment(job: TrainingJob, index: int) -> Segment | None:
    """The latest entry of segment `index` in the job's log (None when never committed)."""
    found = None
    for seg in job.segments_log:
        if seg.index == index:
            found = seg
    return found


def holding_segment(job: TrainingJob, interval: int) -> Segment | None:
    """The latest entry neither VOIDED nor FRAUD whose intervals include `interval`."""
    found = None
    for seg in job.segments_log:
        if seg.status not in (SEGMENT_STATUS_VOIDED, SEGMENT_STATUS_FRAUD) \
                and seg.first_interval <= interval < seg.first_interval + seg.interval_count:
            found = seg
    return found


def voter_weight(rv: TrainingReverification, voter: str) -> int:
    """The weight `voter` (bech32) votes with in the re-verification (0: not an eligible voter)."""
    for address, weight in zip(rv.voters, rv.voter_weights):
        if address == voter:
            return weight
    return 0


# --- end of block ------------------------------------------------------------------------------


def end_block(ctx: Context, deps) -> None:
    """Draws, reveal deadlines, committee tallies and re-verification deadlines of every active job."""
    for job_id in deps.training.active_job_ids(ctx.store):
        job = deps.training.get_job(ctx.store, job_id)
        if job is not None:
            _job_step(ctx, deps, job)


def _job_step(ctx: Context, deps, job: TrainingJob) -> None:
    changed = False
    for seg in job.segments_log:
        step = _STEPS.get(seg.status)
        result = step(ctx, deps, job, seg) if step is not None else UNCHANGED
        if result == DONE:
            return
        changed = changed or result == CHANGED
    if changed:
        deps.training.set_job(ctx.store, job)


def _draw(ctx: Context, deps, job: TrainingJob, seg: Segment) -> int:
    """COMMITTED: draw the sample and committee from this block's hash (the block after the commit)."""
    if seg.commit_height >= ctx.block.height:
        return UNCHANGED
    prover = decode_address(seg.host)
    seed = draws.sample_seed(ctx.block.hash, job.id, seg.index)
    del seg.sampled_intervals[:]
    seg.sampled_intervals.extend(draws.sample_intervals(seed, seg.first_interval, seg.interval_count, job.sample_ppm))
    candidates = [(op, host.weight) for op, host in deps.hosts.eligible_hosts(ctx.store) if op != prover]
    committee = draws.draw_committee(seed, candidates, job.committee_size)
    del seg.committee[:]
    seg.committee.extend(encode_address(op) for op in committee)
    if not committee:
        pass_segment(ctx, job, seg, "no_candidates")
        return CHANGED
    seg.status = SEGMENT_STATUS_SAMPLED
    seg.reveal_deadline = ctx.block.height + deps.training.get_params(ctx.store).reveal_blocks
    ctx.emit("training_sampled", ("job_id", str(job.id)), ("segment", str(seg.index)), ("prover", seg.host),
             ("sampled", ",".join(str(k) for k in seg.sampled_intervals)), ("committee", ",".join(seg.committee)),
             ("reveal_deadline", str(seg.reveal_deadline)))
    return CHANGED


def _reveal_timeout(ctx: Context, deps, job: TrainingJob, seg: Segment) -> int:
    """SAMPLED: no reveal by reveal_deadline is fraud."""
    if ctx.block.height < seg.reveal_deadline:
        return UNCHANGED
    reason = (f"training job {job.id} segment {seg.index}: sampled states not revealed by block "
              f"{seg.reveal_deadline}")
    fraud.confirm_fraud(ctx, deps, job, seg, reason)
    return DONE


def committee_says_invalid(check, height: int) -> bool | None:
    """The committee tally of a revealed segment or a checked DiLoCo round (`committee`, `votes`,
    `vote_deadline`): None while members may still vote (some silent and before the deadline); else
    whether INVALID votes are a majority of the votes cast (silent seats count for neither side)."""
    if len(check.votes) < len(check.committee) and height < check.vote_deadline:
        return None
    invalid = sum(1 for vote in check.votes if vote.verdict == VERDICT_INVALID)
    return invalid * 2 > len(check.votes)


def _tally(ctx: Context, deps, job: TrainingJob, seg: Segment) -> int:
    """REVEALED: once every member voted or at vote_deadline, PASS or open a re-verification."""
    invalid = committee_says_invalid(seg, ctx.block.height)
    if invalid is None:
        return UNCHANGED
    if invalid:
        return open_reverification(ctx, deps, job, seg)
    pass_segment(ctx, job, seg, "committee")
    return CHANGED


def _reverify_deadline(ctx: Context, deps, job: TrainingJob, seg: Segment) -> int:
    """REVERIFYING: decide at the deadline (no majority then: PASSED, inconclusive)."""
    if ctx.block.height < seg.reverification.deadline_height:
        return UNCHANGED
    return decide(ctx, deps, job, seg, deadline_reached=True)


_STEPS = {SEGMENT_STATUS_COMMITTED: _draw, SEGMENT_STATUS_SAMPLED: _reveal_timeout,
          SEGMENT_STATUS_REVEALED: _tally, SEGMENT_STATUS_REVERIFYING: _reverify_deadline}


# --- outcomes ----------------------------------------------------------------------------------


def pass_segment(ctx: Context, job: TrainingJob, seg: Segment, how: str) -> None:
    """Mark the segment PASSED at this height (event training_segment_passed)."""
    seg.status = SEGMENT_STATUS_PASSED
    seg.passed_height = ctx.block.height
    ctx.emit("training_segment_passed", ("job_id", str(job.id)), ("segment", str(seg.index)), ("prover", seg.host),
             ("how", how), ("valid_votes", str(sum(1 for v in seg.votes if v.verdict == VERDICT_VALID))),
             ("invalid_votes", str(sum(1 for v in seg.votes if v.verdict == VERDICT_INVALID))))


def open_reverification(ctx: Context, deps, job: TrainingJob, seg: Segment) -> int:
    """REVERIFYING: snapshot every eligible host except the prover with its weight, count the
    committee's votes with their weights, then decide (a majority may exist already)."""
    prover = decode_address(seg.host)
    voters = [(op, host.weight) for op, host in deps.hosts.eligible_hosts(ctx.store) if op != prover]
    rv = TrainingReverification(opened_height=ctx.block.height, outcome=REVERIFY_OUTCOME_OPEN,
                                deadline_height=ctx.block.height + deps.training.get_params(ctx.store).reverify_blocks,
                                eligible_weight=sum(weight for _, weight in voters),
                                voters=[encode_address(op) for op, _ in voters],
                                voter_weights=[weight for _, weight in voters])
    for vote in seg.votes:
        add_weight(rv, vote.verdict, voter_weight(rv, vote.voter))
    seg.reverification.CopyFrom(rv)
    seg.status = SEGMENT_STATUS_REVERIFYING
    ctx.emit("training_reverify_opened", ("job_id", str(job.id)), ("segment", str(seg.index)),
             ("prover", seg.host), ("eligible_weight", str(rv.eligible_weight)),
             ("valid_weight", str(rv.valid_weight)), ("invalid_weight", str(rv.invalid_weight)),
             ("deadline_height", str(rv.deadline_height)))
    return decide(ctx, deps, job, seg)


def add_weight(rv: TrainingReverification, verdict: int, weight: int) -> None:
    """Count `weight` on the side of `verdict`."""
    if verdict == VERDICT_VALID:
        rv.valid_weight += weight
    elif verdict == VERDICT_INVALID:
        rv.invalid_weight += weight


def reverify_outcome(rv: TrainingReverification, deadline_reached: bool) -> int:
    """FRAUD / CLEARED on a weight majority, else INCONCLUSIVE once the deadline is reached, else OPEN."""
    if rv.invalid_weight * 2 > rv.eligible_weight:
        return REVERIFY_OUTCOME_FRAUD
    if rv.valid_weight * 2 > rv.eligible_weight:
        return REVERIFY_OUTCOME_CLEARED
    return REVERIFY_OUTCOME_INCONCLUSIVE if deadline_reached else REVERIFY_OUTCOME_OPEN


def decide(ctx: Context, deps, job: TrainingJob, seg: Segment, deadline_reached: bool = False) -> int:
    """Apply the re-verification's outcome now, if it has one (CHANGED: the caller stores the job;
    DONE: fraud, the job is stored and re-assigned). Votes decide on a majority only; the end of
    the deadline block (deadline_reached) also closes it without one."""
    rv = seg.reverification
    outcome = reverify_outcome(rv, deadline_reached)
    if outcome == REVERIFY_OUTCOME_OPEN:
        return CHANGED
    rv.outcome = outcome
    if outcome == REVERIFY_OUTCOME_FRAUD:
        reason = (f"training job {job.id} segment {seg.index}: re-verification confirmed fraud "
                  f"(invalid weight {rv.invalid_weight} of {rv.eligible_weight})")
        fraud.confirm_fraud(ctx, deps, job, seg, reason)
        return DONE
    if outcome == REVERIFY_OUTCOME_CLEARED:
        params = deps.training.get_params(ctx.store)
        fraud.penalize_votes(ctx, deps, seg, VERDICT_INVALID, params.fault_success_drop_ppm,
                             f"training job {job.id} segment {seg.index} cleared by re-verification")
    pass_segment(ctx, job, seg, OUTCOME_NAMES[outcome])
    return CHANGED
