"""What hosts needs from other modules' keepers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # typing only: the hosts keeper imports this module
    from chain.modules.hosts.keeper import HostsKeeper


class StakingKeeper(Protocol):
    """staking: bond the registration collateral, check min_collateral (lifting bans, genesis)."""

    def get_params(self, store): ...

    def bond_amount(self, store, msg, field: str = "amount") -> int: ...

    def stake(self, ctx, operator: bytes, amount: int) -> None: ...

    def bonded(self, store, operator: bytes) -> int: ...

    def meets_min_collateral(self, store, operator: bytes) -> bool: ...


@dataclass(frozen=True)
class HostsDeps:
    """The keepers the hosts module is built from."""

    hosts: HostsKeeper
    staking: StakingKeeper
