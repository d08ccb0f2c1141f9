"""The training agent's pure decisions (docs/training.md): what this host must do for a job, read
from the job proto alone. No torch, no node, no clock: the TrainingAgent asks these functions each
block and acts on the answers; tests/unit/worker/test_training_plan.py checks them one by one.

    next_segment(job, ips)           the segment the prover commits next (None when all are in)
    start_of_segment(job, ips, s)    where segment s's training starts (interval, weights, optim)
    reveal_leaves(job, segment)      the intervals whose leaves a reveal must carry
    sampled_start(job, segment, k)   the start state of sampled interval k (for a verifier)
    vote_kind(job, segment, op)      "committee" / "reverify" / None: must `op` vote on it?
    verdict(distances, tolerance)    VALID unless some distance exceeds the job's tolerance
"""

from __future__ import annotations

from dataclasses import dataclass

from sprint.inference.v1 import inference_pb2 as ipb
from sprint.training.v1 import training_pb2 as tpb

ACTIVE = (tpb.TRAINING_JOB_STATUS_TRAINING, tpb.TRAINING_JOB_STATUS_VERIFYING)
# Segments that no longer count: the job resumed before them (after a fault or fraud).
DEAD = (tpb.SEGMENT_STATUS_VOIDED, tpb.SEGMENT_STATUS_FRAUD)


@dataclass(frozen=True)
class StateRef:
    """A checkpoint state by its blob hashes; optim "" = the fresh optimizer (zero moments, step 0)."""

    interval: int  # the state after this interval; -1 = the base model
    weights_sha256: str
    optim_sha256: str


def segment_bounds(job, ips: int, segment: int) -> tuple[int, int]:
    """(first interval, interval count) of `segment` (the last segment may be shorter)."""
    first = segment * ips
    return first, max(0, min(ips, job.intervals - first))


def live_segments(job) -> list:
    """The job's segments that still count (neither VOIDED nor FRAUD), by index."""
    return sorted((s for s in job.segments_log if s.status not in DEAD), key=lambda s: s.index)


def segment_of(job, index: int):
    """The live Segment with `index`, or None."""
    return next((s for s in live_segments(job) if s.index == index), None)


def next_segment(job, ips: int) -> int | None:
    """The index of the segment the current prover must commit next (the chain expects the number
    of live segments), or None when every segment is committed (or the job is not TRAINING)."""
    if job.status != tpb.TRAINING_JOB_STATUS_TRAINING or ips <= 0:
        return None
    nxt = len(live_segments(job))
    return nxt if nxt * ips < job.intervals else None


def is_prover(job, operator: str) -> bool:
    return job.status == tpb.TRAINING_JOB_STATUS_TRAINING and job.host == operator


def start_of_segment(job, ips: int, segment: int, base_weights_sha256: str) -> StateRef:
    """The state segment `segment` trains from: the job's resume state at its resume interval (the
    base model and a fresh optimizer at 0), else the end state the previous segment committed.
    ValueError when the previous segment is not on chain."""
    first = segment * ips
    if first == 0:
        return StateRef(-1, base_weights_sha256, "")
    if first == job.resume_interval:
        return StateRef(first - 1, job.resume_weights_sha256, job.resume_optim_sha256)
    prev = segment_of(job, segment - 1)
    if prev is None or not prev.end_weights_sha256:
        raise ValueError(f"job {job.id}: segment {segment - 1} is not committed; cannot start segment {segment}")
    return StateRef(first - 1, prev.end_weights_sha256, prev.end_optim_sha256)


def reveals_due(job, operator: str) -> list:
    """This host's SAMPLED segments of `job` (it must reveal them), by index."""
    if job.status not in ACTIVE:
        return []
    return [s for s in live_segments(job) if s.status == tpb.SEGMENT_STATUS_SAMPLED and s.host == operator]


def starts_on_job(job, segment, k: int) -> bool:
    """Whether interval k's start state is the job's resume state (k is the resume interval of the
    current prover, who committed `segment`): then it is not revealed."""
    return k == job.resume_interval and segment.host == job.host


def reveal_leaves(job, segment) -> list[int]:
    """Ascending intervals whose leaves the reveal of `segment` carries: every sampled interval k and
    its start k-1, except at 0 (the base model) and when the start state is on the job."""
    needed = set()
    for k in segment.sampled_intervals:
        needed.add(k)
        if k > 0 and not starts_on_job(job, segment, k):
            needed.add(k - 1)
    return sorted(needed)


def voters(segment) -> set[str]:
    """Operators that have voted on `segment` (committee round or re-verification)."""
    found = {v.voter for v in segment.votes}
    if segment.HasField("reverification"):
        found |= {v.voter for v in segment.reverification.votes}
    return found


def vote_kind(job, segment, operator: str) -> str | None:
    """"committee" when `operator` is on the REVEALED segment's committee and has not voted,
    "reverify" when the segment is REVERIFYING, `operator` (not its prover) is among the voters fixed
    at its opening and has not voted, else None."""
    if job.status not in ACTIVE or segment.host == operator or operator in voters(segment):
        return None
    if segment.status == tpb.SEGMENT_STATUS_REVEALED and operator in segment.committee:
        return "committee"
    if segment.status == tpb.SEGMENT_STATUS_REVERIFYING and operator in segment.reverification.voters:
        return "reverify"
    return None


def votes_due(job, operator: str) -> list[tuple[object, str]]:
    """(segment, kind) for every segment of `job` on which `operator` must vote now."""
    out = []
    for segment in live_segments(job):
        kind = vote_kind(job, segment, operator)
        if kind is not None:
            out.append((segment, kind))
    return out


def reveal_of(segment, interval: int):
    """The StateReveal of `interval` in `segment`, or None."""
    return next((r for r in segment.reveals if r.interval == interval), None)


def sampled_start(job, segment, k: int, base_weights_sha256: str) -> StateRef:
    """Start state of sampled interval `k`: the revealed leaf of k-1, or the job's resume state at its
    resume interval (the base model with a fresh optimizer at 0). ValueError when not revealed."""
    if k == 0:
        return StateRef(-1, base_weights_sha256, "")
    if starts_on_job(job, segment, k):
        return StateRef(k - 1, job.resume_weights_sha256, job.resume_optim_sha256)
    prev = reveal_of(segment, k - 1)
    if prev is None:
        raise ValueError(f"job {job.id} segment {segment.index}: the start of interval {k} was not revealed")
    return StateRef(k - 1, prev.weights_sha256, prev.optim_sha256)


def sampled_end(segment, k: int) -> StateRef:
    """The claimed end state of sampled interval `k` (its revealed leaf)."""
    leaf = reveal_of(segment, k)
    if leaf is None:
        raise ValueError(f"segment {segment.index}: interval {k} was not revealed")
    return StateRef(k, leaf.weights_sha256, leaf.optim_sha256)


def verdict(distances_ppm: list[int], tolerance_ppm: int) -> int:
    """VERDICT_INVALID when any distance exceeds the tolerance, else VERDICT_VALID (§7)."""
    return ipb.VERDICT_INVALID if any(d > tolerance_ppm for d in distances_ppm) else ipb.VERDICT_VALID


def loss_micro(losses: list[float]) -> int:
    """An interval's loss: round(mean of its step losses x 10^6) (§3)."""
    return int(round(sum(losses) / len(losses) * 1_000_000)) if losses else 0


def needed_intervals(job, ips: int, operator: str) -> set[int]:
    """Interval states this prover must keep on disk for `job`: every leaf of its own segments that
    have not passed (reveals may ask for them, and for the state just before them), and the end of
    the last live segment (the next segment starts there)."""
    keep = set()
    live = live_segments(job)
    for seg in live:
        if seg.host != operator or seg.status == tpb.SEGMENT_STATUS_PASSED:
            continue
        keep.update(range(max(0, seg.first_interval - 1), seg.first_interval + seg.interval_count))
    if live:
        last = live[-1]
        keep.add(last.first_interval + last.interval_count - 1)
    return keep
