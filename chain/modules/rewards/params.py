"""Default rewards parameters and their validation (issuance schedule and the per-block split)."""

from __future__ import annotations

from sprint.rewards.v1.rewards_pb2 import Params

from chain.coins import validate_denom
from chain.errors import ErrInvalidCoins, ErrInvalidRequest

BPS = 10_000
DEFAULT_DENOM = "usprint"
DEFAULT_INITIAL_BLOCK_REWARD = 1_000_000
DEFAULT_DECAY_PERIOD_BLOCKS = 100_000
DEFAULT_DECAY_BPS = 500
DEFAULT_EXECUTOR_BPS = 6000
DEFAULT_VALIDATOR_BPS = 3000
DEFAULT_PROPOSER_BPS = 1000
MAX_BLOCK_REWARD = 10**15


def default_params() -> Params:
    return Params(denom=DEFAULT_DENOM, initial_block_reward=DEFAULT_INITIAL_BLOCK_REWARD,
                  decay_period_blocks=DEFAULT_DECAY_PERIOD_BLOCKS, decay_bps=DEFAULT_DECAY_BPS,
                  executor_bps=DEFAULT_EXECUTOR_BPS, validator_bps=DEFAULT_VALIDATOR_BPS,
                  proposer_bps=DEFAULT_PROPOSER_BPS)


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest when a parameter is out of range."""
    try:
        validate_denom(params.denom)
    except ErrInvalidCoins as err:
        raise ErrInvalidRequest(f"rewards params: denom: {err.log}") from err
    if params.initial_block_reward > MAX_BLOCK_REWARD:
        raise ErrInvalidRequest(f"rewards params: initial_block_reward must be at most {MAX_BLOCK_REWARD}")
    if params.decay_period_blocks < 1:
        raise ErrInvalidRequest("rewards params: decay_period_blocks must be >= 1")
    if params.decay_bps > BPS:
        raise ErrInvalidRequest(f"rewards params: decay_bps must be within 0..{BPS}")
    if params.executor_bps + params.validator_bps + params.proposer_bps != BPS:
        raise ErrInvalidRequest(f"rewards params: executor_bps + validator_bps + proposer_bps must sum to {BPS}")


def block_reward(params: Params, height: int) -> int:
    """Issuance of block `height`: initial x (10^4 - decay)^k / 10^4^k with k = (height - 1) //
    decay_period_blocks, floored after each of the k multiplications."""
    periods = (max(height, 1) - 1) // max(params.decay_period_blocks, 1)
    reward = params.initial_block_reward
    keep = BPS - params.decay_bps
    for _ in range(periods):
        if reward == 0:
            break
        reward = reward * keep // BPS
    return reward
