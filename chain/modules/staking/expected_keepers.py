"""What staking needs from other modules' keepers."""

from __future__ import annotations

from typing import Protocol


class BankKeeper(Protocol):
    """bank: move collateral into and out of the "staking" module account, burn slashed stake."""

    def send(self, ctx, sender: bytes, recipient: bytes, coins: list[tuple[str, int]]) -> None: ...

    def burn_from_module(self, ctx, module: str, coins: list[tuple[str, int]]) -> None: ...


class ReputationLevels(Protocol):
    """reputation, read only: (honest_epochs, full_reputation_epochs) of an operator. A narrow view
    so that staking does not depend on the reputation keeper, which reads bonds."""

    def level(self, store, operator: bytes) -> tuple[int, int]: ...


class HostsView(Protocol):
    """hosts, read only: the genesis hosts whose collateral the staking genesis checks."""

    def all_hosts(self, store) -> list: ...
