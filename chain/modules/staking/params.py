"""Default staking parameters and their validation."""

from __future__ import annotations

from sprint.staking.v1.staking_pb2 import Params

from chain.coins import is_ascii_digits, validate_denom
from chain.errors import ErrInvalidCoins, ErrInvalidRequest

DEFAULT_BOND_DENOM = "usprint"
DEFAULT_MIN_COLLATERAL = 1_000_000_000  # 1,000 SPRINT
DEFAULT_UNBONDING_BLOCKS = 100_800  # about 7 days of 6-second blocks
DEFAULT_MAX_UNBONDING_ENTRIES = 7
MAX_UNBONDING_BLOCKS = 10_000_000


def default_params() -> Params:
    return Params(bond_denom=DEFAULT_BOND_DENOM, min_collateral=str(DEFAULT_MIN_COLLATERAL),
                  unbonding_blocks=DEFAULT_UNBONDING_BLOCKS, max_unbonding_entries=DEFAULT_MAX_UNBONDING_ENTRIES)


def min_collateral(params: Params) -> int:
    """params.min_collateral as an integer (validated params only)."""
    return int(params.min_collateral)


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest when a parameter is out of range."""
    try:
        validate_denom(params.bond_denom)
    except ErrInvalidCoins as err:
        raise ErrInvalidRequest(f"staking params: bond_denom: {err.log}") from err
    text = params.min_collateral
    if not is_ascii_digits(text) or (len(text) > 1 and text[0] == "0") or len(text) > 78:
        raise ErrInvalidRequest(
            f"staking params: min_collateral {text[:40]!r} must be a non-negative integer string")
    if not 1 <= params.unbonding_blocks <= MAX_UNBONDING_BLOCKS:
        raise ErrInvalidRequest(f"staking params: unbonding_blocks must be between 1 and {MAX_UNBONDING_BLOCKS}")
    if params.max_unbonding_entries < 1:
        raise ErrInvalidRequest("staking params: max_unbonding_entries must be >= 1")
