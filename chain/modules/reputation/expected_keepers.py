"""What reputation needs from other modules' keepers (read only)."""

from __future__ import annotations

from typing import Iterator, Protocol


class StakingKeeper(Protocol):
    """staking: bonds, for the stake share of the scheduling score."""

    def bonded(self, store, operator: bytes) -> int: ...

    def iterate_bonds(self, store) -> Iterator[tuple[bytes, int]]: ...


class HostsKeeper(Protocol):
    """hosts: the registered hosts, scored in one pass."""

    def iterate_hosts(self, store) -> Iterator[tuple[bytes, object]]: ...
