"""Default reputation parameters and their validation."""

from __future__ import annotations

from sprint.reputation.v1.reputation_pb2 import Params

from chain.errors import ErrInvalidRequest

PPM = 1_000_000


def default_params() -> Params:
    """Mainnet-like defaults: 30 honest epochs to full reputation, the check-probability volume thresholds
    (<= 100 requests: every job checked; >= 10,000: 1%), scheduling-score weights 0.5 / 0.25 / 0.25 (docs/protocol.md §4-5)."""
    return Params(full_reputation_epochs=30, min_validation_ppm=10_000, low_volume=100, high_volume=10_000,
                  success_alpha_ppm=200_000, work_alpha_ppm=200_000, success_weight_ppm=500_000,
                  work_weight_ppm=250_000, stake_weight_ppm=250_000, expired_rating_ppm=500_000,
                  inactivity_epochs=100)


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest when a parameter is out of range."""
    if params.min_validation_ppm > PPM:
        raise ErrInvalidRequest(f"reputation params: min_validation_ppm must be at most {PPM}")
    if params.low_volume >= params.high_volume:
        raise ErrInvalidRequest("reputation params: low_volume must be below high_volume")
    for name in ("success_alpha_ppm", "work_alpha_ppm", "expired_rating_ppm"):
        if getattr(params, name) > PPM:
            raise ErrInvalidRequest(f"reputation params: {name} must be at most {PPM}")
    weights = params.success_weight_ppm + params.work_weight_ppm + params.stake_weight_ppm
    if weights != PPM:
        raise ErrInvalidRequest(f"reputation params: success, work and stake weights must sum to {PPM}, got {weights}")
    if params.inactivity_epochs < 1:
        raise ErrInvalidRequest("reputation params: inactivity_epochs must be >= 1")
