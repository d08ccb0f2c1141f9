"""hosts genesis: default, validate, init, export (export -> init round-trips).

app_state["hosts"] = {"hosts": [Host as proto JSON]}, e.g.

    {"operator": "sprint1…", "consensus_pubkey": "<base64 32 bytes>", "worker_pubkey": "<base64 33>",
     "endpoint": "127.0.0.1:26657", "moniker": "node0", "weight": "10", "status": "HOST_STATUS_ACTIVE"}

The CometBFT genesis validators must be exactly the active hosts with power = weight:
`genesis_validators()` gives that list and `check_validators()` compares one with it.
"""

from __future__ import annotations

from google.protobuf import json_format
from sprint.hosts.v1.hosts_pb2 import (
    HOST_STATUS_ACTIVE, HOST_STATUS_BANNED, HOST_STATUS_UNSPECIFIED, GenesisState, Host,
)

from chain.errors import ErrInvalidRequest
from chain.modules.hosts import keys
from chain.modules.hosts.endpoint import endpoint_error
from chain.modules.hosts.keeper import HostsKeeper
from chain.tx.crypto import AddressError, decode_address, is_valid_pubkey

MAX_MONIKER_LENGTH = 70
# CometBFT's MaxTotalVotingPower = MaxInt64 / 8.
MAX_TOTAL_WEIGHT = ((1 << 63) - 1) // 8


def default_genesis() -> dict:
    return {"hosts": []}


def parse_genesis(state: dict | None) -> GenesisState:
    genesis = GenesisState()
    if state:
        try:
            json_format.ParseDict(state, genesis)
        except json_format.ParseError as err:
            raise ErrInvalidRequest(f"hosts genesis: {err}") from err
    return genesis


def check_consensus_pubkey(pubkey: bytes, where: str, error=ErrInvalidRequest) -> None:
    if len(pubkey) != keys.CONSENSUS_PUBKEY_LENGTH:
        raise error(f"{where}: consensus_pubkey must be a {keys.CONSENSUS_PUBKEY_LENGTH}-byte ed25519 key, "
                    f"got {len(pubkey)} bytes")


def check_worker_pubkey(pubkey: bytes, where: str, error=ErrInvalidRequest) -> None:
    if len(pubkey) != keys.WORKER_PUBKEY_LENGTH or not is_valid_pubkey(pubkey):
        raise error(f"{where}: worker_pubkey must be a {keys.WORKER_PUBKEY_LENGTH}-byte compressed secp256k1 key")


def check_description(endpoint: str, moniker: str, where: str) -> None:
    if len(moniker) > MAX_MONIKER_LENGTH:
        raise ErrInvalidRequest(f"{where}: moniker longer than {MAX_MONIKER_LENGTH} characters")
    problem = endpoint_error(endpoint)
    if problem is not None:
        raise ErrInvalidRequest(f"{where}: {problem}")


def validate_host(host: Host, where: str = "host") -> bytes:
    """Check one host's fields; returns its raw operator address. Weight 0 is allowed (a host
    registered by MsgRegisterHost has no weight until the Sprint gives it some)."""
    try:
        operator = decode_address(host.operator)
    except AddressError as err:
        raise ErrInvalidRequest(f"{where}: operator: {err}") from err
    check_consensus_pubkey(host.consensus_pubkey, where)
    check_worker_pubkey(host.worker_pubkey, where)
    if host.status == HOST_STATUS_UNSPECIFIED:
        raise ErrInvalidRequest(f"{where}: status must be set (e.g. HOST_STATUS_ACTIVE)")
    if host.banned_until < 0 or (host.banned_until > 0 and host.status != HOST_STATUS_BANNED):
        raise ErrInvalidRequest(f"{where}: banned_until must be 0 unless the status is HOST_STATUS_BANNED")
    check_description(host.endpoint, host.moniker, where)
    return operator


def validate_genesis(state: dict | None) -> list[Host]:
    """The genesis hosts, raising ErrInvalidRequest on bad fields, duplicate operators, consensus
    keys or worker keys, or a total active weight above CometBFT's limit."""
    genesis = parse_genesis(state)
    operators: dict[bytes, int] = {}
    consensus: dict[bytes, int] = {}
    workers: dict[bytes, int] = {}
    total = 0
    for index, host in enumerate(genesis.hosts):
        where = f"hosts genesis: hosts[{index}]"
        operator = validate_host(host, where)
        if operator in operators:
            raise ErrInvalidRequest(f"{where}: operator {host.operator} is also hosts[{operators[operator]}]")
        operators[operator] = index
        if host.consensus_pubkey in consensus:
            raise ErrInvalidRequest(
                f"{where}: consensus_pubkey is also used by hosts[{consensus[host.consensus_pubkey]}]")
        consensus[host.consensus_pubkey] = index
        if host.worker_pubkey in workers:
            raise ErrInvalidRequest(f"{where}: worker_pubkey is also used by hosts[{workers[host.worker_pubkey]}]")
        workers[host.worker_pubkey] = index
        if host.status == HOST_STATUS_ACTIVE:
            total += host.weight
    if total > MAX_TOTAL_WEIGHT:
        raise ErrInvalidRequest(f"hosts genesis: total active weight {total} exceeds {MAX_TOTAL_WEIGHT}")
    return list(genesis.hosts)


def init_genesis(store, keeper: HostsKeeper, state: dict | None) -> None:
    for host in validate_genesis(state):
        keeper.set_host(store, host)


def export_genesis(store, keeper: HostsKeeper) -> dict:
    hosts = [json_format.MessageToDict(h, preserving_proto_field_name=True) for h in keeper.all_hosts(store)]
    return {"hosts": hosts}


def genesis_validators(hosts: list[Host]) -> list[tuple[bytes, int]]:
    """(ed25519 pubkey, power) of every active host with weight > 0, in genesis order: the
    validator set CometBFT must start with (CometBFT refuses power 0 in genesis)."""
    return [(h.consensus_pubkey, h.weight) for h in hosts if h.status == HOST_STATUS_ACTIVE and h.weight > 0]


def check_validators(hosts: list[Host], validators: list[tuple[bytes, int]]) -> None:
    """Raise ErrInvalidRequest unless `validators` (pubkey, power) equals the active hosts' keys and
    weights, compared as sorted lists (CometBFT orders validators itself)."""
    want = sorted(genesis_validators(hosts))
    got = sorted(validators)
    if want != got:
        raise ErrInvalidRequest(
            f"genesis validators do not match the active hosts: {len(got)} validators vs {len(want)} "
            "active hosts, or a power differs from a host's weight")
