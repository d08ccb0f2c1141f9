"""The stakingview AppModule: cosmos.staking.v1beta1.Query over hosts, for explorers and wallets."""

from __future__ import annotations

from chain.modules.module import AppModule
from chain.modules.stakingview import keys, query_server
from chain.modules.stakingview.expected_keepers import StakingViewDeps


WHY_NO_MSG_SERVER = "a read-only query view: hosts are registered and staked through hosts and staking"


class StakingViewModule(AppModule, name="stakingview", keys=keys, queries=query_server,
                        no_msg_server=WHY_NO_MSG_SERVER):
    def __init__(self, deps: StakingViewDeps):
        super().__init__(deps, deps)
