"""What inference needs from other modules' keepers: the escrow and payouts (bank), who may act
and who is eligible (hosts), slashes (staking), epochs and seeds (sprint), scores, validation
probability and records (reputation), accruals and frauds (rewards)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Protocol

if TYPE_CHECKING:  # typing only: the inference keeper is this module's own
    from chain.modules.inference.keeper import InferenceKeeper


class BankKeeper(Protocol):
    def send(self, ctx, sender: bytes, recipient: bytes, coins: list[tuple[str, int]]) -> None: ...

    def send_module_to_module(self, ctx, sender: str, recipient: str, coins: list[tuple[str, int]]) -> None: ...


class HostsKeeper(Protocol):
    def host_by_worker_address(self, store, worker_address: bytes): ...

    def eligible_hosts(self, store) -> list[tuple[bytes, object]]: ...

    def ban(self, ctx, operator: bytes, until_height: int, reason: str): ...


class StakingKeeper(Protocol):
    def get_params(self, store): ...

    def slash_fault(self, ctx, operator: bytes, reason: str) -> int: ...

    def slash_malicious(self, ctx, operator: bytes, reason: str) -> int: ...


class SprintKeeper(Protocol):
    def get_params(self, store): ...

    def current_epoch(self, store, height: int) -> int: ...

    def check_window(self, ctx, epoch: int, first_phase: int, last_phase: int, what: str): ...

    def get_seed(self, store, epoch: int) -> bytes: ...

    def summaries(self, store, epoch: int) -> list: ...


class ReputationKeeper(Protocol):
    def get_params(self, store): ...

    def iterate(self, store) -> Iterator[tuple[bytes, object]]: ...

    def scores(self, store) -> dict[bytes, int]: ...

    def validation_ppm(self, store, operator: bytes, epoch: int) -> int: ...

    def record_request(self, store, epoch: int) -> None: ...

    def requests(self, store, epoch: int) -> int: ...

    def volume(self, store, epoch: int) -> int: ...

    def record_job(self, store, operator: bytes, epoch: int, rating_ppm: int, work_value: int,
                   completed: bool | None = None): ...

    def record_fraud(self, ctx, operator: bytes): ...

    def record_duties(self, store, operator: bytes, done: int, missed: int) -> None: ...

    def end_epoch(self, ctx, epoch: int, active: list[bytes], caught: list[bytes]) -> None: ...


class RewardsKeeper(Protocol):
    def accrue(self, ctx, epoch: int, operator: bytes, field: str, amount: int) -> int: ...

    def record_fraud(self, ctx, epoch: int, executor: bytes, confirmers: list[bytes], cap: int) -> int: ...

    def settle_epoch(self, ctx, sources, epoch: int, outcomes: dict[bytes, dict]) -> list: ...


@dataclass(frozen=True)
class InferenceDeps:
    """The keepers the inference module is built from; its handlers and hooks see only these."""

    inference: InferenceKeeper
    bank: BankKeeper
    hosts: HostsKeeper
    staking: StakingKeeper
    sprint: SprintKeeper
    reputation: ReputationKeeper
    rewards: RewardsKeeper
