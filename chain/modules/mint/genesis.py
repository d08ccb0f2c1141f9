"""mint genesis: default, validate, init, export (params only; export -> init round-trips).

app_state["mint"] = GenesisState as proto JSON, e.g. {"params": {"schedule": "kpi", "fee_reward_ppm":
500000, ...}}; omitted fields take their defaults (a whole omitted section = the default params).
Init creates the "community_vault" and "dummy_tasks" module accounts, so that account numbers do
not depend on when they first receive coins.
"""

from __future__ import annotations

from google.protobuf import json_format
from sprint.mint.v1.mint_pb2 import GenesisState, Params

from chain.errors import ErrInvalidRequest
from chain.modules.bank.keys import module_address
from chain.modules.mint import keys
from chain.modules.mint.keeper import MintKeeper
from chain.modules.mint.params import default_params, validate_params


def params_json(params: Params) -> dict:
    """Params as proto JSON with zero fields written out (an omitted field means its default)."""
    return json_format.MessageToDict(params, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def default_genesis() -> dict:
    return {"params": params_json(default_params())}


def validate_genesis(state: dict | None) -> Params:
    """The params of `state` (defaults for omitted fields), checked."""
    unknown = sorted(set(state or {}) - {"params"})
    if unknown:
        raise ErrInvalidRequest(f"mint genesis: unknown field {unknown[0]!r}")
    params = default_params()
    if state and state.get("params"):
        try:
            json_format.ParseDict(state["params"], params)
        except json_format.ParseError as err:
            raise ErrInvalidRequest(f"mint genesis: {err}") from err
    validate_params(params)
    return params


def init_genesis(store, keeper: MintKeeper, state: dict | None) -> None:
    keeper.set_params(store, validate_genesis(state))
    for name in (keys.VAULT_MODULE, keys.DUMMY_MODULE):
        keeper.bank.accounts.get_or_create(store, module_address(name))


def export_genesis(store, keeper: MintKeeper) -> dict:
    return {"params": params_json(keeper.get_params(store))}


__all__ = ["GenesisState", "default_genesis", "validate_genesis", "init_genesis", "export_genesis"]
