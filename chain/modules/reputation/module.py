"""The reputation AppModule: per-host honesty records, validation probability, scheduling score."""

from __future__ import annotations

from chain.modules.module import AppModule
from chain.modules.reputation import genesis, keys, query_server
from chain.modules.reputation.keeper import ReputationKeeper


class ReputationModule(AppModule):
    name = "reputation"
    prefixes = keys.PREFIXES
    no_msg_server_reason = "records change only through inference results, expiries, frauds and epoch settlement"

    def __init__(self, keeper: ReputationKeeper):
        self.keeper = keeper

    def query_methods(self) -> list:
        return list(query_server.METHODS)

    def default_genesis(self) -> dict:
        return genesis.default_genesis()

    def validate_genesis(self, state: dict | None) -> None:
        genesis.validate_genesis(state)

    def init_genesis(self, store, state: dict | None) -> None:
        genesis.init_genesis(store, self.keeper, state)

    def export_genesis(self, store) -> dict:
        return genesis.export_genesis(store, self.keeper)
