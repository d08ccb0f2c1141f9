"""The bank AppModule: balances, supply, denom metadata and MsgSend."""

from __future__ import annotations

from chain.modules.bank import genesis, keys, query_server
from chain.modules.bank.keeper import BankKeeper, supply_invariant_violation
from chain.modules.bank.msg_server import MsgServer
from chain.modules.module import AppModule


class BankModule(AppModule, name="bank", keys=keys, genesis=genesis, queries=query_server):
    def __init__(self, keeper: BankKeeper):
        super().__init__(keeper, msg_server=MsgServer(keeper))

    def validate_genesis(self, state: dict | None) -> None:
        genesis.validate_genesis(state or {})

    def invariants(self) -> list:
        return [("total-supply", lambda store: supply_invariant_violation(self.keeper, store))]
