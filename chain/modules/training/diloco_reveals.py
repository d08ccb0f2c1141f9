"""MsgRevealDilocoRound: the checked worker opens the sampled intervals of its round contribution
(sampled-interval check mode, docs/diloco.md §5), verified like single-prover reveals (reveals.py).

A round of `c = inner_steps / checkpoint_interval` intervals covers global intervals
[u*c, u*c + c); the contribution's root is the RFC 6962 tree over their leaves (docs/training.md
§4), leaf position = interval - u*c. Accepted when (else an SDK error naming the rule; nothing
changes):
- the signer is the worker account of the round's checked worker (ErrUnauthorized);
- the round's check is REVEALING and the block is <= its reveal_deadline (ErrInvalidRequest);
- the reveals are exactly every sampled interval k and its start state k - 1 (not for k = u*c: the
  round starts from theta_u and the contribution's start optimizer state), each once, any order;
- each leaf has 64-hex state hashes, the loss the contribution committed for that interval, the
  round's last interval carries the contribution's end optimizer hash, and its audit path proves
  merkle.leaf_hash(...) against the contribution's root.
Then the reveals are stored ascending, the check is VOTING and vote_deadline = height +
outer_vote_blocks (event diloco_revealed).
"""

from __future__ import annotations

from sprint.training.v1.training_pb2 import ROUND_CHECK_REVEALING, ROUND_CHECK_VOTING, RoundCheck

from chain.context import Context
from chain.errors import ErrInvalidRequest, ErrUnauthorized
from chain.modules.hosts.worker_auth import worker_host
from chain.modules.training import draws, merkle
from chain.modules.training import diloco_state as ds
from chain.modules.training.diloco_submit import is_diloco
from chain.modules.training.reveals import validate_reveal

__all__ = ["validate_reveal", "handle_reveal", "round_interval_span", "draw_intervals", "required_intervals"]


def round_interval_span(job, round_index: int) -> tuple[int, int]:
    """(first global interval, interval count) of round `round_index`."""
    count = job.diloco.inner_steps // job.hyper.checkpoint_interval
    return round_index * count, count


def draw_intervals(seed: bytes, job, round_index: int, sample_ppm: int) -> list[int]:
    """The sampled global intervals of a checked round (draws.sample_intervals over the round's span)."""
    first, count = round_interval_span(job, round_index)
    return draws.sample_intervals(seed, first, count, sample_ppm)


def required_intervals(job, rnd) -> list[int]:
    """The intervals a reveal must open, ascending: each sampled k and k - 1 (not for the round's first)."""
    first, _ = round_interval_span(job, rnd.index)
    needed: dict[int, None] = {}
    for k in rnd.sampled_intervals:
        if k > first:
            needed[k - 1] = None
        needed[k] = None
    return sorted(needed)


def checked_contribution(rnd):
    """The checked worker's contribution to `rnd` (None when absent)."""
    return next((c for c in rnd.contributions if c.host == rnd.checked_host), None)


def check_leaf(job, rnd, contribution, reveal) -> None:
    """One revealed leaf against the checked contribution's root and losses."""
    k = reveal.interval
    first, count = round_interval_span(job, rnd.index)
    position = k - first
    committed = contribution.losses_micro[position] if 0 <= position < len(contribution.losses_micro) else None
    if reveal.loss_micro != committed:
        raise ErrInvalidRequest(f"loss of interval {k} is {reveal.loss_micro}, the contribution committed {committed}")
    if position == count - 1 and reveal.optim_sha256 != contribution.end_optim_sha256:
        raise ErrInvalidRequest(f"interval {k} ends round {rnd.index}: its optimizer state must be the "
                                "contribution's committed end state")
    leaf = merkle.leaf_hash(job.id, k, reveal.weights_sha256, reveal.optim_sha256, reveal.loss_micro)
    if not merkle.verify_path(leaf, position, count, list(reveal.proof), bytes(contribution.root)):
        raise ErrInvalidRequest(f"membership proof of interval {k} does not match the root of the contribution "
                                f"of {contribution.host} to round {rnd.index} of job {job.id}")


def check_reveals(job, rnd, reveals) -> list:
    """Raise ErrInvalidRequest unless `reveals` open exactly the required leaves with valid proofs."""
    required = required_intervals(job, rnd)
    got = sorted(reveal.interval for reveal in reveals)
    if got != required:
        raise ErrInvalidRequest(f"reveals of job {job.id} round {rnd.index} must open exactly intervals "
                                f"{required} (each sampled interval and its start state), got {got}")
    contribution = checked_contribution(rnd)
    if contribution is None:
        raise ErrInvalidRequest(f"round {rnd.index} of job {job.id} has no contribution by {rnd.checked_host}")
    ordered = sorted(reveals, key=lambda reveal: reveal.interval)
    for reveal in ordered:
        check_leaf(job, rnd, contribution, reveal)
    return ordered


def _revealing_round(ctx: Context, deps, msg, operator: str):
    job = deps.training.get_job(ctx.store, msg.job_id)
    if job is None or not is_diloco(job):
        raise ErrInvalidRequest(f"training job {msg.job_id} is not a DiLoCo job")
    rnd = ds.live_round(job, msg.round)
    where = f"round {msg.round} of training job {job.id}"
    if rnd is None or rnd.check != ROUND_CHECK_REVEALING:
        state = RoundCheck.Name(rnd.check) if rnd is not None else "not started"
        raise ErrInvalidRequest(f"{where} takes no reveals ({state})")
    if rnd.checked_host != operator:
        raise ErrUnauthorized(f"only the checked worker of {where} ({rnd.checked_host}) reveals its states, "
                              f"not host {operator}")
    if ctx.block.height > rnd.reveal_deadline:
        raise ErrInvalidRequest(f"late: the states of {where} were due by block {rnd.reveal_deadline}, "
                                f"this is block {ctx.block.height}")
    return job, rnd


def handle_reveal(ctx: Context, deps, msg) -> None:
    """Store the checked worker's reveals of a REVEALING round; its check becomes VOTING."""
    validate_reveal(msg)
    _, host = worker_host(ctx, deps.hosts, msg.worker, "training verification")
    job, rnd = _revealing_round(ctx, deps, msg, host.operator)
    ordered = check_reveals(job, rnd, msg.reveals)
    rnd.reveals.extend(ordered)
    rnd.check = ROUND_CHECK_VOTING
    rnd.vote_deadline = ctx.block.height + deps.training.get_params(ctx.store).outer_vote_blocks
    deps.training.set_job(ctx.store, job)
    ctx.emit("diloco_revealed", ("job_id", str(job.id)), ("round", str(rnd.index)), ("worker", rnd.checked_host),
             ("intervals", ",".join(str(r.interval) for r in ordered)), ("vote_deadline", str(rnd.vote_deadline)))
