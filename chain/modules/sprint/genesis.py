"""sprint genesis: app_state["sprint"] = {"params": Params as proto JSON} (omitted fields take the
defaults of params.default_params). Export -> init round-trips the params.

InitChain also records the last CometBFT powers: every ACTIVE genesis host holds power = its
genesis weight (exactly the genesis validator set hosts.genesis checks), so the first settlement
sends updates only for powers that change. Per-epoch state (commits, proofs, votes, counters) is
not exported: a chain started from an exported genesis begins at epoch 0.
"""

from __future__ import annotations

from google.protobuf import json_format
from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_ACTIVE
from sprint.sprint.v1.sprint_pb2 import Params

from chain.errors import ErrInvalidRequest
from chain.modules.sprint.keeper import SprintKeeper
from chain.modules.sprint.params import default_params, validate_params


def params_to_dict(params: Params) -> dict:
    return json_format.MessageToDict(params, preserving_proto_field_name=True)


def default_genesis() -> dict:
    return {"params": params_to_dict(default_params())}


def parse_params(data: dict | None) -> Params:
    """Params from proto JSON over the defaults; ErrInvalidRequest when unreadable or out of range."""
    params = default_params()
    if data:
        try:
            json_format.ParseDict(data, params)
        except json_format.ParseError as err:
            raise ErrInvalidRequest(f"sprint genesis params: {err}") from err
    validate_params(params)
    return params


def validate_genesis(state: dict | None) -> Params:
    state = state or {}
    unknown = sorted(set(state) - {"params"})
    if unknown:
        raise ErrInvalidRequest(f"sprint genesis: unknown field {unknown[0]!r}")
    return parse_params(state.get("params"))


def init_genesis(store, keeper: SprintKeeper, hosts_keeper, state: dict | None) -> None:
    """Store the params and the genesis validator powers (run after the hosts genesis)."""
    keeper.set_params(store, validate_genesis(state))
    for operator, host in hosts_keeper.iterate_hosts(store):
        if host.status == HOST_STATUS_ACTIVE and host.weight > 0:
            keeper.set_power(store, operator, host.weight, host.consensus_pubkey)


def export_genesis(store, keeper: SprintKeeper) -> dict:
    return {"params": params_to_dict(keeper.get_params(store))}
