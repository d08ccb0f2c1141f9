"""The hosts AppModule: the host registry, bans, and the genesis validator set."""

from __future__ import annotations

from chain.context import Context
from chain.modules.hosts import abci, genesis, keys, query_server
from chain.modules.hosts.expected_keepers import HostsDeps
from chain.modules.hosts.msg_server import MsgServer
from chain.modules.module import AppModule


class HostsModule(AppModule):
    name = "hosts"
    prefixes = keys.PREFIXES

    def __init__(self, deps: HostsDeps):
        self.deps = deps
        self.keeper = deps.hosts
        self.msg_server = MsgServer(deps)

    def routes(self) -> list:
        return self.msg_server.routes()

    def query_methods(self) -> list:
        return list(query_server.METHODS)

    def default_genesis(self) -> dict:
        return genesis.default_genesis()

    def validate_genesis(self, state: dict | None) -> None:
        genesis.validate_genesis(state)

    def init_genesis(self, store, state: dict | None) -> None:
        genesis.init_genesis(store, self.keeper, state)

    def check_validators(self, store, validators: list[tuple[bytes, int]]) -> None:
        """With registered hosts, CometBFT's genesis validators must be exactly the active hosts with
        power = weight. A chain without hosts (a devnet) keeps its own set."""
        hosts = self.keeper.all_hosts(store)
        if hosts:
            genesis.check_validators(hosts, validators)

    def export_genesis(self, store) -> dict:
        return genesis.export_genesis(store, self.keeper)

    def end_block(self, ctx: Context) -> list:
        abci.end_block(ctx, self.deps)
        return []
