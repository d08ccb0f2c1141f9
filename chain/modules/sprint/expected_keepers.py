"""What sprint needs from other modules' keepers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Protocol

if TYPE_CHECKING:  # typing only: the sprint keeper is this module's own
    from chain.modules.sprint.keeper import SprintKeeper


class HostsKeeper(Protocol):
    """hosts: who sends worker messages, the eligible validators, weights written at settlement."""

    def host_by_worker_address(self, store, worker_address: bytes): ...

    def iterate_hosts(self, store) -> Iterator[tuple[bytes, object]]: ...

    def eligible_hosts(self, store) -> list[tuple[bytes, object]]: ...

    def set_host(self, store, host) -> None: ...


class StakingKeeper(Protocol):
    """staking: slash a rejected prover, check min_collateral before giving power."""

    def slash(self, ctx, operator: bytes, fraction_bps: int, reason: str) -> int: ...

    def meets_min_collateral(self, store, operator: bytes) -> bool: ...


@dataclass(frozen=True)
class SprintDeps:
    """The keepers the sprint module is built from."""

    sprint: SprintKeeper
    hosts: HostsKeeper
    staking: StakingKeeper
