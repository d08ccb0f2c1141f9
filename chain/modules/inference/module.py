"""The inference AppModule: models, jobs, the executor draw, verification and its settlement."""

from __future__ import annotations

from chain.context import Context
from chain.modules.inference import abci, genesis, keys, query_server
from chain.modules.inference.expected_keepers import InferenceDeps
from chain.modules.inference.msg_server import MsgServer
from chain.modules.module import AppModule


class InferenceModule(AppModule, name="inference", keys=keys, genesis=genesis, queries=query_server):
    def __init__(self, deps: InferenceDeps):
        super().__init__(deps.inference, deps, MsgServer(deps))

    def validate_genesis(self, state: dict | None) -> None:
        genesis.parse_genesis(state)

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []
