"""What rewards needs from other modules' keepers, and what an epoch settlement reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # typing only: the rewards keeper is this module's own
    from chain.modules.rewards.keeper import RewardsKeeper


class BankKeeper(Protocol):
    """bank: mint issuance, sweep fees, pay out and burn from the "rewards" module account."""

    def balance(self, store, address: bytes, denom: str) -> int: ...

    def mint_to_module(self, ctx, module: str, coins: list[tuple[str, int]]) -> None: ...

    def send_module_to_module(self, ctx, sender: str, recipient: str, coins: list[tuple[str, int]]) -> None: ...

    def send_from_module(self, ctx, module: str, recipient: bytes, coins: list[tuple[str, int]]) -> None: ...

    def burn_from_module(self, ctx, module: str, coins: list[tuple[str, int]]) -> None: ...


class HostsKeeper(Protocol):
    """hosts: the block proposer's operator, the hosts eligible for the executor pool."""

    def operator_by_consensus_address(self, store, cons_address: bytes) -> bytes | None: ...

    def eligible_hosts(self, store) -> list[tuple[bytes, object]]: ...


class EpochSource(Protocol):
    """sprint: the params that define epochs."""

    def get_params(self, store): ...


class ScoreTable(Protocol):
    """reputation: the scheduling score (ppm) of every registered host."""

    def scores(self, store) -> dict[bytes, int]: ...


class MintSource(Protocol):
    """mint: the issuance of a block (schedule, supply cap, dummy debt) and the fee split q / (1 - q)."""

    def take_block_issuance(self, ctx, rewards_params) -> int: ...

    def block_issuance(self, store, rewards_params, height: int) -> int: ...

    def fee_split(self, store, fees: int) -> tuple[int, int]: ...


class ParamsSource(Protocol):
    """inference: its params (bounty_bps)."""

    def get_params(self, store): ...


@dataclass(frozen=True)
class SettlementSources:
    """What an epoch settlement reads besides the rewards state: the reputation scores that weight
    the executor pool (None: the keeper's own reputation, or 10^6 each without one) and the inference
    params that set bounty_bps (None: DEFAULT_BOUNTY_BPS)."""

    reputation: ScoreTable | None = None
    inference: ParamsSource | None = None


@dataclass(frozen=True)
class RewardsDeps:
    """The keepers the rewards module is built from (its end-of-block hook receives these)."""

    rewards: RewardsKeeper
    bank: BankKeeper
    sprint: EpochSource
    reputation: ScoreTable
    inference: ParamsSource
    mint: MintSource
