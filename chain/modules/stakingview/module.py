"""The stakingview AppModule: cosmos.staking.v1beta1.Query over hosts, for explorers and wallets."""

from __future__ import annotations

from chain.modules.module import AppModule
from chain.modules.stakingview import keys, query_server
from chain.modules.stakingview.expected_keepers import StakingViewDeps


class StakingViewModule(AppModule):
    name = "stakingview"
    prefixes = keys.PREFIXES
    no_msg_server_reason = "a read-only query view: hosts are registered and staked through hosts and staking"

    def __init__(self, deps: StakingViewDeps):
        self.deps = deps

    def query_methods(self) -> list:
        return list(query_server.METHODS)
