"""`sprintd q ...`: read-only queries against a node's gRPC endpoint.

    sprintd q bank balance ADDR [--denom usprint]
    sprintd q bank balances ADDR
    sprintd q auth account ADDR
    sprintd q tx HASH
    sprintd q sprint params | epoch [N] | weights | summary HOST [--epoch N] | proofs HOST [--epoch N]
    sprintd q sprint validations HOST [--epoch N] | assignments VALIDATOR [--epoch N]

All take --node (gRPC host:port; default: grpc_address of <home>/config/app.toml, else
127.0.0.1:9090), --home and --output json|text. JSON output follows the Cosmos SDK CLI's shapes
(int64 values as strings). The node helpers here (`node_option`, `resolve_node`, `node_client`) are
shared with `sprintd tx`.
"""

from __future__ import annotations

import base64
import contextlib
import tomllib
from pathlib import Path

import click

from abci_app.cli.common import CliError, emit, home_option, output_option
from abci_app.client import (
    BASE_ACCOUNT_URL,
    DEFAULT_GRPC_ADDRESS,
    SECP256K1_PUBKEY_URL,
    NodeClient,
    NodeError,
    normalize_grpc_address,
    normalize_tx_hash,
    tx_response_dict,
)
from abci_app.node_config import APP_TOML, NodeConfig
from chain.tx.crypto import AddressError, decode_address

DEFAULT_QUERY_TIMEOUT = 10.0

node_option = click.option(
    "--node", default=None, metavar="HOST:PORT",
    help="gRPC address of the node [default: grpc_address in <home>/config/app.toml, else "
         f"{DEFAULT_GRPC_ADDRESS}].",
)


# ---------------------------------------------------------------------- shared helpers


def load_node_config(home: str) -> NodeConfig | None:
    """The node config of `home`, or None when there is none; CliError when it is unreadable."""
    try:
        return NodeConfig.load(home)
    except FileNotFoundError:
        return None
    except (tomllib.TOMLDecodeError, TypeError, ValueError, OSError) as err:
        path = Path(home) / APP_TOML
        raise CliError(f"cannot read {path}: {' '.join(str(err).split())}; fix it or pass --node") from None


def resolve_node(node: str | None, home: str) -> str:
    """--node if given, else the grpc_address of <home>'s config, else 127.0.0.1:9090 (host:port)."""
    if node is None:
        config = load_node_config(home)
        node = config.grpc_address if config is not None else DEFAULT_GRPC_ADDRESS
    try:
        return normalize_grpc_address(node)
    except ValueError as err:
        raise CliError(f"bad --node: {err}") from None


def node_client(node: str | None, home: str, timeout: float = DEFAULT_QUERY_TIMEOUT) -> NodeClient:
    """A NodeClient for --node/--home (close it, or use it in a `with`)."""
    return NodeClient(resolve_node(node, home), timeout=timeout)


@contextlib.contextmanager
def node_errors():
    """Turn NodeError into a one-line CliError (no traceback)."""
    try:
        yield
    except NodeError as err:
        raise CliError(str(err)) from None


def check_address(address: str, what: str = "address") -> str:
    """The bech32 `sprint1...` account address, or CliError saying what is wrong with it."""
    try:
        decode_address(address)
    except AddressError as err:
        raise CliError(f"bad {what}: {err}; expected a bech32 account address like sprint1...") from None
    return address


def tx_text_lines(data: dict) -> list[str]:
    """Readable lines for a tx_response_dict: the main fields, then events with their attributes."""
    lines = [f"txhash: {data['txhash']}"]
    if data.get("height") not in (None, "", "0"):
        lines.append(f"height: {data['height']}")
    lines.append(f"code: {data['code']}")
    if data.get("codespace"):
        lines.append(f"codespace: {data['codespace']}")
    lines.append(f"raw_log: {data.get('raw_log', '')}")
    if data.get("gas_wanted") not in (None, "", "0") or data.get("gas_used") not in (None, "", "0"):
        lines.append(f"gas_wanted: {data.get('gas_wanted', '0')}")
        lines.append(f"gas_used: {data.get('gas_used', '0')}")
    if data.get("timestamp"):
        lines.append(f"timestamp: {data['timestamp']}")
    events = data.get("events") or []
    if events:
        lines.append("events:")
        for event in events:
            lines.append(f"  - {event['type']}")
            for attr in event.get("attributes", []):
                lines.append(f"      {attr['key']}: {attr['value']}")
    return lines


# ---------------------------------------------------------------------- commands


@click.group("q")
def query() -> None:
    """Query the chain's committed state through a node's gRPC endpoint."""


@query.group("bank")
def bank_query() -> None:
    """Balances."""


@bank_query.command("balance")
@click.argument("address")
@click.option("--denom", default="usprint", show_default=True, help="Denomination to query.")
@node_option
@home_option
@output_option
def balance_cmd(address: str, denom: str, node: str | None, home: str, output: str) -> None:
    """Balance of ADDRESS in one denom."""
    check_address(address)
    if not denom:
        raise CliError("--denom must not be empty; use --denom usprint")
    with node_errors(), node_client(node, home) as client:
        amount = client.balance(address, denom)
    emit({"balance": {"denom": denom, "amount": str(amount)}}, output, [f"{amount}{denom}"])


@bank_query.command("balances")
@click.argument("address")
@node_option
@home_option
@output_option
def balances_cmd(address: str, node: str | None, home: str, output: str) -> None:
    """All balances of ADDRESS."""
    check_address(address)
    with node_errors(), node_client(node, home) as client:
        coins = client.all_balances(address)
    data = {"balances": [{"denom": denom, "amount": str(amount)} for denom, amount in coins]}
    lines = [f"{amount}{denom}" for denom, amount in coins] or ["no balances"]
    emit(data, output, lines)


@query.group("auth")
def auth_query() -> None:
    """Accounts."""


@auth_query.command("account")
@click.argument("address")
@node_option
@home_option
@output_option
def account_cmd(address: str, node: str | None, home: str, output: str) -> None:
    """Account number, sequence and public key of ADDRESS."""
    check_address(address)
    with node_errors(), node_client(node, home) as client:
        info = client.account(address)
    if info is None:
        raise CliError(f"account {address} not found: an account exists on-chain only after it "
                       "first receives funds (or check --node)")
    pub_key = None
    if info.pubkey is not None:
        pub_key = {"@type": SECP256K1_PUBKEY_URL, "key": base64.b64encode(info.pubkey).decode()}
    data = {
        "account": {
            "@type": BASE_ACCOUNT_URL,
            "address": address,
            "pub_key": pub_key,
            "account_number": str(info.account_number),
            "sequence": str(info.sequence),
        }
    }
    lines = [
        f"address: {address}",
        f"account_number: {info.account_number}",
        f"sequence: {info.sequence}",
        f"pub_key: {pub_key['key'] if pub_key else '(none: no tx signed yet)'}",
    ]
    emit(data, output, lines)


@query.command("tx")
@click.argument("txhash", metavar="HASH")
@node_option
@home_option
@output_option
def tx_query_cmd(txhash: str, node: str | None, home: str, output: str) -> None:
    """A committed transaction by HASH: height, code, log, gas and events."""
    try:
        txhash = normalize_tx_hash(txhash)
    except ValueError as err:
        raise CliError(str(err)) from None
    with node_errors(), node_client(node, home) as client:
        resp = client.get_tx(txhash)
        address = client.address
    if resp is None:
        raise CliError(f"tx {txhash} not found (not yet committed, or wrong --node {address})")
    data = tx_response_dict(resp.tx_response)
    emit(data, output, tx_text_lines(data))


# ---------------------------------------------------------------------- sprint

epoch_option = click.option("--epoch", type=click.IntRange(min=0), default=None,
                            help="Epoch number [default: the current epoch].")


def sprint_query(client: NodeClient, method: str, request):
    """Call sprint.sprint.v1.Query/<method> on the node (NodeError on failure)."""
    from sprint.sprint.v1 import query_pb2_grpc

    rpc = getattr(query_pb2_grpc.QueryStub(client.channel), method)
    return client._call(f"sprint.sprint.v1.Query/{method}", rpc, request)  # noqa: SLF001 - shared error mapping


def _proto_dict(message) -> dict:
    from google.protobuf import json_format

    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def _hex_bytes(data: dict, *fields: str) -> dict:
    """Show seed-like bytes fields as hex (protobuf JSON gives base64)."""
    for name in fields:
        if name in data:
            data[name] = base64.b64decode(data[name]).hex()
    return data


def _current_epoch(client: NodeClient, epoch: int | None) -> int:
    from sprint.sprint.v1 import query_pb2

    if epoch is not None:
        return epoch
    return sprint_query(client, "Epoch", query_pb2.QueryEpochRequest()).epoch.number


@query.group("sprint")
def sprint_group() -> None:
    """Sprint epochs, seeds, proofs, validations and weights."""


@sprint_group.command("params")
@node_option
@home_option
@output_option
def sprint_params_cmd(node: str | None, home: str, output: str) -> None:
    """The Sprint params (phase lengths, PoW config, thresholds, cap, slash fraction)."""
    from sprint.sprint.v1 import query_pb2

    with node_errors(), node_client(node, home) as client:
        params = sprint_query(client, "Params", query_pb2.QueryParamsRequest()).params
    emit({"params": _proto_dict(params)}, output)


@sprint_group.command("epoch")
@click.argument("number", required=False, type=click.IntRange(min=0))
@node_option
@home_option
@output_option
def sprint_epoch_cmd(number: int | None, node: str | None, home: str, output: str) -> None:
    """Epoch NUMBER (default: the current one): phase, block bounds and seeds (hex)."""
    from sprint.sprint.v1 import query_pb2

    request = query_pb2.QueryEpochRequest() if number is None else query_pb2.QueryEpochRequest(number=number)
    with node_errors(), node_client(node, home) as client:
        resp = sprint_query(client, "Epoch", request)
    epoch = {"number": str(resp.epoch.number), **_hex_bytes(_proto_dict(resp.epoch), "seed", "validation_seed")}
    emit({"epoch": epoch, "height": str(resp.height)}, output)


@sprint_group.command("weights")
@node_option
@home_option
@output_option
def sprint_weights_cmd(node: str | None, home: str, output: str) -> None:
    """Every host's settled weight and CometBFT power."""
    from sprint.sprint.v1 import query_pb2

    with node_errors(), node_client(node, home) as client:
        resp = sprint_query(client, "Weights", query_pb2.QueryWeightsRequest())
    rows = [{"host": w.host, "weight": str(w.weight), "power": str(w.power)} for w in resp.weights]
    lines = [f"{r['host']}  weight {r['weight']}  power {r['power']}" for r in rows]
    lines.append(f"total weight {resp.total_weight}  total power {resp.total_power}")
    emit({"weights": rows, "total_weight": str(resp.total_weight), "total_power": str(resp.total_power)},
         output, lines)


@sprint_group.command("summary")
@click.argument("host")
@epoch_option
@node_option
@home_option
@output_option
def sprint_summary_cmd(host: str, epoch: int | None, node: str | None, home: str, output: str) -> None:
    """HOST's (operator address) standing in an epoch: commit/reveal, nonces, votes, status."""
    from sprint.sprint.v1 import query_pb2

    check_address(host, "host address")
    request = query_pb2.QueryProofSummaryRequest(host=host)
    if epoch is not None:
        request.epoch = epoch
    with node_errors(), node_client(node, home) as client:
        summary = sprint_query(client, "ProofSummary", request).summary
    emit({"summary": _proto_dict(summary)}, output)


@sprint_group.command("proofs")
@click.argument("host")
@epoch_option
@node_option
@home_option
@output_option
def sprint_proofs_cmd(host: str, epoch: int | None, node: str | None, home: str, output: str) -> None:
    """HOST's submitted nonces and claimed distances (x 10^6) in an epoch, ascending by nonce."""
    from sprint.sprint.v1 import query_pb2

    check_address(host, "host address")
    with node_errors(), node_client(node, home) as client:
        number = _current_epoch(client, epoch)
        resp = sprint_query(client, "Proofs", query_pb2.QueryProofsRequest(epoch=number, host=host))
    rows = [{"nonce": str(n), "distance_micro": str(d)} for n, d in zip(resp.nonces, resp.distances)]
    lines = [f"nonce {r['nonce']}  distance_micro {r['distance_micro']}" for r in rows] or [
        f"no proofs from {host} in epoch {number}"]
    emit({"epoch": str(number), "proofs": rows}, output, lines)


@sprint_group.command("validations")
@click.argument("host")
@epoch_option
@node_option
@home_option
@output_option
def sprint_validations_cmd(host: str, epoch: int | None, node: str | None, home: str, output: str) -> None:
    """The votes cast on HOST's proofs in an epoch."""
    from sprint.sprint.v1 import query_pb2

    check_address(host, "host address")
    with node_errors(), node_client(node, home) as client:
        number = _current_epoch(client, epoch)
        resp = sprint_query(client, "Validations", query_pb2.QueryValidationsRequest(epoch=number, host=host))
    votes = [_proto_dict(v) for v in resp.validations]
    lines = [f"{v.validator}  {'approve' if v.approve else 'reject'}  checked {v.checked}  "
             f"mismatches {v.mismatches}  height {v.height}" for v in resp.validations] or [
        f"no votes on {host} in epoch {number}"]
    emit({"epoch": str(number), "validations": votes}, output, lines)


@sprint_group.command("assignments")
@click.argument("validator")
@epoch_option
@node_option
@home_option
@output_option
def sprint_assignments_cmd(validator: str, epoch: int | None, node: str | None, home: str, output: str) -> None:
    """The provers VALIDATOR (operator address) must check in an epoch."""
    from sprint.sprint.v1 import query_pb2

    check_address(validator, "validator address")
    with node_errors(), node_client(node, home) as client:
        number = _current_epoch(client, epoch)
        resp = sprint_query(client, "Assignments",
                            query_pb2.QueryAssignmentsRequest(epoch=number, validator=validator))
    emit({"epoch": str(number), "provers": list(resp.provers)}, output,
         list(resp.provers) or [f"{validator} has no provers to check in epoch {number}"])
