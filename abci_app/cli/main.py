"""`sprintd`: the node's command line. Subcommands live in one module each."""

from __future__ import annotations

import click

from abci_app.cli.common import run_cli
from abci_app.cli.inference_cmd import register_commands as register_inference_commands
from abci_app.cli.keys_cmd import keys
from abci_app.cli.node_cmd import devnet, init, start
from abci_app.cli.query_cmd import query
from abci_app.cli.replay_cmd import replay
from abci_app.cli.staking_cmd import register_commands as register_staking_commands
from abci_app.cli.testnet_cmd import testnet
from abci_app.cli.tx_cmd import tx


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sprintchain")
def cli() -> None:
    """sprintchain node: ABCI app + gRPC server over CometBFT."""


for command in (init, start, devnet, testnet, keys, tx, query, replay):
    cli.add_command(command)
register_staking_commands(tx, query)
register_inference_commands(cli, tx, query)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `sprintd` console script."""
    run_cli(cli, argv, "sprintd")


if __name__ == "__main__":
    main()
