"""rewards genesis: default, validate, init, export (params only; export -> init round-trips).

app_state["rewards"] = GenesisState as proto JSON, e.g.

    {"params": {"denom": "usprint", "initial_block_reward": "1000000", "decay_period_blocks": "100000",
                "decay_bps": 500, "executor_bps": 6000, "validator_bps": 3000, "proposer_bps": 1000}}

Omitted fields take their defaults (a whole omitted section = the default params). Init also creates
the "rewards" module account so that account numbers do not depend on when issuance first runs.
"""

from __future__ import annotations

from google.protobuf import json_format
from sprint.rewards.v1.rewards_pb2 import GenesisState, Params

from chain.errors import ErrInvalidRequest
from chain.modules.rewards.keeper import RewardsKeeper
from chain.modules.rewards.params import default_params, validate_params


def _params_json(params: Params) -> dict:
    """Params as proto JSON with zero fields written out (an omitted field means its default)."""
    return json_format.MessageToDict(params, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def default_genesis() -> dict:
    return {"params": _params_json(default_params())}


def validate_genesis(state: dict | None) -> Params:
    """The params of `state` (defaults for omitted fields), checked."""
    params = default_params()
    if state and state.get("params"):
        merged = _params_json(params)
        merged.update(state["params"])
        try:
            params = json_format.ParseDict(merged, Params())
        except json_format.ParseError as err:
            raise ErrInvalidRequest(f"rewards genesis: {err}") from err
    validate_params(params)
    return params


def init_genesis(store, keeper: RewardsKeeper, state: dict | None) -> None:
    keeper.set_params(store, validate_genesis(state))
    keeper.bank.accounts.get_or_create(store, keeper.module_address)


def export_genesis(store, keeper: RewardsKeeper) -> dict:
    return {"params": _params_json(keeper.get_params(store))}


__all__ = ["GenesisState", "default_genesis", "validate_genesis", "init_genesis", "export_genesis"]
