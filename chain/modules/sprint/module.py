"""The sprint AppModule: the proof-of-work epoch (seeds, proofs, validations, settlement) that sets
host weights and CometBFT powers."""

from __future__ import annotations

from chain.context import Context
from chain.modules.module import AppModule
from chain.modules.sprint import abci, genesis, keys, query_server
from chain.modules.sprint.expected_keepers import SprintDeps
from chain.modules.sprint.msg_server import MsgServer


class SprintModule(AppModule, name="sprint", keys=keys, genesis=genesis, queries=query_server):
    def __init__(self, deps: SprintDeps):
        super().__init__(deps.sprint, deps, MsgServer(deps))

    def init_genesis(self, store, state: dict | None) -> None:
        """The params, and the genesis validators' powers (read from the hosts, initialised before)."""
        genesis.init_genesis(store, self.keeper, self.deps.hosts, state)

    def end_block(self, ctx: Context) -> list:
        return abci.end_block(ctx, self.deps)
