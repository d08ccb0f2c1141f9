"""The training AppModule: verified fine-tuning jobs (docs/training.md)."""

from __future__ import annotations

from chain.context import Context
from chain.modules.module import AppModule
from chain.modules.training import abci, faults, genesis, keys, query_server
from chain.modules.training.expected_keepers import TrainingDeps
from chain.modules.training.msg_server import MsgServer


class TrainingModule(AppModule, name="training", keys=keys, genesis=genesis, queries=query_server):
    def __init__(self, deps: TrainingDeps):
        super().__init__(deps.training, deps, MsgServer(deps))

    def init_genesis(self, store, state: dict | None) -> None:
        """Jobs, maintenance and counters, then the active jobs' collateral locked with staking."""
        genesis.init_genesis(store, self.keeper, state)
        genesis.relock_collateral(store, self.keeper, self.deps.staking)

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []

    def invariants(self) -> list:
        return [("training-escrow", lambda store: faults.escrow_violation(self.deps, store))]
