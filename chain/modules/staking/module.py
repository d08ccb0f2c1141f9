"""The staking AppModule: host collateral, lock-ups, unbonding and slashing."""

from __future__ import annotations

from chain.context import Context
from chain.modules.module import AppModule
from chain.modules.staking import abci, genesis, keys, query_server
from chain.modules.staking.expected_keepers import HostsView
from chain.modules.staking.keeper import StakingKeeper
from chain.modules.staking.msg_server import MsgServer


class StakingModule(AppModule, name="staking", keys=keys, genesis=genesis, queries=query_server):
    def __init__(self, keeper: StakingKeeper, hosts: HostsView):
        super().__init__(keeper, msg_server=MsgServer(keeper))
        self.hosts = hosts

    def check_genesis(self, store, app_state: dict) -> None:
        """With a "staking" section, every genesis host holding power must be bonded with at least
        min_collateral."""
        if "staking" in app_state:
            genesis.check_genesis_hosts(store, self.keeper, self.hosts.all_hosts(store))

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.keeper)
        return []
