"""training params: defaults and validation (see proto sprint.training.v1.Params, docs/training.md).

The defaults make a 4-validator localnet usable for tiny-lm fine-tunes within minutes: 40-block
segment deadlines, 20/30/30-block reveal/vote/re-verification windows, a committee of 3 re-running
a quarter of each segment's intervals, and a price at which a 20 KB fine-tune costs a few thousand
usprint."""

from __future__ import annotations

from sprint.training.v1.training_pb2 import Params

from chain.errors import ErrInvalidRequest

BPS = 10_000
PPM = 1_000_000
NANO = 1_000_000_000

# Fields that must be at least 1 (a zero would make a rule meaningless or a deadline immediate).
POSITIVE = ("max_dataset_bytes", "max_total_steps", "max_batch_size", "max_intervals", "intervals_per_segment",
            "max_lr_nano", "min_sample_ppm", "min_committee_size", "min_tolerance_ppm", "segment_blocks",
            "reveal_blocks", "vote_blocks", "reverify_blocks", "queue_blocks", "price_per_gflop",
            "capacity_gflop_per_weight", "max_maintenance_blocks", "max_queued_jobs", "max_workers",
            "round_blocks", "outer_blocks", "outer_committee_size", "outer_tolerance_ppm",
            "default_outer_lr_nano", "outer_vote_blocks")
MAX_WORKERS = 64
BPS_FIELDS = ("verifier_share_bps", "bounty_bps", "heartbeat_penalty_bps")
# (min, default, max) triples of the per-job verification fields, with their upper bound.
RANGES = (("min_sample_ppm", "default_sample_ppm", "max_sample_ppm", PPM),
          ("min_committee_size", "default_committee_size", "max_committee_size", 64),
          ("min_tolerance_ppm", "default_tolerance_ppm", "max_tolerance_ppm", 1 << 31))
MAX_GAMMA_MILLI = 10_000
MAX_TAU_MILLI = 100_000


def default_params() -> Params:
    return Params(
        max_dataset_bytes=4_194_304,
        max_total_steps=100_000,
        max_batch_size=256,
        max_intervals=1_024,
        intervals_per_segment=4,
        max_lr_nano=100_000_000,
        max_weight_decay_nano=NANO,
        default_sample_ppm=250_000, min_sample_ppm=10_000, max_sample_ppm=PPM,
        default_committee_size=3, min_committee_size=1, max_committee_size=16,
        # Placeholder until the worker library calibrates the honest distance per precision pair.
        default_tolerance_ppm=25_000, min_tolerance_ppm=1, max_tolerance_ppm=PPM,
        segment_blocks=40,
        reveal_blocks=20,
        vote_blocks=30,
        reverify_blocks=30,
        queue_blocks=100,
        price_per_gflop=50,
        verifier_share_bps=2_000,
        bounty_bps=5_000,
        fee_denom="usprint",
        capacity_gflop_per_weight=1_000,
        cda_gamma_milli=1_000,
        fault_success_drop_ppm=50_000,
        heartbeat_penalty_bps=1_000,
        max_unavailable=3,
        unavailable_lockup_blocks=1_000,
        max_maintenance_per_epoch=2,
        maintenance_notice_blocks=5,
        max_maintenance_blocks=200,
        fraud_tau_milli=2_000,
        max_reassignments=3,
        max_queued_jobs=1_000,
        # DiLoCo (docs/diloco.md): DiLoCo's outer lr 0.7 and Nesterov momentum 0.9; half the closed
        # rounds checked by a committee of 2 with the single-host default tolerance.
        max_workers=4,
        round_blocks=40,
        outer_blocks=20,
        outer_sample_ppm=500_000,
        outer_committee_size=2,
        outer_tolerance_ppm=25_000,
        default_outer_lr_nano=700_000_000,
        default_outer_momentum_nano=900_000_000,
        outer_vote_blocks=30,
        # 0: a check re-executes the whole round; > 0: that share of its intervals (docs/diloco.md §5).
        outer_check_sample_ppm=0,
    )


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest (one sentence naming the field) when a param is out of range."""
    for name in POSITIVE:
        if getattr(params, name) < 1:
            raise ErrInvalidRequest(f"training params: {name} must be >= 1")
    for name in BPS_FIELDS:
        if getattr(params, name) > BPS:
            raise ErrInvalidRequest(f"training params: {name} must be <= {BPS}")
    for low, default, high, limit in RANGES:
        lo, mid, hi = getattr(params, low), getattr(params, default), getattr(params, high)
        if not lo <= mid <= hi <= limit:
            raise ErrInvalidRequest(f"training params: need {low} <= {default} <= {high} <= {limit}, "
                                    f"got {lo}, {mid}, {hi}")
    if params.intervals_per_segment > params.max_intervals:
        raise ErrInvalidRequest("training params: intervals_per_segment must be <= max_intervals")
    if params.max_lr_nano > NANO or params.max_weight_decay_nano > NANO:
        raise ErrInvalidRequest(f"training params: max_lr_nano and max_weight_decay_nano must be <= {NANO}")
    if params.fault_success_drop_ppm > PPM:
        raise ErrInvalidRequest(f"training params: fault_success_drop_ppm must be <= {PPM}")
    if params.cda_gamma_milli > MAX_GAMMA_MILLI:
        raise ErrInvalidRequest(f"training params: cda_gamma_milli must be <= {MAX_GAMMA_MILLI}")
    if not 1 <= params.fraud_tau_milli <= MAX_TAU_MILLI:
        raise ErrInvalidRequest(f"training params: fraud_tau_milli must be within 1..{MAX_TAU_MILLI}")
    validate_diloco_params(params)
    if not params.fee_denom:
        raise ErrInvalidRequest("training params: fee_denom must not be empty")


def validate_diloco_params(params: Params) -> None:
    """The DiLoCo fields (docs/diloco.md): bounded worker count, committee, ppm and nano values."""
    if params.max_workers > MAX_WORKERS:
        raise ErrInvalidRequest(f"training params: max_workers must be <= {MAX_WORKERS}")
    for name in ("outer_sample_ppm", "outer_check_sample_ppm"):
        if getattr(params, name) > PPM:
            raise ErrInvalidRequest(f"training params: {name} must be <= {PPM}")
    if params.outer_committee_size > params.max_committee_size:
        raise ErrInvalidRequest("training params: outer_committee_size must be <= max_committee_size")
    if params.default_outer_lr_nano > 10 * NANO:
        raise ErrInvalidRequest(f"training params: default_outer_lr_nano must be <= {10 * NANO}")
    if params.default_outer_momentum_nano >= NANO:
        raise ErrInvalidRequest(f"training params: default_outer_momentum_nano must be < {NANO}")
