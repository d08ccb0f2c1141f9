"""The DiLoCo agent's pure decisions (docs/diloco.md), read from the job proto alone: no torch, no
node, no clock. The DilocoAgent asks these each block; tests/unit/worker/test_diloco_agent_plan.py
checks them one by one.

    is_diloco(job)                   a multi-host job (workers > 1)
    current_round(job)               the live entry of the round in progress (None when all agreed)
    inner_due(job, op)               the OPEN round `op` must still contribute to (or None)
    outer_due(job, op)               the OUTER round whose outer step `op` must still commit (or None)
    votes_due(job, op)               (round, "committee" | "reverify") for checks `op` must vote on
    reveals_due(job, op)             REVEALING rounds whose checked worker is `op` (sampled intervals)
    inner_key / outer_key            what identifies a task's inputs (a re-opened round is new work)
    kept_blobs(job, op)              blobs worth keeping on disk (optimizer states, current inputs)
"""

from __future__ import annotations

from sprint.training.v1 import training_pb2 as tpb

TRAINING = tpb.TRAINING_JOB_STATUS_TRAINING
ACTIVE = (tpb.TRAINING_JOB_STATUS_TRAINING, tpb.TRAINING_JOB_STATUS_VERIFYING)


def is_diloco(job) -> bool:
    """A multi-host DiLoCo job (the chain's rule: workers_wanted > 1)."""
    return job.diloco.workers_wanted > 1


def live_rounds(job) -> list:
    """Round entries not rolled back, in log order (one per index)."""
    return [r for r in job.diloco.rounds_log if r.status != tpb.ROUND_STATUS_ROLLED_BACK]


def live_round(job, index: int):
    """The live entry of round `index`, or None."""
    for rnd in reversed(job.diloco.rounds_log):
        if rnd.index == index and rnd.status != tpb.ROUND_STATUS_ROLLED_BACK:
            return rnd
    return None


def current_round(job):
    """The live entry of the round in progress, or None once every round is agreed."""
    return live_round(job, job.diloco.current_round)


def my_worker(job, operator: str):
    """`operator`'s active DilocoWorker entry, or None."""
    return next((w for w in job.diloco.workers if w.host == operator and w.active), None)


def contributed(rnd, operator: str) -> bool:
    return any(c.host == operator for c in rnd.contributions)


def inner_due(job, operator: str):
    """The current OPEN round when `operator` is an active worker expected in it that has not
    contributed yet (TRAINING jobs only), else None."""
    if not is_diloco(job) or job.status != TRAINING:
        return None
    me, rnd = my_worker(job, operator), current_round(job)
    if me is None or rnd is None or rnd.status != tpb.ROUND_STATUS_OPEN:
        return None
    if me.joined_round > rnd.index or contributed(rnd, operator):
        return None
    return rnd


def outer_due(job, operator: str):
    """The current OUTER round when `operator` contributed to it and has not committed its outer
    step, else None."""
    if not is_diloco(job) or job.status != TRAINING:
        return None
    rnd = current_round(job)
    if rnd is None or rnd.status != tpb.ROUND_STATUS_OUTER or not contributed(rnd, operator):
        return None
    if any(c.host == operator for c in rnd.outer_commits):
        return None
    return rnd


def voted(rnd, operator: str) -> bool:
    return any(v.voter == operator for v in list(rnd.votes) + list(rnd.reverification.votes))


def vote_kind(rnd, operator: str) -> str | None:
    """"committee" when `operator` sits on the VOTING round's committee, "reverify" when it is a
    voter of its re-verification; None when it has voted or has no say (never its own round)."""
    if voted(rnd, operator) or rnd.checked_host == operator:
        return None
    if rnd.check == tpb.ROUND_CHECK_VOTING and operator in rnd.committee:
        return "committee"
    if rnd.check == tpb.ROUND_CHECK_REVERIFYING and operator in rnd.reverification.voters:
        return "reverify"
    return None


def votes_due(job, operator: str) -> list[tuple[object, str]]:
    """(round, kind) for every live round of `job` whose check `operator` must vote on now."""
    if not is_diloco(job) or job.status not in ACTIVE:
        return []
    out = []
    for rnd in live_rounds(job):
        kind = vote_kind(rnd, operator)
        if kind is not None:
            out.append((rnd, kind))
    return out


def reveals_due(job, operator: str) -> list:
    """Live rounds of `job` in the sampled-interval mode whose check waits for `operator`'s reveal."""
    if not is_diloco(job) or job.status not in ACTIVE:
        return []
    return [rnd for rnd in live_rounds(job)
            if rnd.check == tpb.ROUND_CHECK_REVEALING and rnd.checked_host == operator]


def round_span(job, rnd) -> tuple[int, int]:
    """(first global checkpoint interval, interval count) of `rnd`."""
    count = job.diloco.inner_steps // job.hyper.checkpoint_interval
    return rnd.index * count, count


def reveal_key(job, rnd) -> tuple:
    return ("reveal", job.id, rnd.index, rnd.open_height)


def revealable_roots(job, operator: str) -> list[str]:
    """Roots (hex) of `operator`'s contributions whose intervals a check may still ask it to reveal
    (live rounds whose check is PENDING or REVEALING)."""
    waiting = (tpb.ROUND_CHECK_PENDING, tpb.ROUND_CHECK_REVEALING)
    return [bytes(c.root).hex() for rnd in live_rounds(job) if rnd.check in waiting
            for c in rnd.contributions if c.host == operator]


def vote_deadline(rnd, kind: str) -> int:
    return rnd.vote_deadline if kind == "committee" else rnd.reverification.deadline_height


def checked_contribution(rnd):
    """The contribution under check (of `checked_host`); ValueError when it is not in the round."""
    found = next((c for c in rnd.contributions if c.host == rnd.checked_host), None)
    if found is None:
        raise ValueError(f"round {rnd.index}: checked host {rnd.checked_host} has no contribution")
    return found


def ranked_deltas(rnd) -> list[str]:
    """The round's Delta hashes in ascending rank order (the outer step's D_1..D_n)."""
    return [c.delta_sha256 for c in sorted(rnd.contributions, key=lambda c: c.rank)]


def inner_key(job, rnd, worker) -> tuple:
    """An inner task's identity: its inputs (theta_u, start optimizer, rank, round, open height)."""
    return ("inner", job.id, rnd.index, rnd.open_height, rnd.start_weights_sha256, worker.optim_sha256, worker.rank)


def outer_key(job, rnd) -> tuple:
    """An outer task's identity: the round entry and its (fixed) contributions."""
    return ("outer", job.id, rnd.index, rnd.open_height, tuple(ranked_deltas(rnd)))


def vote_key(job, rnd, kind: str) -> tuple:
    return ("vote", job.id, rnd.index, rnd.open_height, kind)


def round_losses(job) -> list[tuple[int, list[int]]]:
    """(round index, last interval loss x 10^6 of each contribution in rank order) per live CLOSED round."""
    out = []
    for rnd in live_rounds(job):
        if rnd.status == tpb.ROUND_STATUS_CLOSED:
            out.append((rnd.index, [c.losses_micro[-1] if c.losses_micro else 0
                                    for c in sorted(rnd.contributions, key=lambda c: c.rank)]))
    return out


def needed_blobs(job, operator: str) -> set[str]:
    """Blob hashes this host may still need for `job`: its optimizer state and the end/start states
    of its contributions in live rounds (a rollback returns it to one of them)."""
    keep = set()
    me = my_worker(job, operator)
    if me is not None and me.optim_sha256:
        keep.add(me.optim_sha256)
    for rnd in live_rounds(job):
        for c in rnd.contributions:
            if c.host == operator:
                keep.update(h for h in (c.start_optim_sha256, c.end_optim_sha256) if h)
    return keep


def round_inputs(rnd) -> set[str]:
    """Blobs a task on `rnd` reads: theta_u, m_u, every Delta and every start optimizer state."""
    found = {rnd.start_weights_sha256, rnd.start_momentum_sha256}
    for c in rnd.contributions:
        found.update((c.delta_sha256, c.start_optim_sha256))
    return {h for h in found if h}


def kept_blobs(job, operator: str) -> set[str]:
    """What this host keeps of `job` on disk: needed_blobs, the inputs of the current round and of
    rounds whose check it may still vote on, and the latest agreed pair (the next round's start)."""
    keep = needed_blobs(job, operator)
    rnd = current_round(job)
    if rnd is not None:
        keep |= round_inputs(rnd)
    for checked, _ in votes_due(job, operator):
        keep |= round_inputs(checked)
    agreed = [r for r in live_rounds(job) if r.agreed_weights_sha256]
    if agreed:
        keep.update(h for h in (agreed[-1].agreed_weights_sha256, agreed[-1].agreed_momentum_sha256) if h)
    return keep
