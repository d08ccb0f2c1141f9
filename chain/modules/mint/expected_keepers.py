"""What mint needs from other modules' keepers: supply and minting (bank), epochs and accepted
Sprint work (sprint), reputation records and request counts (reputation), pools and the decay
schedule (rewards), jobs, models, frauds and job creation for dummy tasks (inference), eligible
hosts (hosts), and optionally the training jobs whose PASSED segments count as verified compute."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # typing only: the mint keeper is this module's own
    from chain.modules.mint.keeper import MintKeeper


class BankKeeper(Protocol):
    def supply(self, store, denom: str) -> int: ...

    def balance(self, store, address: bytes, denom: str) -> int: ...

    def mint_to_module(self, ctx, module: str, coins: list[tuple[str, int]]) -> None: ...

    def send_module_to_module(self, ctx, sender: str, recipient: str, coins: list[tuple[str, int]]) -> None: ...


class SprintKeeper(Protocol):
    def get_params(self, store): ...

    def get_seed(self, store, epoch: int) -> bytes: ...

    def summaries(self, store, epoch: int) -> list: ...


class ReputationKeeper(Protocol):
    def get(self, store, operator: bytes): ...

    def requests(self, store, epoch: int) -> int: ...


class RewardsKeeper(Protocol):
    def get_params(self, store): ...

    def get_pool(self, store, epoch: int): ...


class InferenceKeeper(Protocol):
    verification: object  # VerificationStore: caught(store, epoch), the executors with a confirmed fraud

    def get_params(self, store): ...

    def get_job(self, store, job_id: int): ...

    def set_job(self, store, job) -> None: ...

    def get_model(self, store, name: str): ...

    def models(self, store) -> list: ...

    def allocate_job_id(self, store) -> int: ...


class HostsKeeper(Protocol):
    def eligible_hosts(self, store) -> list[tuple[bytes, object]]: ...


class TrainingJobs(Protocol):
    """training: a job by id (its load, intervals and segments)."""

    def get_job(self, store, job_id: int): ...


@dataclass(frozen=True)
class MintDeps:
    """The keepers the mint module is built from (its end-of-block hook receives these)."""

    mint: MintKeeper
    bank: BankKeeper
    sprint: SprintKeeper
    reputation: ReputationKeeper
    rewards: RewardsKeeper
    inference: InferenceKeeper
    hosts: HostsKeeper
    training: TrainingJobs | None = None
