"""Submission of multi-host DiLoCo jobs (docs/diloco.md §1): the extra rules of MsgSubmitTrainingJob
with `workers > 1`, the job's DilocoState and its costs.

- stateless: `inner_steps >= 1` divides `total_steps` and is a multiple of `checkpoint_interval`;
  `outer_momentum_nano < 10^9`; `outer_lr_nano <= 10 * 10^9` (0 takes the params' defaults);
- against params: `workers <= max_workers`; the verification fields default to the outer ones
  (`outer_sample_ppm`, `outer_committee_size`, `outer_tolerance_ppm`) and otherwise lie within the
  single-host `[min_*, max_*]` ranges;
- load = workers x the single-host load; train_cost = price x load; verify_cost =
  ceil(train_cost x sample_ppm x committee_size / (10^6 x workers)) (a check re-executes one
  worker's round: 1/workers of that round's compute).
"""

from __future__ import annotations

from sprint.training.v1.training_pb2 import DilocoState, TrainingJob

from chain.errors import ErrInvalidRequest

NANO = 1_000_000_000
PPM = 1_000_000
MAX_OUTER_LR_NANO = 10 * NANO


def is_diloco(job: TrainingJob) -> bool:
    """A multi-host DiLoCo job (workers > 1)."""
    return job.diloco.workers_wanted > 1


def validate_diloco_submit(msg) -> None:
    """The stateless DiLoCo rules of a submission with workers > 1 (nothing for single-prover jobs)."""
    if msg.workers <= 1:
        return
    hyper, k = msg.hyper, msg.inner_steps
    if k < 1:
        raise ErrInvalidRequest("inner_steps must be >= 1 for a DiLoCo job (workers > 1)")
    if hyper.total_steps % k != 0:
        raise ErrInvalidRequest(f"inner_steps {k} must divide total_steps {hyper.total_steps}")
    if k % hyper.checkpoint_interval != 0:
        raise ErrInvalidRequest(f"inner_steps {k} must be a multiple of checkpoint_interval "
                                f"{hyper.checkpoint_interval}")
    if msg.outer_momentum_nano >= NANO:
        raise ErrInvalidRequest(f"outer_momentum_nano must be < {NANO}, got {msg.outer_momentum_nano}")
    if msg.outer_lr_nano > MAX_OUTER_LR_NANO:
        raise ErrInvalidRequest(f"outer_lr_nano must be <= {MAX_OUTER_LR_NANO}, got {msg.outer_lr_nano}")


def _field(value: int, default: int, low: int, high: int, name: str) -> int:
    if value == 0:
        return default
    if not low <= value <= high:
        raise ErrInvalidRequest(f"{name} {value} must be within {low}..{high} (0 takes the default {default})")
    return value


def diloco_fields(msg, params) -> tuple[int, int, int, DilocoState]:
    """(sample_ppm, committee_size, tolerance_ppm, DilocoState) of a DiLoCo submission."""
    if msg.workers > params.max_workers:
        raise ErrInvalidRequest(f"workers {msg.workers} is over max_workers {params.max_workers}")
    sample = _field(msg.sample_ppm, params.outer_sample_ppm, params.min_sample_ppm, params.max_sample_ppm,
                    "sample_ppm")
    committee = _field(msg.committee_size, params.outer_committee_size, params.min_committee_size,
                       params.max_committee_size, "committee_size")
    tolerance = _field(msg.tolerance_ppm, params.outer_tolerance_ppm, params.min_tolerance_ppm,
                       params.max_tolerance_ppm, "tolerance_ppm")
    state = DilocoState(workers_wanted=msg.workers, inner_steps=msg.inner_steps,
                        rounds=msg.hyper.total_steps // msg.inner_steps,
                        outer_lr_nano=msg.outer_lr_nano or params.default_outer_lr_nano,
                        outer_momentum_nano=msg.outer_momentum_nano or params.default_outer_momentum_nano)
    return sample, committee, tolerance, state


def diloco_costs(params, single_load: int, sample: int, committee: int, workers: int) -> tuple[int, int, int]:
    """(load_gflop, train_cost, verify_cost) of a DiLoCo job."""
    load = single_load * workers
    train_cost = int(params.price_per_gflop) * load
    verify_cost = -(-train_cost * sample * committee // (PPM * workers))
    return load, train_cost, verify_cost
