"""The hosts AppModule: the host registry, bans, and the genesis validator set."""

from __future__ import annotations

from chain.context import Context
from chain.modules.hosts import abci, genesis, keys, query_server
from chain.modules.hosts.expected_keepers import HostsDeps
from chain.modules.hosts.msg_server import MsgServer
from chain.modules.module import AppModule


class HostsModule(AppModule, name="hosts", keys=keys, genesis=genesis, queries=query_server):
    def __init__(self, deps: HostsDeps):
        super().__init__(deps.hosts, deps, MsgServer(deps))

    def check_validators(self, store, validators: list[tuple[bytes, int]]) -> None:
        """With registered hosts, CometBFT's genesis validators must be exactly the active hosts with
        power = weight. A chain without hosts (a devnet) keeps its own set."""
        hosts = self.keeper.all_hosts(store)
        if hosts:
            genesis.check_validators(hosts, validators)

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []
