"""`sprintd q ...`: read-only queries against a node's gRPC endpoint.

    sprintd q bank balance ADDR [--denom usprint] | bank balances ADDR | auth account ADDR   (bank_cmd)
    sprintd q tx HASH
    sprintd q sprint ... (sprint_cmd), staking ... (staking_cmd), hosts ... (hosts_cmd),
    inference ... (inference_cmd), reputation ... (reputation_cmd), rewards ... (rewards_cmd)

All take --node (gRPC host:port; default: grpc_address of <home>/config/app.toml, else
127.0.0.1:9090), --home and --output json|text. JSON output follows the Cosmos SDK CLI's shapes
(int64 values as strings). Each module's commands live in its own file and are built with
abci_app.cli.framework.query_command.
"""

from __future__ import annotations

import click

from abci_app.cli.common import CliError
from abci_app.cli.framework import query_command
from abci_app.cli.nodes import (
    DEFAULT_QUERY_TIMEOUT,
    check_address,
    load_node_config,
    node_client,
    node_errors,
    node_option,
    resolve_node,
)
from abci_app.cli.txflow import tx_text_lines
from abci_app.client import normalize_tx_hash, tx_response_dict


@click.group("q")
def query() -> None:
    """Query the chain's committed state through a node's gRPC endpoint."""


def _tx_hash(value: str) -> str:
    try:
        return normalize_tx_hash(value)
    except ValueError as err:
        raise CliError(str(err)) from None


@query_command(query, "tx", not_found="tx {txhash} not found (not yet committed, or wrong --node {node})")
@click.argument("txhash", metavar="HASH", callback=lambda _ctx, _param, value: _tx_hash(value))
def tx_query_cmd(client, txhash: str):
    """A committed transaction by HASH: height, code, log, gas and events."""
    resp = client.get_tx(txhash)
    if resp is None:
        return None
    data = tx_response_dict(resp.tx_response)
    return data, tx_text_lines(data)


# The node helpers lived here before abci_app.cli.nodes; they stay importable from here.
__all__ = ["query", "tx_query_cmd", "DEFAULT_QUERY_TIMEOUT", "check_address", "load_node_config", "node_client",
           "node_errors", "node_option", "resolve_node", "tx_text_lines"]
