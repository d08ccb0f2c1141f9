"""rewards block hooks: the end of every block (run last, after every module that accrues or
settles) mints the issuance, sweeps the fees and settles an epoch the inference settlement left."""

from __future__ import annotations

from chain.context import Context
from chain.modules.rewards.expected_keepers import RewardsDeps


def end_block(ctx: Context, deps: RewardsDeps) -> None:
    """RewardsKeeper.end_block with the module's keepers (epoch params, scores, bounty_bps)."""
    deps.rewards.end_block(ctx, deps)
