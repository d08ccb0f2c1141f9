"""The sprint AppModule: the proof-of-work epoch (seeds, proofs, validations, settlement) that sets
host weights and CometBFT powers."""

from __future__ import annotations

from chain.context import Context
from chain.modules.module import AppModule
from chain.modules.sprint import abci, genesis, keys, query_server
from chain.modules.sprint.expected_keepers import SprintDeps
from chain.modules.sprint.msg_server import MsgServer


class SprintModule(AppModule):
    name = "sprint"
    prefixes = keys.PREFIXES

    def __init__(self, deps: SprintDeps):
        self.deps = deps
        self.keeper = deps.sprint
        self.msg_server = MsgServer(deps)

    def routes(self) -> list:
        return self.msg_server.routes()

    def query_methods(self) -> list:
        return list(query_server.METHODS)

    def default_genesis(self) -> dict:
        return genesis.default_genesis()

    def validate_genesis(self, state: dict | None) -> None:
        genesis.validate_genesis(state)

    def init_genesis(self, store, state: dict | None) -> None:
        genesis.init_genesis(store, self.keeper, self.deps.hosts, state)

    def export_genesis(self, store) -> dict:
        return genesis.export_genesis(store, self.keeper)

    def end_block(self, ctx: Context) -> list:
        return abci.end_block(ctx, self.deps)
