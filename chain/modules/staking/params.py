"""Default staking parameters and their validation."""

from __future__ import annotations

from sprint.staking.v1.staking_pb2 import Params

from chain.coins import is_ascii_digits, validate_denom
from chain.errors import ErrInvalidCoins, ErrInvalidRequest

DEFAULT_BOND_DENOM = "usprint"
DEFAULT_MIN_COLLATERAL = 1_000_000_000  # 1,000 SPRINT
DEFAULT_UNBONDING_BLOCKS = 100_800  # about 7 days of 6-second blocks
DEFAULT_MAX_UNBONDING_ENTRIES = 7
DEFAULT_MIN_LOCKUP_BLOCKS = 10_000  # ΔT_min = 10,000 blocks at full reputation
DEFAULT_MAX_LOCKUP_BLOCKS = 100_800  # a host with no reputation: about 7 days
DEFAULT_MIN_RELEASE_BLOCKS = 14_400  # about 1 day of linear release at full reputation
DEFAULT_MALICIOUS_SLASH_BPS = 7_500  # 75% of the bond for confirmed fraud
DEFAULT_FAULT_SLASH_BPS = 10  # 0.1% per non-malicious fault (an expired job)
DEFAULT_BAN_BLOCKS = 100_000  # ban length after confirmed fraud
MAX_UNBONDING_BLOCKS = 10_000_000
BPS = 10_000


def default_params() -> Params:
    return Params(bond_denom=DEFAULT_BOND_DENOM, min_collateral=str(DEFAULT_MIN_COLLATERAL),
                  unbonding_blocks=DEFAULT_UNBONDING_BLOCKS, max_unbonding_entries=DEFAULT_MAX_UNBONDING_ENTRIES,
                  min_lockup_blocks=DEFAULT_MIN_LOCKUP_BLOCKS, max_lockup_blocks=DEFAULT_MAX_LOCKUP_BLOCKS,
                  min_release_blocks=DEFAULT_MIN_RELEASE_BLOCKS, malicious_slash_bps=DEFAULT_MALICIOUS_SLASH_BPS,
                  fault_slash_bps=DEFAULT_FAULT_SLASH_BPS, ban_blocks=DEFAULT_BAN_BLOCKS)


def scaled_blocks(shortest: int, longest: int, honest_epochs: int, full_epochs: int) -> int:
    """ΔT(rep) = shortest + (longest - shortest) x (N - min(h, N)) // N with h = honest_epochs and
    N = full_epochs (reputation's full_reputation_epochs): `longest` at reputation 0, `shortest` from
    N honest epochs on (N = 0: always `shortest`). A `longest` below `shortest` counts as `shortest`."""
    longest = max(longest, shortest)
    if full_epochs <= 0:
        return shortest
    return shortest + (longest - shortest) * (full_epochs - min(honest_epochs, full_epochs)) // full_epochs


def lockup_blocks(params: Params, honest_epochs: int, full_epochs: int) -> int:
    """ΔT_min(rep): blocks newly staked collateral stays locked (docs/protocol.md §7)."""
    return scaled_blocks(params.min_lockup_blocks, params.max_lockup_blocks, honest_epochs, full_epochs)


def release_blocks(params: Params, honest_epochs: int, full_epochs: int) -> int:
    """ΔT_unlock(rep): blocks over which an unbonding entry is released linearly, between
    min(min_release_blocks, unbonding_blocks) and unbonding_blocks, and at least 1."""
    shortest = max(1, min(params.min_release_blocks, params.unbonding_blocks))
    return scaled_blocks(shortest, params.unbonding_blocks, honest_epochs, full_epochs)


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
    if not params.min_lockup_blocks <= params.max_lockup_blocks <= MAX_UNBONDING_BLOCKS:
        raise ErrInvalidRequest(
            f"staking params: need min_lockup_blocks <= max_lockup_blocks <= {MAX_UNBONDING_BLOCKS}")
    if params.min_release_blocks < 1:
        raise ErrInvalidRequest("staking params: min_release_blocks must be >= 1 (it is capped at unbonding_blocks)")
    for name in ("malicious_slash_bps", "fault_slash_bps"):
        if getattr(params, name) > BPS:
            raise ErrInvalidRequest(f"staking params: {name} must be at most {BPS}")
    if params.ban_blocks > MAX_UNBONDING_BLOCKS:
        raise ErrInvalidRequest(f"staking params: ban_blocks must be at most {MAX_UNBONDING_BLOCKS}")
