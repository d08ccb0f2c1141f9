"""What the staking view reads from other modules' keepers (read only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol


class HostsKeeper(Protocol):
    def get_host(self, store, operator: bytes): ...

    def iterate_hosts(self, store) -> Iterator[tuple[bytes, object]]: ...


class StakingKeeper(Protocol):
    def get_params(self, store): ...

    def bonded(self, store, operator: bytes) -> int: ...

    def total_staked(self, store) -> int: ...


class SprintKeeper(Protocol):
    def get_power(self, store, operator: bytes) -> tuple[int, bytes]: ...


@dataclass(frozen=True)
class StakingViewDeps:
    hosts: HostsKeeper
    staking: StakingKeeper
    sprint: SprintKeeper
