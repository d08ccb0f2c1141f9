"""`sprintd`: the node's command line. Subcommands live in one module each."""

from __future__ import annotations

import click

from abci_app.cli import (
    bank_cmd,
    blobs_cmd,
    gov_cmd,
    hosts_cmd,
    inference_cmd,
    mint_cmd,
    reputation_cmd,
    rewards_cmd,
    sprint_cmd,
    staking_cmd,
    training_cmd,
)
from abci_app.cli.chain_registry_cmd import chain_registry
from abci_app.cli.common import run_cli
from abci_app.cli.keys_cmd import keys
from abci_app.cli.node_cmd import devnet, init, start
from abci_app.cli.query_cmd import query
from abci_app.cli.replay_cmd import replay
from abci_app.cli.testnet_cmd import testnet
from abci_app.cli.tx_cmd import tx


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sprintchain")
def cli() -> None:
    """sprintchain node: ABCI app + gRPC server over CometBFT."""


for command in (init, start, devnet, testnet, keys, tx, query, replay, chain_registry):
    cli.add_command(command)
# Each chain module's commands: register(cli, tx, query) attaches its `tx`/`q` groups.
for module in (bank_cmd, sprint_cmd, staking_cmd, hosts_cmd, inference_cmd, training_cmd, reputation_cmd, rewards_cmd,
               blobs_cmd, gov_cmd, mint_cmd):
    module.register(cli, tx, query)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `sprintd` console script."""
    run_cli(cli, argv, "sprintd")


if __name__ == "__main__":
    main()
