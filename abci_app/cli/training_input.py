"""Checking what a user gives `sprintd tx training submit` before anything is signed or uploaded:
decimals to the chain's *_nano fixed point, the dataset file, the job's bounds against the queried
training params and the base model (docs/training.md §1), and its cost (§2) against --max-fee.
Every refusal is one CliError sentence that names the fix."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from abci_app.cli.common import CliError

NANO = 10**9
PPM = 10**6
TARGET_INTERVALS = 16  # the default --checkpoint-interval aims at this many checkpoint intervals


def parse_nano(text: str, flag: str) -> int:
    """"3e-4" -> 300000 (x 10^9, the chain's *_nano fixed point); at most 9 decimals, >= 0."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise CliError(f"invalid {flag} {text!r}: use a decimal >= 0, e.g. 0.0003 or 3e-4")
    nano = value * NANO
    if nano != nano.to_integral_value():
        raise CliError(f"{flag} {text!r} is finer than the chain's 10^-9 resolution; round it to 9 decimals")
    return int(nano)


def read_dataset(path: str, max_bytes: int) -> bytes:
    """The dataset file's bytes (its tokens: the models are byte-level)."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise CliError(f"cannot read --dataset-file {path}: {err.strerror or err}") from None
    if len(data) > max_bytes:
        raise CliError(f"--dataset-file {path} is {len(data)} bytes, over the blob limit of {max_bytes} bytes; "
                       "use a smaller file")
    return data


def default_checkpoint_interval(steps: int, max_intervals: int) -> int:
    """The smallest divisor c of `steps` giving at most min(16, max_intervals) intervals."""
    target = max(1, min(TARGET_INTERVALS, max_intervals or TARGET_INTERVALS))
    return next(c for c in range(1, steps + 1) if steps % c == 0 and steps // c <= target)


@dataclass
class JobInput:
    """The submit flags after parsing (fixed point applied, defaults not yet resolved)."""

    model: str
    output_model: str
    dataset_size: int
    steps: int
    batch_size: int
    seq_len: int | None
    checkpoint_interval: int | None
    lr_nano: int
    beta1_nano: int
    beta2_nano: int
    eps_nano: int
    weight_decay_nano: int
    sample_ppm: int
    committee_size: int
    tolerance_ppm: int
    workers: int = 1  # > 1: a multi-host DiLoCo job (docs/diloco.md)
    inner_steps: int = 0
    outer_lr_nano: int = 0  # 0: the chain's default
    outer_momentum_nano: int = 0


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise CliError(message)


def build_hyper(job: JobInput, params, model_config):
    """The Hyperparams proto, defaults resolved, checked against the params and the model."""
    from sprint.training.v1.training_pb2 import Hyperparams

    seq_len = job.seq_len if job.seq_len is not None else min(64, model_config.max_seq_len)
    _check(1 <= job.steps <= params.max_total_steps,
           f"--steps {job.steps} is outside 1..{params.max_total_steps} (the chain's max_total_steps)")
    interval = job.checkpoint_interval or default_checkpoint_interval(job.steps, params.max_intervals)
    _check(job.steps % interval == 0, f"--steps must be a multiple of --checkpoint-interval ({interval})")
    intervals = job.steps // interval
    smallest = next((c for c in range(interval, job.steps + 1)
                     if job.steps % c == 0 and job.steps // c <= params.max_intervals), job.steps)
    _check(intervals <= params.max_intervals,
           f"--steps {job.steps} / --checkpoint-interval {interval} = {intervals} checkpoint intervals, over the "
           f"chain's max_intervals {params.max_intervals}; pass --checkpoint-interval {smallest}")
    _check(1 <= job.batch_size <= params.max_batch_size,
           f"--batch-size {job.batch_size} is outside 1..{params.max_batch_size} (the chain's max_batch_size)")
    _check(1 <= seq_len <= model_config.max_seq_len,
           f"--seq-len {seq_len} is outside 1..{model_config.max_seq_len} (the model's max_seq_len)")
    _check(0 < job.lr_nano <= params.max_lr_nano,
           f"--lr must be > 0 and at most {Decimal(params.max_lr_nano) / NANO:g} (the chain's max_lr)")
    for flag, value in (("--beta1", job.beta1_nano), ("--beta2", job.beta2_nano)):
        _check(value < NANO, f"{flag} must be in [0, 1), e.g. 0.9")
    _check(0 < job.eps_nano <= NANO, "--eps must be in (0, 1], e.g. 1e-8")
    _check(job.weight_decay_nano <= params.max_weight_decay_nano,
           f"--weight-decay must be at most {Decimal(params.max_weight_decay_nano) / NANO:g} (the chain's "
           "max_weight_decay)")
    return Hyperparams(lr_nano=job.lr_nano, beta1_nano=job.beta1_nano, beta2_nano=job.beta2_nano,
                       eps_nano=job.eps_nano, weight_decay_nano=job.weight_decay_nano, batch_size=job.batch_size,
                       seq_len=seq_len, total_steps=job.steps, checkpoint_interval=interval)


def check_diloco(job: JobInput, hyper, params) -> None:
    """docs/diloco.md §1 for --workers > 1: workers <= max_workers, --inner-steps dividing --steps and
    a multiple of the checkpoint interval, --outer-momentum < 1, --outer-lr <= 10."""
    if job.workers <= 1:
        return
    _check(job.workers <= params.max_workers,
           f"--workers {job.workers} is over the chain's max_workers {params.max_workers}")
    k, c = job.inner_steps, hyper.checkpoint_interval
    _check(k >= 1, "--inner-steps is required with --workers > 1 (inner steps per DiLoCo round)")
    _check(hyper.total_steps % k == 0, f"--inner-steps {k} must divide --steps {hyper.total_steps}")
    _check(k % c == 0, f"--inner-steps {k} must be a multiple of the checkpoint interval {c}")
    _check(job.outer_momentum_nano < NANO, "--outer-momentum must be in [0, 1), e.g. 0.9")
    _check(job.outer_lr_nano <= 10 * NANO, "--outer-lr must be at most 10, e.g. 0.7")


def check_verification(job: JobInput, params) -> tuple[int, int]:
    """(sample_ppm, committee_size) in effect (0 = the params' default), each within its bounds."""
    for flag, value, low, high in (
        ("--sample-ppm", job.sample_ppm, params.min_sample_ppm, params.max_sample_ppm),
        ("--committee-size", job.committee_size, params.min_committee_size, params.max_committee_size),
        ("--tolerance-ppm", job.tolerance_ppm, params.min_tolerance_ppm, params.max_tolerance_ppm),
    ):
        _check(value == 0 or low <= value <= high, f"{flag} {value} is outside {low}..{high} (0 takes the default)")
    if job.workers > 1:  # DiLoCo jobs default to the outer-round verification params
        return (job.sample_ppm or params.outer_sample_ppm, job.committee_size or params.outer_committee_size)
    return (job.sample_ppm or params.default_sample_ppm, job.committee_size or params.default_committee_size)


def check_dataset(size: int, seq_len: int, params) -> None:
    """seq_len + 2 <= dataset size <= max_dataset_bytes."""
    _check(size >= seq_len + 2, f"the dataset is {size} bytes; it needs at least --seq-len + 2 = {seq_len + 2}")
    _check(size <= params.max_dataset_bytes,
           f"the dataset is {size} bytes, over the chain's max_dataset_bytes {params.max_dataset_bytes}")


def estimate_costs(params, model_config, hyper, sample_ppm: int, committee_size: int,
                   workers: int = 1) -> tuple[int, int, int]:
    """(load_gflop, train_cost, verify_cost) of docs/training.md §2 (docs/diloco.md §1 for workers > 1),
    computed by the chain's own code."""
    from chain.modules.training import cost

    load = cost.load_gflop(cost.param_count(model_config), hyper)
    if workers > 1:
        from chain.modules.training.diloco_submit import diloco_costs

        return diloco_costs(params, load, sample_ppm, committee_size, workers)
    return (load, *cost.job_costs(params, load, sample_ppm, committee_size))


def check_output_name(name: str) -> None:
    """The output model name follows the registry's naming rule."""
    from chain.errors import TxError
    from chain.modules.inference.models import check_name

    try:
        check_name(name)
    except TxError as err:
        raise CliError(f"--output-model: {err.log}") from None
