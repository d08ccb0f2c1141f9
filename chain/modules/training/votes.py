"""MsgVoteTrainingSegment: committee and re-verification votes (docs/training.md §7-§8).

Accepted when (else an SDK error; nothing changes):
- the signer is a registered, non-banned host's worker account and that host is not the segment's
  prover (ErrUnauthorized);
- the verdict is VALID or INVALID and there is one distance per sampled interval (ErrInvalidRequest);
- the segment is REVEALED, the host is on its committee (ErrUnauthorized otherwise) and the block
  is <= vote_deadline; or the segment is REVERIFYING and the host is one of the re-verification's
  voters fixed at opening (ErrUnauthorized otherwise);
- the host has not voted on the segment yet (committee or re-verification) (ErrInvalidRequest).
A committee vote is stored; the tally runs at the end of the block (verification.py). A
re-verification vote adds its snapshotted weight and decides at once on a majority.
"""

from __future__ import annotations

from sprint.inference.v1.inference_pb2 import VERDICT_INVALID, VERDICT_VALID
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_REVEALED, SEGMENT_STATUS_REVERIFYING, CommitteeVote, SegmentStatus,
)
from sprint.training.v1.tx_pb2 import MsgVoteTrainingSegment

from chain.context import Context
from chain.errors import ErrInvalidRequest, ErrUnauthorized
from chain.modules.hosts.worker_auth import parse_address, worker_host
from chain.modules.training import verification

MAX_DISTANCES = 4096


def validate_vote(msg: MsgVoteTrainingSegment) -> None:
    """Stateless checks: the worker address, a job id, the verdict, a bounded distance list."""
    parse_address(msg.worker, "worker")
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be >= 1")
    if msg.verdict not in (VERDICT_VALID, VERDICT_INVALID):
        raise ErrInvalidRequest(f"verdict must be VALID or INVALID, got {msg.verdict}")
    if len(msg.distances_ppm) > MAX_DISTANCES:
        raise ErrInvalidRequest(f"at most {MAX_DISTANCES} distances, got {len(msg.distances_ppm)}")


def _segment(ctx: Context, deps, msg: MsgVoteTrainingSegment):
    job = deps.training.get_job(ctx.store, msg.job_id)
    if job is None:
        raise ErrInvalidRequest(f"training job {msg.job_id} does not exist")
    seg = verification.find_segment(job, msg.segment)
    if seg is None:
        raise ErrInvalidRequest(f"training job {job.id} has no committed segment {msg.segment}")
    return job, seg


def handle_vote(ctx: Context, deps, msg: MsgVoteTrainingSegment) -> None:
    """Record a committee vote (REVEALED) or a re-verification vote (REVERIFYING)."""
    validate_vote(msg)
    _, host = worker_host(ctx, deps.hosts, msg.worker, "training verification")
    job, seg = _segment(ctx, deps, msg)
    voter = host.operator
    where = f"segment {seg.index} of training job {job.id}"
    if voter == seg.host:
        raise ErrUnauthorized(f"host {voter} is the prover of {where} and cannot vote on it")
    if seg.status not in (SEGMENT_STATUS_REVEALED, SEGMENT_STATUS_REVERIFYING):
        raise ErrInvalidRequest(f"{where} is {SegmentStatus.Name(seg.status)}; votes are taken while it is "
                                "REVEALED (committee) or REVERIFYING (eligible hosts)")
    if len(msg.distances_ppm) != len(seg.sampled_intervals):
        raise ErrInvalidRequest(f"{where} has {len(seg.sampled_intervals)} sampled intervals; the vote carries "
                                f"{len(msg.distances_ppm)} distances")
    if any(vote.voter == voter for vote in list(seg.votes) + list(seg.reverification.votes)):
        raise ErrInvalidRequest(f"host {voter} already voted on {where}")
    vote = CommitteeVote(voter=voter, verdict=msg.verdict, distances_ppm=list(msg.distances_ppm),
                         height=ctx.block.height)
    if seg.status == SEGMENT_STATUS_REVEALED:
        _committee_vote(ctx, deps, job, seg, vote, where)
    else:
        _reverify_vote(ctx, deps, job, seg, vote, where)


def _committee_vote(ctx: Context, deps, job, seg, vote: CommitteeVote, where: str) -> None:
    if vote.voter not in seg.committee:
        raise ErrUnauthorized(f"host {vote.voter} is not on the committee of {where}")
    if ctx.block.height > seg.vote_deadline:
        raise ErrInvalidRequest(f"late: committee votes on {where} were due by block {seg.vote_deadline}, this is "
                                f"block {ctx.block.height}")
    seg.votes.append(vote)
    _emit(ctx, job, seg, vote, "committee", 1)
    deps.training.set_job(ctx.store, job)


def _reverify_vote(ctx: Context, deps, job, seg, vote: CommitteeVote, where: str) -> None:
    weight = verification.voter_weight(seg.reverification, vote.voter)
    if weight == 0:
        raise ErrUnauthorized(f"host {vote.voter} is not among the eligible voters of the re-verification of {where}")
    seg.reverification.votes.append(vote)
    verification.add_weight(seg.reverification, vote.verdict, weight)
    _emit(ctx, job, seg, vote, "reverify", weight)
    if verification.decide(ctx, deps, job, seg) != verification.DONE:
        deps.training.set_job(ctx.store, job)


def _emit(ctx: Context, job, seg, vote: CommitteeVote, kind: str, weight: int) -> None:
    ctx.emit("training_vote", ("job_id", str(job.id)), ("segment", str(seg.index)), ("voter", vote.voter),
             ("kind", kind), ("verdict", "valid" if vote.verdict == VERDICT_VALID else "invalid"),
             ("weight", str(weight)), ("distances_ppm", ",".join(str(d) for d in vote.distances_ppm)))
