"""gov params: defaults and validation (see proto sprint.gov.v1.Params)."""

from __future__ import annotations

from sprint.common.v1.coin_pb2 import Coin
from sprint.gov.v1.gov_pb2 import Params

from chain.coins import is_ascii_digits, validate_denom
from chain.errors import ErrInvalidCoins, ErrInvalidRequest

BPS = 10_000
MAX_PERIOD_BLOCKS = 10_000_000
MAX_ACTIVE_LIMIT = 1_000


def default_params() -> Params:
    return Params(min_deposit=Coin(denom="usprint", amount="10000000000"), min_initial_deposit_bps=2_500,
                  deposit_blocks=14_400, signal_blocks=14_400, timelock_blocks=14_400, execution_blocks=14_400,
                  enact_delay_blocks=100, quorum_bps=3_340, threshold_bps=5_000, veto_threshold_bps=3_340,
                  max_active_proposals=100)


def min_deposit(params: Params) -> int:
    """params.min_deposit.amount as an integer (validated params only)."""
    return int(params.min_deposit.amount)


def min_initial_deposit(params: Params) -> int:
    """Smallest deposit a submission carries: min_deposit x min_initial_deposit_bps // 10^4."""
    return min_deposit(params) * params.min_initial_deposit_bps // BPS


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest (one sentence naming the field) when a param is out of range."""
    try:
        validate_denom(params.min_deposit.denom)
    except ErrInvalidCoins as err:
        raise ErrInvalidRequest(f"gov params: min_deposit denom: {err.log}") from err
    text = params.min_deposit.amount
    if not is_ascii_digits(text) or (len(text) > 1 and text[0] == "0") or len(text) > 30 or int(text) < 1:
        raise ErrInvalidRequest(f"gov params: min_deposit amount {text[:40]!r} must be a positive integer string")
    for name in ("deposit_blocks", "signal_blocks", "timelock_blocks", "execution_blocks", "enact_delay_blocks"):
        if not 1 <= getattr(params, name) <= MAX_PERIOD_BLOCKS:
            raise ErrInvalidRequest(f"gov params: {name} must be between 1 and {MAX_PERIOD_BLOCKS}")
    for name in ("min_initial_deposit_bps", "quorum_bps", "threshold_bps", "veto_threshold_bps"):
        if getattr(params, name) > BPS:
            raise ErrInvalidRequest(f"gov params: {name} must be at most {BPS}")
    if not 1 <= params.max_active_proposals <= MAX_ACTIVE_LIMIT:
        raise ErrInvalidRequest(f"gov params: max_active_proposals must be between 1 and {MAX_ACTIVE_LIMIT}")
