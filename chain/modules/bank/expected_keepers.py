"""What bank needs from other modules' keepers."""

from __future__ import annotations

from typing import Iterator, Protocol


class AccountKeeper(Protocol):
    """auth: create the account a transfer pays into, list accounts for the genesis export."""

    def get_or_create(self, store, address: bytes): ...

    def iterate_accounts(self, store) -> Iterator[tuple[bytes, object]]: ...
