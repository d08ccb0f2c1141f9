"""DiLoCo rounds (docs/diloco.md §2-§3): contributions, the barrier or deadline that closes a
round, stragglers, the outer-hash commits and the agreed-hash rule.

Messages (a failing rule raises an SDK error and changes nothing):
- MsgCommitDilocoRound (a worker's account): the job is a TRAINING DiLoCo job; the host is an active
  worker (ErrUnauthorized otherwise) that joined at or before the round; `round` is the current
  round and it is OPEN; height <= deadline; one contribution per worker; one loss per checkpoint
  interval of the round (inner_steps / checkpoint_interval).
- MsgCommitDilocoOuter: the round is the current one and OUTER; the host contributed to it
  (ErrUnauthorized otherwise); height <= closed_height + outer_blocks; one commit per worker.

End block (`progress`, for the job's current round):
- OPEN: closes when every expected worker contributed or at the end of its deadline block. Each
  expected worker without a contribution has a miss (the light fault penalty, excused in a
  maintenance window) and leaves the job after two misses in a row. A close with no contribution
  re-opens the same round (pending replacements join; job.reassignments + 1, FAILED past
  max_reassignments). Otherwise OUTER (check PENDING).
- OUTER: once every contributor committed or at the end of the closed + outer_blocks block: the pair
  committed by the most workers is agreed (ties: the earliest); contributors whose pair differs or
  who did not commit are flagged (light penalty). No commit at all counts as a re-assignment (FAILED
  past max_reassignments) and rolls the round back (it is redone from its start). Round u + 1 opens from the agreed pair; after the last round the job is VERIFYING.
"""

from __future__ import annotations

from sprint.training.v1.training_pb2 import (
    ROUND_CHECK_PENDING, ROUND_STATUS_CLOSED, ROUND_STATUS_OPEN, ROUND_STATUS_OUTER, TRAINING_JOB_STATUS_TRAINING,
    TRAINING_JOB_STATUS_VERIFYING, OuterCommit, RoundContribution, RoundStatus, TrainingJob, TrainingJobStatus,
)

from chain.context import Context
from chain.errors import ErrInvalidRequest, ErrUnauthorized
from chain.modules.hosts.worker_auth import parse_address, worker_host
from chain.modules.inference.models import check_sha256_hex
from chain.modules.training import diloco_state as ds
from chain.modules.training import faults
from chain.modules.training.diloco_submit import is_diloco
from chain.tx.crypto import decode_address

ROOT_BYTES = 32


# --- messages ----------------------------------------------------------------------------------


def validate_commit_round(msg) -> None:
    parse_address(msg.worker, "worker")
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be set")
    check_sha256_hex(msg.delta_sha256, "delta_sha256")
    check_sha256_hex(msg.end_optim_sha256, "end_optim_sha256")
    if msg.delta_size == 0 or msg.end_optim_size == 0:
        raise ErrInvalidRequest("delta_size and end_optim_size must be > 0")
    if len(msg.root) != ROOT_BYTES:
        raise ErrInvalidRequest(f"root must be {ROOT_BYTES} bytes (a sha256 Merkle root), got {len(msg.root)}")


def validate_commit_outer(msg) -> None:
    parse_address(msg.worker, "worker")
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be set")
    check_sha256_hex(msg.weights_sha256, "weights_sha256")
    check_sha256_hex(msg.momentum_sha256, "momentum_sha256")
    if msg.weights_size == 0:
        raise ErrInvalidRequest("weights_size must be > 0")


def _job_and_round(ctx: Context, deps, msg, status: int):
    """(job, host operator, current round) after the job/round/status rules."""
    _, host = worker_host(ctx, deps.hosts, msg.worker, "training")
    job = deps.training.get_job(ctx.store, msg.job_id)
    if job is None or not is_diloco(job):
        raise ErrInvalidRequest(f"training job {msg.job_id} is not a DiLoCo job")
    if job.status != TRAINING_JOB_STATUS_TRAINING:
        raise ErrInvalidRequest(f"training job {job.id} is {TrainingJobStatus.Name(job.status)}, not TRAINING")
    if ds.find_worker(job, host.operator) is None:
        raise ErrUnauthorized(f"host {host.operator} is not an active worker of training job {job.id}")
    rnd = ds.current_round(job)
    if msg.round != job.diloco.current_round or rnd.status != status:
        raise ErrInvalidRequest(f"training job {job.id} is in round {job.diloco.current_round} "
                                f"({RoundStatus.Name(rnd.status)}); got a {RoundStatus.Name(status)} message for "
                                f"round {msg.round}")
    return job, host.operator, rnd


def handle_commit_round(ctx: Context, deps, msg) -> None:
    """Record a worker's contribution to the open round."""
    validate_commit_round(msg)
    job, host, rnd = _job_and_round(ctx, deps, msg, ROUND_STATUS_OPEN)
    worker = ds.find_worker(job, host)
    if worker.joined_round > rnd.index:
        raise ErrInvalidRequest(f"worker {host} joins training job {job.id} at round {worker.joined_round}")
    if ctx.block.height > rnd.deadline:
        raise ErrInvalidRequest(f"late: round {rnd.index} of training job {job.id} closed at block {rnd.deadline}")
    if host in ds.contributors(rnd):
        raise ErrInvalidRequest(f"worker {host} already contributed to round {rnd.index} of training job {job.id}")
    intervals = job.diloco.inner_steps // job.hyper.checkpoint_interval
    if len(msg.losses_micro) != intervals:
        raise ErrInvalidRequest(f"a round has {intervals} checkpoint intervals; got {len(msg.losses_micro)} losses")
    rnd.contributions.append(RoundContribution(
        host=host, rank=worker.rank, delta_sha256=msg.delta_sha256, delta_size=msg.delta_size,
        start_optim_sha256=worker.optim_sha256, end_optim_sha256=msg.end_optim_sha256,
        end_optim_size=msg.end_optim_size, root=msg.root, losses_micro=msg.losses_micro, height=ctx.block.height))
    deps.training.set_job(ctx.store, job)
    ctx.emit("diloco_contribution", ("job_id", str(job.id)), ("round", str(rnd.index)), ("host", host),
             ("rank", str(worker.rank)), ("delta_sha256", msg.delta_sha256))


def handle_commit_outer(ctx: Context, deps, msg) -> None:
    """Record a contributor's hashes of theta_{u+1} and m_{u+1}."""
    validate_commit_outer(msg)
    job, host, rnd = _job_and_round(ctx, deps, msg, ROUND_STATUS_OUTER)
    if host not in ds.contributors(rnd):
        raise ErrUnauthorized(f"host {host} did not contribute to round {rnd.index} of training job {job.id}")
    deadline = rnd.closed_height + deps.training.get_params(ctx.store).outer_blocks
    if ctx.block.height > deadline:
        raise ErrInvalidRequest(f"late: outer commits of round {rnd.index} were due by block {deadline}")
    if any(c.host == host for c in rnd.outer_commits):
        raise ErrInvalidRequest(f"worker {host} already committed the outer step of round {rnd.index}")
    rnd.outer_commits.append(OuterCommit(host=host, weights_sha256=msg.weights_sha256,
                                         momentum_sha256=msg.momentum_sha256, height=ctx.block.height,
                                         weights_size=msg.weights_size))
    deps.training.set_job(ctx.store, job)
    ctx.emit("diloco_outer_commit", ("job_id", str(job.id)), ("round", str(rnd.index)), ("host", host),
             ("weights_sha256", msg.weights_sha256))


# --- end block ---------------------------------------------------------------------------------


def miss(ctx: Context, deps, job: TrainingJob, worker, reason: str, deadline: int) -> None:
    """A non-malicious miss (light penalty unless in maintenance); two in a row: the worker leaves."""
    operator = decode_address(worker.host)
    if not deps.training.in_maintenance(ctx.store, operator, deadline):
        faults.penalize_unavailable(ctx, deps, operator, reason)
    worker.missed_rounds += 1
    ctx.emit("diloco_miss", ("job_id", str(job.id)), ("host", worker.host), ("reason", reason),
             ("missed_rounds", str(worker.missed_rounds)))
    if worker.missed_rounds >= ds.MISSES_TO_LEAVE:
        ds.leave(ctx, deps, job, worker, f"{worker.missed_rounds} missed rounds in a row")


def progress(ctx: Context, deps, job: TrainingJob) -> bool:
    """Advance the job's current round if its barrier or deadline is reached; True when changed."""
    rnd = ds.current_round(job)
    if rnd is None or job.status != TRAINING_JOB_STATUS_TRAINING:
        return False
    if rnd.status == ROUND_STATUS_OPEN:
        expected = ds.expected_workers(job, rnd)
        done = set(ds.contributors(rnd))
        if (expected and all(w.host in done for w in expected)) or ctx.block.height >= rnd.deadline:
            close_round(ctx, deps, job, rnd, expected)
            return True
    elif rnd.status == ROUND_STATUS_OUTER:
        committed = {c.host for c in rnd.outer_commits}
        deadline = rnd.closed_height + deps.training.get_params(ctx.store).outer_blocks
        if all(h in committed for h in ds.contributors(rnd)) or ctx.block.height >= deadline:
            agree(ctx, deps, job, rnd)
            return True
    return False


def close_round(ctx: Context, deps, job: TrainingJob, rnd, expected) -> None:
    """Close an OPEN round: misses for the absent, OUTER (or a re-open without any contribution)."""
    done = set(ds.contributors(rnd))
    for worker in expected:
        if worker.host in done:
            worker.missed_rounds = 0
        else:
            miss(ctx, deps, job, worker, f"training job {job.id}: no contribution to round {rnd.index} by block "
                                         f"{rnd.deadline}", rnd.deadline)
    if not done:
        reopen(ctx, deps, job, rnd)
        return
    rnd.status, rnd.closed_height, rnd.check = ROUND_STATUS_OUTER, ctx.block.height, ROUND_CHECK_PENDING
    job.segment_deadline = ctx.block.height + deps.training.get_params(ctx.store).outer_blocks
    ctx.emit("diloco_round_closed", ("job_id", str(job.id)), ("round", str(rnd.index)),
             ("contributors", ",".join(ds.contributors(rnd))), ("outer_deadline", str(job.segment_deadline)))


def reopen(ctx: Context, deps, job: TrainingJob, rnd) -> None:
    """A round without contributions starts again (same index and start); pending workers join."""
    params = deps.training.get_params(ctx.store)
    job.reassignments += 1
    if job.reassignments > params.max_reassignments:
        faults.fail(ctx, deps, job, f"round {rnd.index} got no contribution {job.reassignments} times "
                                    f"(max_reassignments {params.max_reassignments})")
        return
    for worker in job.diloco.workers:
        if worker.active and worker.joined_round > rnd.index:
            worker.joined_round = rnd.index
    rnd.open_height, rnd.deadline = ctx.block.height, ctx.block.height + params.round_blocks
    job.segment_deadline = rnd.deadline
    ctx.emit("diloco_round_reopened", ("job_id", str(job.id)), ("round", str(rnd.index)),
             ("deadline", str(rnd.deadline)), ("reassignments", str(job.reassignments)))


def agreed_pair(rnd) -> OuterCommit | None:
    """The first commit of the pair committed by the most workers (ties: the earliest first commit)."""
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], OuterCommit] = {}
    for commit in rnd.outer_commits:
        pair = (commit.weights_sha256, commit.momentum_sha256)
        counts[pair] = counts.get(pair, 0) + 1
        first.setdefault(pair, commit)
    best = None
    for pair, commit in first.items():  # insertion order = order of first commits
        if best is None or counts[pair] > counts[best]:
            best = pair
    return first[best] if best is not None else None


def no_outer_commit(ctx: Context, deps, job: TrainingJob, rnd) -> None:
    """Nobody committed the outer step: a re-assignment (FAILED past max_reassignments), else the
    round is rolled back and redone."""
    from chain.modules.training import diloco_rollback  # a rollback re-opens rounds: import cycle
    params = deps.training.get_params(ctx.store)
    job.reassignments += 1
    if job.reassignments > params.max_reassignments:
        faults.fail(ctx, deps, job, f"round {rnd.index}: no outer commit ({job.reassignments} re-assignments, "
                                    f"max_reassignments {params.max_reassignments})")
        return
    diloco_rollback.roll_back(ctx, deps, job, rnd.index, f"round {rnd.index}: no outer commit")


def agree(ctx: Context, deps, job: TrainingJob, rnd) -> None:
    """Record the agreed theta_{u+1}, flag the others, open the next round (or finish training)."""
    agreed = agreed_pair(rnd)
    pairs = {c.host: (c.weights_sha256, c.momentum_sha256) for c in rnd.outer_commits}
    for contribution in rnd.contributions:
        if agreed is None or pairs.get(contribution.host) != (agreed.weights_sha256, agreed.momentum_sha256):
            rnd.flagged.append(contribution.host)
            faults.penalize_unavailable(ctx, deps, decode_address(contribution.host),
                                        f"training job {job.id} round {rnd.index}: outer hash not the agreed one")
    if agreed is None:
        no_outer_commit(ctx, deps, job, rnd)
        return
    for contribution in rnd.contributions:
        worker = ds.find_worker(job, contribution.host, active_only=False)
        worker.optim_sha256 = contribution.end_optim_sha256
    rnd.status = ROUND_STATUS_CLOSED
    rnd.agreed_weights_sha256, rnd.agreed_momentum_sha256 = agreed.weights_sha256, agreed.momentum_sha256
    rnd.agreed_weights_size = agreed.weights_size
    ds.recount_accepted(job)
    ctx.emit("diloco_round_agreed", ("job_id", str(job.id)), ("round", str(rnd.index)),
             ("weights_sha256", agreed.weights_sha256), ("momentum_sha256", agreed.momentum_sha256),
             ("flagged", ",".join(rnd.flagged)))
    if rnd.index + 1 >= job.diloco.rounds:
        job.diloco.current_round = job.diloco.rounds
        job.status, job.segment_deadline = TRAINING_JOB_STATUS_VERIFYING, 0
        return
    ds.open_round(ctx, job, rnd.index + 1, agreed.weights_sha256, agreed.momentum_sha256,
                  deps.training.get_params(ctx.store).round_blocks)
