"""MsgRevealTrainingStates: the prover opens the sampled leaves of a SAMPLED segment (docs/training.md §6).

Accepted when (else an SDK error naming the rule; nothing changes):
- the signer is the worker account of the segment's prover (not banned) (ErrUnauthorized);
- the segment is SAMPLED and the block is <= its reveal_deadline (ErrInvalidRequest);
- the reveals are exactly `required_intervals`, each once, in any order: every sampled interval k
  and its start state k - 1, except for k = 0 (base model, fresh optimizer) and for k = the job's
  resume_interval (the current prover's start state is on the job);
- each revealed leaf has 64-hex state hashes, its loss equals the loss the holding segment committed
  for that interval, a segment's last interval carries the segment's committed end state, and its
  audit path (at most MAX_PROOF_LENGTH hashes) proves merkle.leaf_hash(...) against the root of the
  segment holding the interval (the latest entry covering it that is neither VOIDED nor FRAUD).
Then the reveals are stored ascending by interval, the segment is REVEALED and
vote_deadline = height + vote_blocks (event training_revealed).
"""

from __future__ import annotations

from sprint.training.v1.training_pb2 import SEGMENT_STATUS_REVEALED, SEGMENT_STATUS_SAMPLED, SegmentStatus
from sprint.training.v1.tx_pb2 import MsgRevealTrainingStates

from chain.context import Context
from chain.errors import ErrInvalidRequest, ErrUnauthorized
from chain.modules.hosts.worker_auth import parse_address, worker_host
from chain.modules.training import merkle
from chain.modules.training.verification import find_segment, holding_segment

MAX_PROOF_LENGTH = 64  # an audit path of a tree with up to 2^64 leaves
HEX_LENGTH = 64


def validate_reveal(msg: MsgRevealTrainingStates) -> None:
    """Stateless checks: the worker address, a job id, at least one reveal, bounded proofs, hex hashes."""
    parse_address(msg.worker, "worker")
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be >= 1")
    if not msg.reveals:
        raise ErrInvalidRequest("a reveal carries at least one state")
    for reveal in msg.reveals:
        if len(reveal.proof) > MAX_PROOF_LENGTH:
            raise ErrInvalidRequest(f"the proof of interval {reveal.interval} has {len(reveal.proof)} hashes, "
                                    f"at most {MAX_PROOF_LENGTH}")
        for name in ("weights_sha256", "optim_sha256"):
            value = getattr(reveal, name)
            if len(value) != HEX_LENGTH or value != value.lower() or not _is_hex(value):
                raise ErrInvalidRequest(f"{name} of interval {reveal.interval} must be 64 lower-case hex digits")


def _is_hex(value: str) -> bool:
    return all(ch in "0123456789abcdef" for ch in value)


def required_intervals(job, seg) -> list[int]:
    """The intervals a reveal of `seg` must open, ascending: each sampled k and k - 1 (not for
    k = 0, nor for k = the job's resume_interval when `seg` is the current prover's)."""
    needed: dict[int, None] = {}
    for k in seg.sampled_intervals:
        if k > 0 and not (k == job.resume_interval and seg.host == job.host):
            needed[k - 1] = None
        needed[k] = None
    return sorted(needed)


def check_reveals(job, seg, reveals) -> list:
    """Raise ErrInvalidRequest unless `reveals` open exactly the required leaves with valid proofs
    (module docstring); returns them ascending by interval."""
    required = required_intervals(job, seg)
    got = sorted(reveal.interval for reveal in reveals)
    if got != required:
        raise ErrInvalidRequest(f"reveals of job {job.id} segment {seg.index} must open exactly intervals "
                                f"{required} (each sampled interval and its start state), got {got}")
    ordered = sorted(reveals, key=lambda reveal: reveal.interval)
    for reveal in ordered:
        check_leaf(job, reveal)
    return ordered


def check_leaf(job, reveal) -> None:
    """One revealed leaf against the committed segment that holds its interval."""
    k = reveal.interval
    holder = holding_segment(job, k)
    if holder is None:
        raise ErrInvalidRequest(f"interval {k} of job {job.id} is in no committed segment")
    position = k - holder.first_interval
    committed_loss = holder.losses_micro[position] if position < len(holder.losses_micro) else None
    if reveal.loss_micro != committed_loss:
        raise ErrInvalidRequest(f"loss of interval {k} is {reveal.loss_micro}, segment {holder.index} committed "
                                f"{committed_loss}")
    if position == holder.interval_count - 1 and (reveal.weights_sha256, reveal.optim_sha256) != (
            holder.end_weights_sha256, holder.end_optim_sha256):
        raise ErrInvalidRequest(f"interval {k} ends segment {holder.index}: its state must be the segment's "
                                "committed end state")
    leaf = merkle.leaf_hash(job.id, k, reveal.weights_sha256, reveal.optim_sha256, reveal.loss_micro)
    if not merkle.verify_path(leaf, position, holder.interval_count, list(reveal.proof), holder.root):
        raise ErrInvalidRequest(f"membership proof of interval {k} does not match the root of segment "
                                f"{holder.index} of job {job.id}")


def handle_reveal(ctx: Context, deps, msg: MsgRevealTrainingStates) -> None:
    """Store the prover's reveals of a SAMPLED segment; it becomes REVEALED."""
    validate_reveal(msg)
    _, host = worker_host(ctx, deps.hosts, msg.worker, "training verification")
    job = deps.training.get_job(ctx.store, msg.job_id)
    if job is None:
        raise ErrInvalidRequest(f"training job {msg.job_id} does not exist")
    seg = find_segment(job, msg.segment)
    if seg is None:
        raise ErrInvalidRequest(f"training job {job.id} has no committed segment {msg.segment}")
    if seg.host != host.operator:
        raise ErrUnauthorized(f"only the prover of segment {seg.index} of training job {job.id} ({seg.host}) "
                              f"reveals its states, not host {host.operator}")
    if seg.status != SEGMENT_STATUS_SAMPLED:
        raise ErrInvalidRequest(f"segment {seg.index} of training job {job.id} is "
                                f"{SegmentStatus.Name(seg.status)}; only a SAMPLED segment takes reveals")
    if ctx.block.height > seg.reveal_deadline:
        raise ErrInvalidRequest(f"late: the states of segment {seg.index} of training job {job.id} were due by "
                                f"block {seg.reveal_deadline}, this is block {ctx.block.height}")
    ordered = check_reveals(job, seg, msg.reveals)
    seg.reveals.extend(ordered)
    seg.status = SEGMENT_STATUS_REVEALED
    seg.vote_deadline = ctx.block.height + deps.training.get_params(ctx.store).vote_blocks
    deps.training.set_job(ctx.store, job)
    ctx.emit("training_revealed", ("job_id", str(job.id)), ("segment", str(seg.index)), ("prover", seg.host),
             ("intervals", ",".join(str(r.interval) for r in ordered)), ("vote_deadline", str(seg.vote_deadline)))
