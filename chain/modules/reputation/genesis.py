"""reputation genesis: default, validate, init, export (export -> init round-trips).

app_state["reputation"] = GenesisState as proto JSON, e.g.

    {"params": {"full_reputation_epochs": "30", "min_validation_ppm": 10000, ...},
     "hosts": [{"host": "sprint1…", "honest_epochs": "3", "success_rate_ppm": 950000, ...}]}

Omitted params fields take their defaults; derived fields (validation_ppm, score_ppm, has_record)
are ignored on import and never exported.
"""

from __future__ import annotations

from google.protobuf import json_format
from sprint.reputation.v1.reputation_pb2 import GenesisState

from chain.errors import ErrInvalidRequest
from chain.modules.reputation.keeper import ReputationKeeper
from chain.modules.reputation.params import PPM, default_params, validate_params
from chain.tx.crypto import AddressError, decode_address


def default_genesis() -> dict:
    return {"params": json_format.MessageToDict(default_params(), preserving_proto_field_name=True), "hosts": []}


def validate_genesis(state: dict | None) -> GenesisState:
    """Parsed genesis with valid params and unique, well-formed host records."""
    genesis = GenesisState(params=default_params())
    if state:
        try:
            json_format.ParseDict(state, genesis)
        except json_format.ParseError as err:
            raise ErrInvalidRequest(f"reputation genesis: {err}") from err
    validate_params(genesis.params)
    seen: dict[bytes, int] = {}
    for index, rep in enumerate(genesis.hosts):
        where = f"reputation genesis: hosts[{index}]"
        try:
            operator = decode_address(rep.host)
        except AddressError as err:
            raise ErrInvalidRequest(f"{where}: host: {err}") from err
        if operator in seen:
            raise ErrInvalidRequest(f"{where}: host {rep.host} is also hosts[{seen[operator]}]")
        seen[operator] = index
        if rep.success_rate_ppm > PPM:
            raise ErrInvalidRequest(f"{where}: success_rate_ppm must be at most {PPM}")
    return genesis


def init_genesis(store, keeper: ReputationKeeper, state: dict | None) -> None:
    genesis = validate_genesis(state)
    keeper.set_params(store, genesis.params)
    for rep in genesis.hosts:
        keeper.set(store, rep)


def export_genesis(store, keeper: ReputationKeeper) -> dict:
    params = json_format.MessageToDict(keeper.get_params(store), preserving_proto_field_name=True,
                                       always_print_fields_with_no_presence=True)  # zeros too: omitted = default
    hosts = [json_format.MessageToDict(rep, preserving_proto_field_name=True) for _, rep in keeper.iterate(store)]
    return {"params": params, "hosts": hosts}
