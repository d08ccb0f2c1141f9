"""The rewards AppModule: issuance, the gas-fee sweep, per-epoch pools, accruals and settlement."""

from __future__ import annotations

from chain.context import Context
from chain.modules.module import AppModule
from chain.modules.rewards import abci, genesis, keys, query_server
from chain.modules.rewards.expected_keepers import RewardsDeps


class RewardsModule(AppModule):
    name = "rewards"
    prefixes = keys.PREFIXES
    no_msg_server_reason = "rewards are minted, accrued and paid by block hooks and settlements; no messages"

    def __init__(self, deps: RewardsDeps):
        self.deps = deps
        self.keeper = deps.rewards

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

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []
