"""Reaching a node from the CLI: --node, the home's app.toml, a NodeClient with one-line errors,
address checks and the chain id to sign for. Shared by every query and tx command."""

from __future__ import annotations

import contextlib
import tomllib
from pathlib import Path

import click

from abci_app.cli.common import CliError
from abci_app.client import DEFAULT_GRPC_ADDRESS, NodeClient, NodeError, normalize_grpc_address
from abci_app.node_config import APP_TOML, NodeConfig
from chain.tx.crypto import AddressError, decode_address

DEFAULT_QUERY_TIMEOUT = 10.0

node_option = click.option(
    "--node", default=None, metavar="HOST:PORT",
    help="gRPC address of the node [default: grpc_address in <home>/config/app.toml, else "
         f"{DEFAULT_GRPC_ADDRESS}].",
)


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


def resolve_chain_id(chain_id: str | None, home: str) -> str:
    """--chain-id if given, else the chain_id of <home>'s node config; CliError when neither."""
    if chain_id:
        return chain_id
    config = load_node_config(home)
    if config is None:
        raise CliError(f"--chain-id is required: there is no node config in {home} to take it from "
                       "(e.g. --chain-id sprint-devnet-1)")
    return config.chain_id
