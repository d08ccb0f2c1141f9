"""gov block hooks: the end of every block runs the proposal transitions due at that height
(deposit expiry, vote tallies, the end of the timelock, enactment); gov's end block runs first, so
an enacted change governs the rest of its enactment block."""

from __future__ import annotations

from chain.context import Context
from chain.modules.gov import stages


def end_block(ctx: Context, deps) -> None:
    stages.end_block(ctx, deps)
