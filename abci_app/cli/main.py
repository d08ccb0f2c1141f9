"""`sprintd`: the node's command line. Subcommands live in one module each."""

from __future__ import annotations

import sys

import click

from abci_app.cli.common import CliError
from abci_app.cli.keys_cmd import keys
from abci_app.cli.node_cmd import devnet, init, start
from abci_app.cli.query_cmd import query
from abci_app.cli.tx_cmd import tx


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sprintchain")
def cli() -> None:
    """sprintchain node: ABCI app + gRPC server over CometBFT."""


for command in (init, start, devnet, keys, tx, query):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes print one line with the fix, never a traceback."""
    try:
        cli.main(args=argv, standalone_mode=False, prog_name="sprintd")
    except CliError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
