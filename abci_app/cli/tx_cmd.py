"""`sprintd tx ...`: build, sign (keyring) and broadcast transactions through a node's gRPC endpoint.

    sprintd tx bank send FROM_KEY_OR_ADDRESS TO_ADDRESS 1000usprint [--fees 5000usprint | --gas-prices 0.025usprint]
        [--gas auto|N] [--gas-adjustment 1.3] [--memo TEXT] [--yes] [--wait] [--node HOST:PORT]
        [--chain-id ID] [--keyring-backend file|test] [--home DIR] [--output json|text]

Each module's tx commands live in its own file (bank_cmd, staking_cmd, hosts_cmd, inference_cmd) and
are built with abci_app.cli.framework.tx_command; the shared flow is abci_app.cli.txflow.run_tx.
Everything the user typed is checked locally first (amounts, addresses, gas, fees) so mistakes give
one clear sentence before any key is unlocked or any node is contacted. All fee math is integer.
"""

from __future__ import annotations

import click

from abci_app.cli.nodes import resolve_chain_id
from abci_app.cli.txargs import (
    DENOM,
    USPRINT_PER_SPRINT,
    format_gas_price,
    parse_amount,
    parse_gas_adjustment,
    parse_gas_option,
    parse_gas_prices,
    tx_options,
)
from abci_app.cli.txflow import DEFAULT_TX_TIMEOUT, plan_summary, run_tx
from abci_app.cli.txargs import DEFAULT_WAIT_TIMEOUT


@click.group("tx")
def tx() -> None:
    """Sign transactions with a keyring key and broadcast them to a node."""


# The helpers below lived in this module before the split; they stay importable from here.
__all__ = ["tx", "run_tx", "tx_options", "parse_amount", "parse_gas_prices", "parse_gas_adjustment",
           "parse_gas_option", "resolve_chain_id", "DENOM", "USPRINT_PER_SPRINT", "DEFAULT_TX_TIMEOUT",
           "DEFAULT_WAIT_TIMEOUT", "format_gas_price", "plan_summary"]
