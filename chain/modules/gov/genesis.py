"""gov genesis: app_state["gov"] = {"params": Params as proto JSON} (omitted fields take
params.default_params). Proposals do not survive an export: a new chain starts with none.
Without a "gov" section nothing is written (the keeper reads the defaults)."""

from __future__ import annotations

from google.protobuf import json_format
from sprint.gov.v1.gov_pb2 import GenesisState, Params

from chain.errors import ErrInvalidRequest
from chain.modules.gov.params import default_params, validate_params

FIELDS = ("params",)


def params_to_dict(params: Params) -> dict:
    return json_format.MessageToDict(params, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def default_genesis() -> dict:
    return {"params": params_to_dict(default_params())}


def parse_genesis(state: dict | None) -> GenesisState:
    """GenesisState from proto JSON, params over the defaults; ErrInvalidRequest when invalid."""
    state = dict(state or {})
    unknown = sorted(k for k in state if k not in FIELDS)
    if unknown:
        raise ErrInvalidRequest(f"gov genesis: unknown field {unknown[0]!r}")
    genesis = GenesisState(params=default_params())
    try:
        json_format.ParseDict(state.get("params") or {}, genesis.params)
    except json_format.ParseError as err:
        raise ErrInvalidRequest(f"gov genesis: {err}") from err
    validate_params(genesis.params)
    return genesis


def validate_genesis(state: dict | None) -> None:
    parse_genesis(state)


def init_genesis(store, keeper, state: dict | None) -> None:
    genesis = parse_genesis(state)
    if state:
        keeper.set_params(store, genesis.params)


def export_genesis(store, keeper) -> dict:
    return {"params": params_to_dict(keeper.get_params(store))}
