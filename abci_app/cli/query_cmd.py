"""`sprintd q ...`: read-only queries against a node's gRPC endpoint.

    sprintd q bank balance ADDR [--denom usprint]
    sprintd q bank balances ADDR
    sprintd q auth account ADDR
    sprintd q tx HASH

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
