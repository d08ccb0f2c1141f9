"""What gov needs from other modules' keepers, and the parameter spaces it may change."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Protocol


class BankKeeper(Protocol):
    """bank: hold deposits in the "gov" module account, refund or burn them, pay vault spends."""

    def balance(self, store, address: bytes, denom: str) -> int: ...

    def send_to_module(self, ctx, sender: bytes, module: str, coins: list[tuple[str, int]]) -> None: ...

    def send_from_module(self, ctx, module: str, recipient: bytes, coins: list[tuple[str, int]]) -> None: ...

    def burn_from_module(self, ctx, module: str, coins: list[tuple[str, int]]) -> None: ...


class StakingView(Protocol):
    """staking, read only: bonded operators (ascending address) and the bond denom."""

    def iterate_bonds(self, store): ...

    def get_params(self, store): ...


class ReputationScores(Protocol):
    """reputation, read only: scheduling score (ppm) of every host, and of any one operator."""

    def scores(self, store) -> dict[bytes, int]: ...

    def score_ppm(self, store, operator: bytes) -> int: ...


@dataclass(frozen=True)
class ParamSpace:
    """One module's params as gov changes them: read, write and that module's own validation."""

    get: Callable  # (store) -> Params message
    set: Callable  # (store, Params) -> None
    validate: Callable  # (Params) -> None, raises ErrInvalidRequest naming the field


def param_space(module: str, keeper) -> ParamSpace:
    """The ParamSpace of chain module `module`: its keeper's get/set_params and its params.py
    validate_params."""
    validate = importlib.import_module(f"chain.modules.{module}.params").validate_params
    return ParamSpace(get=keeper.get_params, set=keeper.set_params, validate=validate)


@dataclass(frozen=True)
class TrainingGrant:
    """The training module's hook for training-fund grants (wired in the registry)."""

    # (ctx, MsgSubmitTrainingJob) -> job id: queue the job with its budget paid by the "training_fund"
    # module account (the training module's submit_from_module), or raise TxError.
    submit: Callable
    fee_denom: Callable  # (store) -> the denom of training budgets


@dataclass(frozen=True)
class GovDeps:
    gov: object  # GovKeeper
    bank: BankKeeper
    staking: StakingView
    reputation: ReputationScores
    spaces: dict[str, ParamSpace] = field(default_factory=dict)  # module name -> its params
    training_grant: TrainingGrant | None = None  # None: training grants are not accepted
