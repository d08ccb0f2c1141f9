"""staking block hooks: the end of every block releases unbonding stake and prunes expired locks
(StakingKeeper.end_block holds the rules)."""

from __future__ import annotations

from chain.context import Context


def end_block(ctx: Context, keeper) -> None:
    """Release this block's share of every unbonding entry, then prune expired locks."""
    keeper.end_block(ctx)
