"""hosts block hooks: the end of every block lifts the bans that are due."""

from __future__ import annotations

from chain.context import Context
from chain.modules.hosts.expected_keepers import HostsDeps


def end_block(ctx: Context, deps: HostsDeps) -> None:
    """Lift every ban whose banned_until has passed (ACTIVE again with min_collateral, else INACTIVE)."""
    deps.hosts.end_block(ctx, deps.staking)
