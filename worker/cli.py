"""`sprint-worker`: the host's compute process. It follows its node's blocks (server-streaming
subscription), takes part in the Sprint with torch, and signs its txs with the worker key."""

from __future__ import annotations

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
@click.option("--threads", type=int, default=0, help="Torch CPU threads (0 = all cores).")
@click.option("--device", default="auto", help="cpu, cuda or auto (cuda with bf16 when present).")
@click.option("--state-file", default=None, help="[default: <home>/worker/sprint-state.json]")
@click.option("--cheat", default=None, hidden=True,
              help="TEST ONLY: 'fabricate' or 'inflate N%' - to show that validators catch cheats.")
def start(home, key_name, keyring_backend, node, chain_id, max_blocks, threads, device, state_file, cheat) -> None:
    """Take part in the Sprint: commit/reveal seed shares, search and submit nonces, validate peers."""
    from abci_app.client import NodeError
    from abci_app.keyring import Keyring, KeyringError
    from worker.agent.cheat import parse_cheat
    from worker.node_client import WorkerIdentity, WorkerNodeClient

    try:
        cheat_mode = parse_cheat(cheat)
    except ValueError as err:
        raise CliError(str(err)) from err
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
        _run_agent(client, key, identity.chain_id, home, state_file, cheat_mode, threads, device, max_blocks)
    except NodeError as err:
        raise CliError(str(err)) from err
    finally:
        client.close()


def _run_agent(client, key, chain_id, home, state_file, cheat, threads, device, max_blocks) -> None:
    from pathlib import Path

    from worker.agent.follower import BlockFollower
    from worker.agent.sprint_agent import NotAHost, SprintAgent
    from worker.torch_setup import choose_device

    try:
        device = choose_device(device, threads)
    except ValueError as err:
        raise CliError(str(err)) from err
    state_path = Path(state_file) if state_file else Path(home).expanduser() / "worker" / "sprint-state.json"
    try:
        agent = SprintAgent(client.node, key, chain_id, state_path, cheat=cheat, device=device,
                            echo=lambda text: click.echo(text))
    except NotAHost as err:
        raise CliError(str(err)) from err
    if cheat is not None:
        click.echo(f"WARNING: cheating mode {cheat.mode} {cheat.percent or ''} (test only)")
    click.echo(f"host {agent.operator} on {device}; state in {state_path}")
    follower = BlockFollower(client.node.address)
    follower.start()
    try:
        agent.run(follower, max_blocks=max_blocks)
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        follower.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `sprint-worker` console script."""
    run_cli(cli, argv, "sprint-worker")


if __name__ == "__main__":
    main()
