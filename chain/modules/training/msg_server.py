"""training message handlers (docs/training.md §1, §4, §9): the MsgServer of every training message.

Rules (a failing rule raises an SDK error naming it and changes nothing):
- MsgSubmitTrainingJob (signed by `submitter`): every rule of §1; the budget is escrowed in the
  "training" module account; the job is QUEUED with `segment_deadline` = height + queue_blocks (its
  queue expiry) and reserves its output model name.
- MsgCommitTrainingSegment (signed by the prover host's worker account): the job is TRAINING and
  assigned to that host; `segment` is the next one; height <= segment_deadline; one loss per
  interval of the segment; sha256 hex state hashes and positive sizes. The segment is recorded
  COMMITTED; the next deadline is height + segment_blocks; after the last segment the job is
  VERIFYING.
- MsgAnnounceMaintenance (signed by a host's worker account): start >= height +
  maintenance_notice_blocks, end - start + 1 <= max_maintenance_blocks, at most
  max_maintenance_per_epoch windows starting in one epoch.
- MsgRevealTrainingStates / MsgVoteTrainingSegment: reveals.handle_reveal / votes.handle_vote.
"""

from __future__ import annotations

from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_COMMITTED, TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING,
    TRAINING_JOB_STATUS_VERIFYING, Maintenance, Segment, TrainingJob, TrainingJobStatus,
)
from sprint.training.v1.tx_pb2 import (
    MsgAnnounceMaintenance, MsgCommitTrainingSegment, MsgRevealTrainingStates, MsgSubmitTrainingJob,
    MsgSubmitTrainingJobResponse, MsgVoteTrainingSegment, MsgCommitDilocoRound, MsgCommitDilocoOuter,
    MsgRevealDilocoRound,
    MsgVoteDilocoRound,
)

from chain.context import Context
from chain.errors import ErrInsufficientFee, ErrInvalidRequest, ErrUnauthorized
from chain.modules.bank.keys import module_address
from chain.modules.hosts.worker_auth import worker_host, worker_signers
from chain.modules.inference.models import check_name, check_sha256_hex
from chain.modules.training import cost, diloco_checks, diloco_reveals, diloco_rounds, keys, reveals, votes
from chain.modules.training.diloco_submit import diloco_costs, diloco_fields, validate_diloco_submit
from chain.modules.training.expected_keepers import TrainingDeps
from chain.modules.training.keeper import job_layout, next_segment_index
from chain.msgfields import parse_address
from chain.tx.router import Route

MSG_SUBMIT_URL = "/sprint.training.v1.MsgSubmitTrainingJob"
MSG_COMMIT_URL = "/sprint.training.v1.MsgCommitTrainingSegment"
MSG_REVEAL_URL = "/sprint.training.v1.MsgRevealTrainingStates"
MSG_VOTE_URL = "/sprint.training.v1.MsgVoteTrainingSegment"
MSG_MAINTENANCE_URL = "/sprint.training.v1.MsgAnnounceMaintenance"
MSG_COMMIT_ROUND_URL = "/sprint.training.v1.MsgCommitDilocoRound"
MSG_COMMIT_OUTER_URL = "/sprint.training.v1.MsgCommitDilocoOuter"
MSG_VOTE_ROUND_URL = "/sprint.training.v1.MsgVoteDilocoRound"
MSG_REVEAL_ROUND_URL = "/sprint.training.v1.MsgRevealDilocoRound"
NANO = 1_000_000_000
ROOT_BYTES = 32


def escrow_address() -> bytes:
    return module_address(keys.MODULE_NAME)


def submitter_signers(msg) -> list[bytes]:
    return [parse_address(msg.submitter, "submitter")]


# --- MsgSubmitTrainingJob: stateless rules ---------------------------------------------------------


def _check_hyper(hyper) -> None:
    """The hyperparameter rules that need no params (docs/training.md §1)."""
    if hyper.lr_nano == 0:
        raise ErrInvalidRequest("hyper.lr_nano must be > 0")
    for name in ("beta1_nano", "beta2_nano"):
        if getattr(hyper, name) >= NANO:
            raise ErrInvalidRequest(f"hyper.{name} must be < {NANO} (beta < 1), got {getattr(hyper, name)}")
    if not 0 < hyper.eps_nano <= NANO:
        raise ErrInvalidRequest(f"hyper.eps_nano must be within 1..{NANO}, got {hyper.eps_nano}")
    for name in ("batch_size", "seq_len", "total_steps", "checkpoint_interval"):
        if getattr(hyper, name) < 1:
            raise ErrInvalidRequest(f"hyper.{name} must be >= 1")
    if hyper.total_steps % hyper.checkpoint_interval != 0:
        raise ErrInvalidRequest(f"hyper.checkpoint_interval {hyper.checkpoint_interval} must divide "
                                f"total_steps {hyper.total_steps}")


def validate_submit(msg: MsgSubmitTrainingJob) -> None:
    """Stateless rules of MsgSubmitTrainingJob."""
    submitter_signers(msg)
    if not msg.base_model:
        raise ErrInvalidRequest("base_model must not be empty")
    check_name(msg.output_model)
    check_sha256_hex(msg.dataset_sha256, "dataset_sha256")
    if not msg.HasField("hyper"):
        raise ErrInvalidRequest("hyper (the hyperparameters) is required")
    _check_hyper(msg.hyper)
    validate_diloco_submit(msg)
    if msg.budget == 0:
        raise ErrInsufficientFee("budget must be positive")


# --- MsgSubmitTrainingJob: rules against params and state -----------------------------------------


def _check_bounds(msg: MsgSubmitTrainingJob, params, model) -> int:
    """The rules against params and the base model; returns the interval count."""
    hyper = msg.hyper
    if not hyper.seq_len + 2 <= msg.dataset_size <= params.max_dataset_bytes:
        raise ErrInvalidRequest(f"dataset_size {msg.dataset_size} must be within seq_len + 2 = {hyper.seq_len + 2} "
                                f"and max_dataset_bytes {params.max_dataset_bytes}")
    limits = (("lr_nano", params.max_lr_nano), ("weight_decay_nano", params.max_weight_decay_nano),
              ("batch_size", params.max_batch_size), ("total_steps", params.max_total_steps),
              ("seq_len", model.config.max_seq_len))
    for name, limit in limits:
        if getattr(hyper, name) > limit:
            raise ErrInvalidRequest(f"hyper.{name} {getattr(hyper, name)} is over the limit of {limit}")
    intervals = hyper.total_steps // hyper.checkpoint_interval
    if intervals > params.max_intervals:
        raise ErrInvalidRequest(f"{intervals} checkpoint intervals (total_steps / checkpoint_interval) is over "
                                f"max_intervals {params.max_intervals}")
    return intervals


def _verification_field(value: int, default: int, low: int, high: int, name: str) -> int:
    """A per-job verification field: 0 takes the default, else it must lie within [low, high]."""
    if value == 0:
        return default
    if not low <= value <= high:
        raise ErrInvalidRequest(f"{name} {value} must be within {low}..{high} (0 takes the default {default})")
    return value


def _check_names(store, deps: TrainingDeps, msg: MsgSubmitTrainingJob):
    """The base model (registered) and the output name (free); returns the base Model."""
    model = deps.inference.get_model(store, msg.base_model)
    if model is None:
        raise ErrInvalidRequest(f"unknown base model {msg.base_model!r}: register it first")
    if deps.inference.get_model(store, msg.output_model) is not None:
        raise ErrInvalidRequest(f"output model {msg.output_model!r} is already registered")
    other = deps.training.output_reserved_by(store, msg.output_model)
    if other is not None:
        raise ErrInvalidRequest(f"output model {msg.output_model!r} is the output of training job {other}")
    return model


def build_job(ctx: Context, deps: TrainingDeps, msg: MsgSubmitTrainingJob) -> TrainingJob:
    """The QUEUED job of a submission after every stateful rule of §1 (nothing stored yet)."""
    store, training = ctx.store, deps.training
    params = training.get_params(store)
    model = _check_names(store, deps, msg)
    intervals = _check_bounds(msg, params, model)
    load = cost.load_gflop(cost.param_count(model.config), msg.hyper)
    diloco = None
    if msg.workers > 1:
        sample, committee, tolerance, diloco = diloco_fields(msg, params)
        load, train_cost, verify_cost = diloco_costs(params, load, sample, committee, msg.workers)
    else:
        sample = _verification_field(msg.sample_ppm, params.default_sample_ppm, params.min_sample_ppm,
                                     params.max_sample_ppm, "sample_ppm")
        committee = _verification_field(msg.committee_size, params.default_committee_size,
                                        params.min_committee_size, params.max_committee_size, "committee_size")
        tolerance = _verification_field(msg.tolerance_ppm, params.default_tolerance_ppm, params.min_tolerance_ppm,
                                        params.max_tolerance_ppm, "tolerance_ppm")
        train_cost, verify_cost = cost.job_costs(params, load, sample, committee)
    if msg.budget < train_cost + verify_cost:
        raise ErrInsufficientFee(
            f"budget {msg.budget}{params.fee_denom} is below the job's cost {train_cost + verify_cost}"
            f"{params.fee_denom} (training {train_cost} = {params.price_per_gflop} x {load} GFLOP, "
            f"verification {verify_cost})")
    if training.count_status(store, TRAINING_JOB_STATUS_QUEUED, params.max_queued_jobs) >= params.max_queued_jobs:
        raise ErrInvalidRequest(f"the training queue is full ({params.max_queued_jobs} jobs queued); retry later")
    ips = params.intervals_per_segment
    job = TrainingJob(
        submitter=msg.submitter, base_model=msg.base_model, dataset_sha256=msg.dataset_sha256,
        dataset_size=msg.dataset_size, hyper=msg.hyper, output_model=msg.output_model, budget=msg.budget,
        sample_ppm=sample, committee_size=committee, tolerance_ppm=tolerance, intervals=intervals,
        segments=-(-intervals // ips), intervals_per_segment=ips, load_gflop=load, train_cost=train_cost,
        verify_cost=verify_cost, submit_height=ctx.block.height, status=TRAINING_JOB_STATUS_QUEUED,
        resume_weights_sha256=model.weights_sha256, segment_deadline=ctx.block.height + params.queue_blocks)
    if diloco is not None:
        job.diloco.CopyFrom(diloco)
    return job


def _queue(ctx: Context, deps: TrainingDeps, job: TrainingJob) -> int:
    """Give the escrowed job its id, store it and emit training_submitted; returns the id."""
    job.id = deps.training.allocate_job_id(ctx.store)
    deps.training.set_job(ctx.store, job)
    denom = deps.training.get_params(ctx.store).fee_denom
    ctx.emit("training_submitted", ("job_id", str(job.id)), ("submitter", job.submitter),
             ("base_model", job.base_model), ("output_model", job.output_model),
             ("budget", f"{job.budget}{denom}"), ("train_cost", f"{job.train_cost}{denom}"),
             ("verify_cost", f"{job.verify_cost}{denom}"), ("load_gflop", str(job.load_gflop)),
             ("intervals", str(job.intervals)), ("segments", str(job.segments)),
             ("queue_deadline", str(job.segment_deadline)))
    return job.id


def handle_submit(ctx: Context, deps: TrainingDeps, msg: MsgSubmitTrainingJob) -> MsgSubmitTrainingJobResponse:
    """Escrow the budget from the submitter and queue the job; returns its id."""
    validate_submit(msg)
    job = build_job(ctx, deps, msg)
    denom = deps.training.get_params(ctx.store).fee_denom
    deps.bank.send(ctx, submitter_signers(msg)[0], escrow_address(), [(denom, msg.budget)])
    return MsgSubmitTrainingJobResponse(job_id=_queue(ctx, deps, job))


def submit_from_module(ctx: Context, deps: TrainingDeps, msg: MsgSubmitTrainingJob, payer_module: str) -> int:
    """Queue a job whose budget comes from module account `payer_module` (a training grant): the same
    rules as MsgSubmitTrainingJob; `submitter` owns the output model; refunds go back to the module.
    Returns the job id."""
    validate_submit(msg)
    job = build_job(ctx, deps, msg)
    job.payer_module = payer_module
    denom = deps.training.get_params(ctx.store).fee_denom
    deps.bank.send_module_to_module(ctx, payer_module, keys.MODULE_NAME, [(denom, msg.budget)])
    return _queue(ctx, deps, job)


# --- MsgCommitTrainingSegment ---------------------------------------------------------------------


def validate_commit(msg: MsgCommitTrainingSegment) -> None:
    worker_signers(msg)
    if msg.job_id == 0:
        raise ErrInvalidRequest("job_id must be set")
    if len(msg.root) != ROOT_BYTES:
        raise ErrInvalidRequest(f"root must be {ROOT_BYTES} bytes (a sha256 Merkle root), got {len(msg.root)}")
    if not msg.losses_micro:
        raise ErrInvalidRequest("losses_micro must hold one loss per interval of the segment")
    check_sha256_hex(msg.end_weights_sha256, "end_weights_sha256")
    check_sha256_hex(msg.end_optim_sha256, "end_optim_sha256")
    if msg.end_weights_size == 0 or msg.end_optim_size == 0:
        raise ErrInvalidRequest("end_weights_size and end_optim_size must be > 0")


def _prover_job(ctx: Context, deps: TrainingDeps, msg) -> TrainingJob:
    """The job of `msg`, after checking its sender is the worker of the job's current prover."""
    operator, host = worker_host(ctx, deps.hosts, msg.worker, "training")
    job = deps.training.get_job(ctx.store, msg.job_id)
    if job is None:
        raise ErrInvalidRequest(f"training job {msg.job_id} does not exist")
    if job.host != host.operator:
        raise ErrUnauthorized(f"training job {job.id} is assigned to {job.host or 'no host'}, "
                              f"not to host {host.operator}")
    return job


def handle_commit(ctx: Context, deps: TrainingDeps, msg: MsgCommitTrainingSegment) -> None:
    """Record the prover's segment root, losses and end state (also its heartbeat)."""
    validate_commit(msg)
    job = _prover_job(ctx, deps, msg)
    if job.status != TRAINING_JOB_STATUS_TRAINING:
        raise ErrInvalidRequest(f"training job {job.id} is {TrainingJobStatus.Name(job.status)}, not TRAINING")
    expected = next_segment_index(job)
    if msg.segment != expected:
        raise ErrInvalidRequest(f"training job {job.id} expects segment {expected}, got {msg.segment}")
    if ctx.block.height > job.segment_deadline:
        raise ErrInvalidRequest(f"segment {msg.segment} of training job {job.id} was due by height "
                                f"{job.segment_deadline}")
    first, count = job_layout(job)[msg.segment]
    if len(msg.losses_micro) != count:
        raise ErrInvalidRequest(f"segment {msg.segment} has {count} intervals; got {len(msg.losses_micro)} losses")
    job.segments_log.append(Segment(
        index=msg.segment, host=job.host, commit_height=ctx.block.height, root=msg.root, first_interval=first,
        interval_count=count, losses_micro=msg.losses_micro, end_weights_sha256=msg.end_weights_sha256,
        end_optim_sha256=msg.end_optim_sha256, end_weights_size=msg.end_weights_size,
        end_optim_size=msg.end_optim_size, status=SEGMENT_STATUS_COMMITTED))
    if msg.segment + 1 == job.segments:
        job.status, job.segment_deadline = TRAINING_JOB_STATUS_VERIFYING, 0
    else:
        job.segment_deadline = ctx.block.height + deps.training.get_params(ctx.store).segment_blocks
    deps.training.set_job(ctx.store, job)
    ctx.emit("training_segment_committed", ("job_id", str(job.id)), ("segment", str(msg.segment)),
             ("host", job.host), ("root", msg.root.hex()), ("first_interval", str(first)),
             ("interval_count", str(count)), ("next_deadline", str(job.segment_deadline)))


# --- MsgAnnounceMaintenance -----------------------------------------------------------------------


def validate_maintenance(msg: MsgAnnounceMaintenance) -> None:
    worker_signers(msg)
    if msg.start_height < 1 or msg.end_height < msg.start_height:
        raise ErrInvalidRequest(f"maintenance window [{msg.start_height}, {msg.end_height}] must have "
                                "1 <= start_height <= end_height")


def handle_maintenance(ctx: Context, deps: TrainingDeps, msg: MsgAnnounceMaintenance) -> None:
    """Record a maintenance window of the sender's host (docs/training.md §9)."""
    validate_maintenance(msg)
    operator, host = worker_host(ctx, deps.hosts, msg.worker, "training maintenance")
    params = deps.training.get_params(ctx.store)
    earliest = ctx.block.height + params.maintenance_notice_blocks
    if msg.start_height < earliest:
        raise ErrInvalidRequest(f"maintenance must be announced {params.maintenance_notice_blocks} blocks ahead: "
                                f"start at height {earliest} or later")
    length = msg.end_height - msg.start_height + 1
    if length > params.max_maintenance_blocks:
        raise ErrInvalidRequest(f"maintenance of {length} blocks is over max_maintenance_blocks "
                                f"{params.max_maintenance_blocks}")
    epoch = deps.sprint.current_epoch(ctx.store, msg.start_height)
    if deps.training.maintenance_count(ctx.store, operator, epoch) >= params.max_maintenance_per_epoch:
        raise ErrInvalidRequest(f"host {host.operator} already announced {params.max_maintenance_per_epoch} "
                                f"maintenance windows starting in epoch {epoch}")
    window = Maintenance(host=host.operator, start_height=msg.start_height, end_height=msg.end_height)
    deps.training.add_maintenance(ctx.store, operator, window, epoch)
    ctx.emit("training_maintenance", ("host", host.operator), ("start_height", str(msg.start_height)),
             ("end_height", str(msg.end_height)), ("epoch", str(epoch)))


# --- the msg server -------------------------------------------------------------------------------


class MsgServer:
    """Handles sprint.training.v1.Msg with the keepers the training module is built from."""

    def __init__(self, deps: TrainingDeps):
        self.deps = deps

    def submit_training_job(self, ctx: Context, msg: MsgSubmitTrainingJob) -> MsgSubmitTrainingJobResponse:
        return handle_submit(ctx, self.deps, msg)

    def commit_training_segment(self, ctx: Context, msg: MsgCommitTrainingSegment) -> None:
        handle_commit(ctx, self.deps, msg)

    def announce_maintenance(self, ctx: Context, msg: MsgAnnounceMaintenance) -> None:
        handle_maintenance(ctx, self.deps, msg)

    def reveal_training_states(self, ctx: Context, msg: MsgRevealTrainingStates) -> None:
        reveals.handle_reveal(ctx, self.deps, msg)

    def vote_training_segment(self, ctx: Context, msg: MsgVoteTrainingSegment) -> None:
        votes.handle_vote(ctx, self.deps, msg)

    def commit_diloco_round(self, ctx: Context, msg: MsgCommitDilocoRound) -> None:
        diloco_rounds.handle_commit_round(ctx, self.deps, msg)

    def commit_diloco_outer(self, ctx: Context, msg: MsgCommitDilocoOuter) -> None:
        diloco_rounds.handle_commit_outer(ctx, self.deps, msg)

    def vote_diloco_round(self, ctx: Context, msg: MsgVoteDilocoRound) -> None:
        diloco_checks.handle_vote(ctx, self.deps, msg)

    def reveal_diloco_round(self, ctx: Context, msg: MsgRevealDilocoRound) -> None:
        diloco_reveals.handle_reveal(ctx, self.deps, msg)

    def routes(self) -> list[tuple[str, Route]]:
        """(type URL, Route) of every training message."""
        return [
            (MSG_SUBMIT_URL, Route(MsgSubmitTrainingJob, submitter_signers, validate_submit,
                                   self.submit_training_job)),
            (MSG_COMMIT_URL, Route(MsgCommitTrainingSegment, worker_signers, validate_commit,
                                   self.commit_training_segment)),
            (MSG_MAINTENANCE_URL, Route(MsgAnnounceMaintenance, worker_signers, validate_maintenance,
                                        self.announce_maintenance)),
            (MSG_REVEAL_URL, Route(MsgRevealTrainingStates, worker_signers, reveals.validate_reveal,
                                   self.reveal_training_states)),
            (MSG_VOTE_URL, Route(MsgVoteTrainingSegment, worker_signers, votes.validate_vote,
                                 self.vote_training_segment)),
            (MSG_COMMIT_ROUND_URL, Route(MsgCommitDilocoRound, worker_signers, diloco_rounds.validate_commit_round,
                                         self.commit_diloco_round)),
            (MSG_COMMIT_OUTER_URL, Route(MsgCommitDilocoOuter, worker_signers, diloco_rounds.validate_commit_outer,
                                         self.commit_diloco_outer)),
            (MSG_VOTE_ROUND_URL, Route(MsgVoteDilocoRound, worker_signers, diloco_checks.validate_vote,
                                       self.vote_diloco_round)),
            (MSG_REVEAL_ROUND_URL, Route(MsgRevealDilocoRound, worker_signers, diloco_reveals.validate_reveal,
                                         self.reveal_diloco_round)),
        ]
