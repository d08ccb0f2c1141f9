"""The rewards AppModule: issuance, the gas-fee sweep, per-epoch pools, accruals and settlement."""

from __future__ import annotations

from chain.context import Context
from chain.modules.module import AppModule
from chain.modules.rewards import abci, genesis, keys, query_server
from chain.modules.rewards.expected_keepers import RewardsDeps


WHY_NO_MSG_SERVER = "rewards are minted, accrued and paid by block hooks and settlements; no messages"


class RewardsModule(AppModule, name="rewards", keys=keys, genesis=genesis, queries=query_server,
                    no_msg_server=WHY_NO_MSG_SERVER):
    def __init__(self, deps: RewardsDeps):
        super().__init__(deps.rewards, deps)

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []
