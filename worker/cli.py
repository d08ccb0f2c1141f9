"""`sprint-worker`: the host's compute process. Torch-backed Sprint and job execution arrive with
their issues; this command already connects to the node, checks the worker key and follows blocks."""

from __future__ import annotations

import time

import click

from abci_app.cli.common import CliError, home_option, keyring_backend_option, run_cli
from abci_app.cli.query_cmd import resolve_node
from abci_app.cli.tx_cmd import resolve_chain_id


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """sprintchain worker process."""


@cli.command("start")
@home_option
@click.option("--key", "key_name", required=True, help="Keyring name of the worker's signing key.")
@keyring_backend_option
@click.option("--node", default=None, help="Node gRPC address [default: from <home>/config/app.toml].")
@click.option("--chain-id", default=None)
@click.option("--max-blocks", type=int, default=0, help="Stop after following this many blocks (0 = run until Ctrl-C).")
def start(home, key_name, keyring_backend, node, chain_id, max_blocks) -> None:
    """Connect to the node and follow the chain with the worker key."""
    from abci_app.client import NodeError
    from abci_app.keyring import Keyring, KeyringError
    from worker.node_client import WorkerIdentity, WorkerNodeClient

    try:
        key = Keyring(home, backend=keyring_backend).signing_key(key_name)
    except KeyringError as err:
        raise CliError(str(err)) from err
    identity = WorkerIdentity(key, resolve_chain_id(chain_id, home))
    client = WorkerNodeClient(resolve_node(node, home), identity)
    try:
        if not client.account_exists():
            raise CliError(f"worker account {identity.address} has no funds on chain; send it some usprint first")
        click.echo(f"worker {identity.address} connected to {client.node.address}, balance {client.balance()}usprint")
        _follow(client, max_blocks)
    except NodeError as err:
        raise CliError(str(err)) from err
    finally:
        client.close()


def _follow(client, max_blocks: int) -> None:
    seen, last = 0, None
    while max_blocks == 0 or seen < max_blocks:
        height = client.node.latest_height()
        if height != last:
            click.echo(f"height {height}")
            last, seen = height, seen + 1
        time.sleep(0.2)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `sprint-worker` console script."""
    run_cli(cli, argv, "sprint-worker")


if __name__ == "__main__":
    main()
