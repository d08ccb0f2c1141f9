"""The auth AppModule: accounts (number, sequence, pubkey) and auth params."""

from __future__ import annotations

from chain.modules.auth import genesis, keys, query_server
from chain.modules.auth.keeper import AccountKeeper
from chain.modules.module import AppModule


class AuthModule(AppModule):
    name = "auth"
    prefixes = keys.PREFIXES
    no_msg_server_reason = "accounts are created by transfers and updated by the ante handler; auth has no messages"

    def __init__(self, keeper: AccountKeeper):
        self.keeper = keeper

    def query_methods(self) -> list:
        return list(query_server.METHODS)

    def default_genesis(self) -> dict:
        return genesis.default_genesis()

    def validate_genesis(self, state: dict | None) -> None:
        genesis.parse_params((state or {}).get("params"))
        genesis.validate_genesis(state or {})

    def init_genesis(self, store, state: dict | None) -> None:
        genesis.init_genesis(store, self.keeper, state or {})

    def export_genesis(self, store) -> dict:
        return genesis.export_genesis(store, self.keeper)
