"""What training needs from other modules' keepers: the escrow and payouts (bank), who may act, who
is eligible and bans (hosts), job collateral, slashes and lock-ups (staking), epochs (sprint),
scores and records (reputation), the heartbeat penalty and fraud records (rewards), and the model
registry (inference)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Protocol

if TYPE_CHECKING:  # typing only: the training keeper is this module's own
    from chain.modules.training.keeper import TrainingKeeper


class BankKeeper(Protocol):
    def balance(self, store, address: bytes, denom: str) -> int: ...

    def send(self, ctx, sender: bytes, recipient: bytes, coins: list[tuple[str, int]]) -> None: ...

    def send_module_to_module(self, ctx, sender: str, recipient: str, coins: list[tuple[str, int]]) -> None: ...


class HostsKeeper(Protocol):
    def get_host(self, store, operator: bytes): ...

    def host_by_worker_address(self, store, worker_address: bytes): ...

    def eligible_hosts(self, store) -> list[tuple[bytes, object]]: ...

    def ban(self, ctx, operator: bytes, until_height: int, reason: str): ...


class StakingKeeper(Protocol):
    def get_params(self, store): ...

    def bonded(self, store, operator: bytes) -> int: ...

    def add_lock(self, store, operator: bytes, unlock_height: int, amount: int) -> None: ...

    def lock_job_collateral(self, store, operator: bytes, job_id: int, amount: int) -> None: ...

    def release_job_collateral(self, store, operator: bytes, job_id: int) -> int: ...

    def job_collateral(self, store, operator: bytes) -> int: ...

    def slash_fault(self, ctx, operator: bytes, reason: str) -> int: ...

    def slash_malicious(self, ctx, operator: bytes, reason: str) -> int: ...


class SprintKeeper(Protocol):
    def get_params(self, store): ...

    def current_epoch(self, store, height: int) -> int: ...


class ReputationKeeper(Protocol):
    def get(self, store, operator: bytes): ...

    def set(self, store, rep) -> None: ...

    def scores(self, store) -> dict[bytes, int]: ...

    def iterate(self, store) -> Iterator[tuple[bytes, object]]: ...

    def record_job(self, store, operator: bytes, epoch: int, rating_ppm: int, work_value: int,
                   completed: bool | None = None): ...

    def record_fraud(self, ctx, operator: bytes): ...

    def drop_success(self, ctx, operator: bytes, drop_ppm: int, reason: str): ...

    def scale_success(self, ctx, operator: bytes, keep_ppm: int, reason: str): ...


class RewardsKeeper(Protocol):
    def penalize_heartbeat(self, ctx, epoch: int, operator: bytes, bps: int) -> int: ...

    def record_fraud(self, ctx, epoch: int, executor: bytes, confirmers: list[bytes], cap: int) -> int: ...


class InferenceKeeper(Protocol):
    def get_model(self, store, name: str): ...

    def set_model(self, store, model) -> None: ...


@dataclass(frozen=True)
class TrainingDeps:
    """The keepers the training module is built from; its handlers and hooks see only these."""

    training: TrainingKeeper
    bank: BankKeeper
    hosts: HostsKeeper
    staking: StakingKeeper
    sprint: SprintKeeper
    reputation: ReputationKeeper
    rewards: RewardsKeeper
    inference: InferenceKeeper
