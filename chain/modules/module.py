"""AppModule: what every chain module gives the app (the shape of the Cosmos SDK's `module.go`).

A module is built from the keepers it declares in its own `expected_keepers.py`; the registry keeps
an ordered list of modules, and app init, genesis, message routing, queries, end block and the
invariant checks iterate that list. Each hook has one signature and one return type:

- `routes()`: (type URL, Route) of the module's messages, handled by bound msg-server methods;
- `query_methods()`: the gRPC query methods it serves;
- `default_genesis()` / `validate_genesis(state)` (None, or raises ErrInvalidRequest) /
  `init_genesis(store, state)` / `export_genesis(store)` (a dict that init_genesis accepts);
- `check_genesis(store, app_state)`: cross-module genesis rules, after every module's init;
- `begin_block(ctx)` / `end_block(ctx)` (the CometBFT validator updates, usually none);
- `invariants()`: (name, fn(store) -> violation text or None).
"""

from __future__ import annotations

from types import ModuleType
from typing import Callable, ClassVar

from chain.context import Context

ValidatorUpdates = list[tuple[bytes, int]]  # (ed25519 pubkey, power); power 0 removes


class AppModule:
    """Base class. A subclass declares itself in its class line, e.g.

        class HostsModule(AppModule, name="hosts", keys=keys, genesis=genesis, queries=query_server):

    (its keys.py gives the prefixes it owns; its genesis.py the usual default_genesis(),
    validate_genesis(state), init_genesis(store, keeper, state), export_genesis(store, keeper); its
    query_server.py the METHODS), or `no_msg_server=<why>` when it has no messages. It is built with
    its keeper, the keepers it declares (deps) and its msg server, and overrides a hook only where
    the module differs."""

    name: ClassVar[str] = ""
    prefixes: ClassVar[tuple[bytes, ...]] = ()  # the store prefixes it owns (from its keys.py)
    # Why the module has no msg_server.py (None when it has one).
    no_msg_server_reason: ClassVar[str | None] = None
    genesis: ClassVar[ModuleType | None] = None
    query_server: ClassVar[ModuleType | None] = None

    def __init_subclass__(cls, *, name: str, keys: ModuleType, genesis: ModuleType | None = None,
                          queries: ModuleType | None = None, no_msg_server: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.name, cls.prefixes = name, tuple(keys.PREFIXES)
        cls.genesis, cls.query_server, cls.no_msg_server_reason = genesis, queries, no_msg_server

    def __init__(self, keeper, deps=None, msg_server=None):
        self.keeper = keeper  # the module's own keeper
        self.deps = deps  # the keepers it declares in expected_keepers.py
        self.msg_server = msg_server

    def routes(self) -> list:
        return self.msg_server.routes() if self.msg_server is not None else []

    def query_methods(self) -> list:
        return list(self.query_server.METHODS) if self.query_server is not None else []

    def default_genesis(self) -> dict | None:
        """The module's app_state section for a new chain (None: the module has no section)."""
        return self.genesis.default_genesis() if self.genesis is not None else None

    def validate_genesis(self, state: dict | None) -> None:
        """Raise ErrInvalidRequest when the module's app_state section is invalid."""
        if self.genesis is not None:
            self.genesis.validate_genesis(state)

    def init_genesis(self, store, state: dict | None) -> None:
        """Write the module's genesis state (validated) into `store`."""
        if self.genesis is not None:
            self.genesis.init_genesis(store, self.keeper, state)

    def export_genesis(self, store) -> dict | None:
        """The module's app_state section from `store` (None: the module has no section)."""
        return self.genesis.export_genesis(store, self.keeper) if self.genesis is not None else None

    def check_genesis(self, store, app_state: dict) -> None:
        """Rules that span modules, checked once every module's genesis is written."""

    def has_block_hooks(self) -> bool:
        """True when the module overrides begin_block or end_block (it then has an abci.py)."""
        cls = type(self)
        return cls.begin_block is not AppModule.begin_block or cls.end_block is not AppModule.end_block

    def begin_block(self, ctx: Context) -> None:
        """Work at the start of every block (no module has any yet)."""

    def end_block(self, ctx: Context) -> ValidatorUpdates:
        """Work at the end of every block; returns CometBFT validator updates."""
        return []

    def invariants(self) -> list[tuple[str, Callable]]:
        return []
