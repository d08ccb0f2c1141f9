"""The auth AppModule: accounts (number, sequence, pubkey) and auth params."""

from __future__ import annotations

from chain.modules.auth import genesis, keys, query_server
from chain.modules.auth.keeper import AccountKeeper
from chain.modules.module import AppModule


WHY_NO_MSG_SERVER = "accounts are created by transfers and updated by the ante handler; auth has no messages"


class AuthModule(AppModule, name="auth", keys=keys, genesis=genesis, queries=query_server,
                 no_msg_server=WHY_NO_MSG_SERVER):
    def __init__(self, keeper: AccountKeeper):
        super().__init__(keeper)

    def validate_genesis(self, state: dict | None) -> None:
        genesis.parse_params((state or {}).get("params"))
        genesis.validate_genesis(state or {})
