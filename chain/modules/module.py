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

from typing import Callable, ClassVar

from chain.context import Context

ValidatorUpdates = list[tuple[bytes, int]]  # (ed25519 pubkey, power); power 0 removes


class AppModule:
    """Base class: a module with no messages, queries, genesis, hooks or invariants."""

    name: ClassVar[str] = ""
    prefixes: ClassVar[tuple[bytes, ...]] = ()  # the store prefixes it owns (from its keys.py)
    # Why the module has no msg_server.py (None when it has one).
    no_msg_server_reason: ClassVar[str | None] = None

    def routes(self) -> list:
        return []

    def query_methods(self) -> list:
        return []

    def default_genesis(self) -> dict | None:
        """The module's app_state section for a new chain (None: the module has no section)."""
        return None

    def validate_genesis(self, state: dict | None) -> None:
        """Raise ErrInvalidRequest when the module's app_state section is invalid."""

    def init_genesis(self, store, state: dict | None) -> None:
        """Write the module's genesis state (validated) into `store`."""

    def export_genesis(self, store) -> dict | None:
        """The module's app_state section from `store` (None: the module has no section)."""
        return None

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
