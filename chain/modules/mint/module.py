"""The mint AppModule: per-epoch issuance (decaying or KPI-adaptive), KPI measurement, the fee
split to the community vault and dummy tasks for idle hosts."""

from __future__ import annotations

from chain.context import Context
from chain.modules.mint import abci, genesis, keys, query_server
from chain.modules.mint.expected_keepers import MintDeps
from chain.modules.module import AppModule

WHY_NO_MSG_SERVER = "mint params change only through governance (validate_params); issuance runs in block hooks"


class MintModule(AppModule, name="mint", keys=keys, genesis=genesis, queries=query_server,
                 no_msg_server=WHY_NO_MSG_SERVER):
    def __init__(self, deps: MintDeps):
        super().__init__(deps.mint, deps)

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []
