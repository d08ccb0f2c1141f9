"""The staking AppModule: host collateral, lock-ups, unbonding and slashing."""

from __future__ import annotations

from chain.context import Context
from chain.modules.module import AppModule
from chain.modules.staking import abci, genesis, keys, query_server
from chain.modules.staking.expected_keepers import HostsView
from chain.modules.staking.keeper import StakingKeeper
from chain.modules.staking.msg_server import MsgServer


class StakingModule(AppModule):
    name = "staking"
    prefixes = keys.PREFIXES

    def __init__(self, keeper: StakingKeeper, hosts: HostsView):
        self.keeper = keeper
        self.hosts = hosts
        self.msg_server = MsgServer(keeper)

    def routes(self) -> list:
        return self.msg_server.routes()

    def query_methods(self) -> list:
        return list(query_server.METHODS)

    def default_genesis(self) -> dict:
        return genesis.default_genesis()

    def validate_genesis(self, state: dict | None) -> None:
        genesis.validate_genesis(state)

    def init_genesis(self, store, state: dict | None) -> None:
        genesis.init_genesis(store, self.keeper, state or {})

    def check_genesis(self, store, app_state: dict) -> None:
        """With a "staking" section, every genesis host holding power must be bonded with at least
        min_collateral."""
        if "staking" in app_state:
            genesis.check_genesis_hosts(store, self.keeper, self.hosts.all_hosts(store))

    def export_genesis(self, store) -> dict:
        return genesis.export_genesis(store, self.keeper)

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.keeper)
        return []
