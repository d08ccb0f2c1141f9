"""The bank AppModule: balances, supply, denom metadata and MsgSend."""

from __future__ import annotations

from chain.modules.bank import genesis, keys, query_server
from chain.modules.bank.keeper import BankKeeper, supply_invariant_violation
from chain.modules.bank.msg_server import MsgServer
from chain.modules.module import AppModule


class BankModule(AppModule):
    name = "bank"
    prefixes = keys.PREFIXES

    def __init__(self, keeper: BankKeeper):
        self.keeper = keeper
        self.msg_server = MsgServer(keeper)

    def routes(self) -> list:
        return self.msg_server.routes()

    def query_methods(self) -> list:
        return list(query_server.METHODS)

    def default_genesis(self) -> dict:
        return genesis.default_genesis()

    def validate_genesis(self, state: dict | None) -> None:
        genesis.validate_genesis(state or {})

    def init_genesis(self, store, state: dict | None) -> None:
        genesis.init_genesis(store, self.keeper, state or {})

    def export_genesis(self, store) -> dict:
        return genesis.export_genesis(store, self.keeper)

    def invariants(self) -> list:
        return [("total-supply", lambda store: supply_invariant_violation(self.keeper, store))]
