"""The inference AppModule: models, jobs, the executor draw, verification and its settlement."""

from __future__ import annotations

from chain.context import Context
from chain.modules.inference import abci, genesis, keys, query_server
from chain.modules.inference.expected_keepers import InferenceDeps
from chain.modules.inference.msg_server import MsgServer
from chain.modules.module import AppModule


class InferenceModule(AppModule):
    name = "inference"
    prefixes = keys.PREFIXES

    def __init__(self, deps: InferenceDeps):
        self.deps = deps
        self.keeper = deps.inference
        self.msg_server = MsgServer(deps)

    def routes(self) -> list:
        return self.msg_server.routes()

    def query_methods(self) -> list:
        return list(query_server.METHODS)

    def default_genesis(self) -> dict:
        return genesis.default_genesis()

    def validate_genesis(self, state: dict | None) -> None:
        genesis.parse_genesis(state)

    def init_genesis(self, store, state: dict | None) -> None:
        genesis.init_genesis(store, self.keeper, state)

    def export_genesis(self, store) -> dict:
        return genesis.export_genesis(store, self.keeper)

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []
