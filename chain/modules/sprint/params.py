"""sprint params: devnet defaults and validation.

The devnet defaults make a 24-block epoch (commit 3, reveal 3, sprint 8, proof 3, validation 4,
settlement 3). The PoW numbers (threshold, tolerance, sample) belong to docs/sprint-pow.md and are
kept here as params so a network can retune them without a code change.
"""

from __future__ import annotations

from sprint.sprint.v1.sprint_pb2 import Params

from chain.errors import ErrInvalidRequest

POW_CONFIGS = ("test", "devnet", "paper")
MAX_PHASE_BLOCKS = 1 << 32
BPS = 10_000
PHASE_FIELDS = ("commit_blocks", "reveal_blocks", "sprint_blocks", "proof_blocks", "validation_blocks",
                "settlement_blocks")


def default_params() -> Params:
    return Params(
        commit_blocks=3, reveal_blocks=3, sprint_blocks=8, proof_blocks=3, validation_blocks=4,
        settlement_blocks=3,
        pow_config="devnet",
        distance_threshold_micro=1_315_376,  # = worker devnet config threshold_micro (~1/900 valid, docs/sprint-pow.md)
        max_nonce=1 << 32,
        max_batch_nonces=100,
        max_nonces_per_epoch=100_000,
        # = worker RECOMMENDED["devnet"]: honest false rejection <= 1e-6 per prover-epoch (docs/sprint-pow.md)
        validation_sample=2_000,
        distance_tolerance_micro=1_000,
        max_sample_mismatches=5,
        assignment_weight_bps=6_700,
        max_power_bps=3_300,
        slash_fraction_bps=1_000,
    )


def epoch_length(params: Params) -> int:
    """Blocks per epoch: the six phase lengths back to back."""
    return sum(getattr(params, name) for name in PHASE_FIELDS)


def phase_lengths(length: int) -> dict[str, int]:
    """Six phase lengths summing to `length` (>= 6), in the devnet proportions 3:3:8:3:4:3 (each
    floored, at least 1); the sprint phase absorbs the rounding."""
    if length < len(PHASE_FIELDS):
        raise ErrInvalidRequest(f"an epoch needs at least {len(PHASE_FIELDS)} blocks (one per phase), got {length}")
    base = default_params()
    total = epoch_length(base)
    lengths = {name: max(1, length * getattr(base, name) // total) for name in PHASE_FIELDS}
    lengths["sprint_blocks"] += length - sum(lengths.values())
    return lengths


# A weight is at most max_nonces_per_epoch; with up to 2^16 hosts the total voting power then stays
# below CometBFT's MaxTotalVotingPower (2^63 / 8), which it enforces by halting.
MAX_NONCES_PER_EPOCH = 1 << 40


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest (one sentence naming the field) when a param is out of range."""
    for name in PHASE_FIELDS:
        value = getattr(params, name)
        if not 1 <= value <= MAX_PHASE_BLOCKS:
            raise ErrInvalidRequest(f"sprint params: {name} must be between 1 and {MAX_PHASE_BLOCKS}, got {value}")
    if params.pow_config not in POW_CONFIGS:
        raise ErrInvalidRequest(f"sprint params: pow_config must be one of {', '.join(POW_CONFIGS)}, "
                                f"got {params.pow_config!r}")
    for name in ("distance_threshold_micro", "max_nonce", "max_batch_nonces", "max_nonces_per_epoch",
                 "validation_sample"):
        if getattr(params, name) < 1:
            raise ErrInvalidRequest(f"sprint params: {name} must be >= 1")
    if params.max_batch_nonces > params.max_nonces_per_epoch:
        raise ErrInvalidRequest("sprint params: max_batch_nonces must be <= max_nonces_per_epoch")
    if params.max_nonces_per_epoch > MAX_NONCES_PER_EPOCH:
        raise ErrInvalidRequest(f"sprint params: max_nonces_per_epoch must be <= {MAX_NONCES_PER_EPOCH} "
                                "(a host's weight becomes CometBFT voting power, an int64 capped at 2^60 in total)")
    if params.max_sample_mismatches > params.validation_sample:
        raise ErrInvalidRequest("sprint params: max_sample_mismatches must be <= validation_sample")
    if not BPS // 2 < params.assignment_weight_bps <= BPS:
        raise ErrInvalidRequest("sprint params: assignment_weight_bps must be in 5001..10000 "
                                "(assigned validators must be able to hold a >50% majority)")
    if not 1 <= params.max_power_bps <= BPS:
        raise ErrInvalidRequest("sprint params: max_power_bps must be in 1..10000")
    if params.slash_fraction_bps > BPS:
        raise ErrInvalidRequest("sprint params: slash_fraction_bps must be <= 10000")
