"""The gov AppModule: proposals, deposits, two-stage votes and enactment."""

from __future__ import annotations

from chain.context import Context
from chain.modules.bank.keys import module_address
from chain.modules.gov import abci, genesis, keys, query_server
from chain.modules.gov.expected_keepers import GovDeps
from chain.modules.gov.msg_server import MsgServer
from chain.modules.module import AppModule


class GovModule(AppModule, name="gov", keys=keys, genesis=genesis, queries=query_server):
    def __init__(self, deps: GovDeps):
        super().__init__(deps.gov, deps, MsgServer(deps))

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []

    def invariants(self) -> list:
        return [("gov/deposits", self._deposits_held)]

    def _deposits_held(self, store) -> str | None:
        """The "gov" module account holds at least every recorded deposit."""
        denom = self.keeper.get_params(store).min_deposit.denom
        held = self.deps.bank.balance(store, module_address(keys.MODULE_NAME), denom)
        owed = self.keeper.total_held(store)
        return None if held >= owed else f"gov module account holds {held}{denom}, deposits total {owed}{denom}"
