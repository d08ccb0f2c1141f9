"""`sprintd init`, `sprintd start` and `sprintd devnet`."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import click

from abci_app.cli.common import CliError, emit, home_option, output_option

DEFAULT_DEVNET_HOME = os.environ.get("SPRINTD_DEVNET_HOME", str(Path.home() / ".sprintd-devnet"))
_PORT = click.IntRange(1, 65535)


def _default_moniker() -> str:
    return socket.gethostname() or "sprint-node"


@click.command("init")
@home_option
@click.option("--chain-id", default="sprint-localnet-1", show_default=True,
              help="Chain id written to genesis.json and app.toml.")
@click.option("--moniker", default=None, help="Node name shown to peers [default: hostname].")
@output_option
def init(home: str, chain_id: str, moniker: str | None, output: str) -> None:
    """Create a node home: CometBFT keys/config, app.toml and a genesis with no accounts."""
    from abci_app.cometbft import (
        CONFIG_TOML, GENESIS_JSON, init_cometbft_home, node_id, set_config_values,
        validate_chain_id, write_genesis,
    )
    from abci_app.node_config import APP_TOML, NodeConfig
    from genesis.app_state import build_app_state

    home_path = Path(home).expanduser().resolve()
    validate_chain_id(chain_id)
    for rel in (GENESIS_JSON, CONFIG_TOML, APP_TOML):
        if (home_path / rel).exists():
            raise CliError(
                f"{home_path} is already initialised ({rel} exists); use another --home "
                "or delete that directory to start over"
            )
    moniker = moniker or _default_moniker()
    init_cometbft_home(home_path, moniker)
    node_config = NodeConfig(chain_id=chain_id)
    node_config.save(home_path)
    set_config_values(home_path, {("", "proxy_app"): f"tcp://{node_config.abci_address}"})
    write_genesis(home_path, chain_id, build_app_state([]))
    result = {
        "home": str(home_path),
        "chain_id": chain_id,
        "moniker": moniker,
        "node_id": node_id(home_path),
        "genesis": str(home_path / GENESIS_JSON),
        "app_config": str(home_path / APP_TOML),
    }
    emit(result, output, [
        f"initialised {home_path} for chain {chain_id} (moniker {moniker})",
        f"  node id : {result['node_id']}",
        f"  genesis : {result['genesis']} (no accounts yet)",
        f"  app.toml: {result['app_config']}",
        f"start it with: sprintd start --home {home_path}  (and `cometbft start --home {home_path}`)",
    ])


@click.command("start")
@home_option
def start(home: str) -> None:
    """Run the node: ABCI socket server for CometBFT plus the gRPC server (until Ctrl-C)."""
    from abci_app.node_config import APP_TOML

    home_path = Path(home).expanduser()
    if not (home_path / APP_TOML).is_file():
        raise CliError(f"{home_path} is not initialised ({APP_TOML} missing); "
                       f"run `sprintd init --home {home_path}` first")
    import abci_app.node as node

    start_error = getattr(node, "NodeStartError", ())
    try:
        node.run_node(str(home_path))
    except start_error as err:  # a setup problem (port busy, db locked): one line, no traceback
        raise CliError(str(err)) from None


@click.command("devnet")
@click.option("--home", default=DEFAULT_DEVNET_HOME, show_default=True,
              type=click.Path(file_okay=False), help="Devnet home (created when missing).")
@click.option("--reset", is_flag=True, help="Delete the devnet home (chain data, keys) first.")
@click.option("--chain-id", default=None, help="Chain id for a new devnet [default: sprint-devnet-1].")
@click.option("--rpc-port", type=_PORT, default=None, help="CometBFT RPC port [default: 26657].")
@click.option("--grpc-port", type=_PORT, default=None, help="sprintd gRPC port [default: 9090].")
@click.option("--p2p-port", type=_PORT, default=None, help="CometBFT P2P port [default: 26656].")
@click.option("--abci-port", type=_PORT, default=None, help="ABCI socket port [default: 26658].")
@click.option("--ready-timeout", type=click.FloatRange(1, 3600), default=60.0, show_default=True,
              help="Seconds to wait for the first block before giving up.")
@click.option("--init-only", is_flag=True, help="Create the devnet home and exit without starting.")
@click.option("--no-worker", is_flag=True,
              help="Do not start the host's sprint-worker (the chain runs without taking part in the Sprint).")
@click.option("--worker-threads", type=click.IntRange(min=0), default=None,
              help="Torch CPU threads of the worker, passed as --threads (0 = all cores) "
                   "[default: all cores but one, left to sprintd and cometbft].")
def devnet(home: str, reset: bool, chain_id: str | None, rpc_port, grpc_port, p2p_port, abci_port,
           ready_timeout: float, init_only: bool, no_worker: bool, worker_threads: int | None) -> None:
    """One-validator local devnet with funded dev accounts (test keyring), supervised until Ctrl-C.

    The validator is a registered host (keys "operator" and "worker") and its sprint-worker runs
    alongside sprintd and cometbft, logging to <home>/logs/worker.log."""
    from abci_app.devnet_runner import run_devnet
    from genesis.devnet import DEV_NOTE, create_devnet_home, reset_devnet_home

    ports = dict(rpc_port=rpc_port, grpc_port=grpc_port, p2p_port=p2p_port, abci_port=abci_port)
    used = [p for p in ports.values() if p is not None]
    if len(used) != len(set(used)):
        raise CliError("--rpc-port, --grpc-port, --p2p-port and --abci-port must all differ")
    if reset:
        reset_devnet_home(home)
        click.echo(f"removed devnet home {Path(home).expanduser()}")
    info = create_devnet_home(home, chain_id=chain_id, **ports)
    if info["created"]:
        click.echo(f"created devnet {info['chain_id']} in {info['home']}")
        click.echo(f"dev accounts (keyring-backend test; also saved in {info['dev_accounts_file']}):")
        host = info.get("host") or {}
        for acc in [*info["accounts"], *(host[role] for role in ("operator", "worker") if role in host)]:
            click.echo(f"  {acc['name']:<8} {acc['address']}  {acc['amount']}{info['denom']}")
            click.echo(f"           mnemonic: {acc['mnemonic']}")
        if host:
            click.echo(f"host {host['moniker']}: operator key {host['operator']['name']} (bonded "
                       f"{host['collateral']}{info['denom']}), worker key {host['worker']['name']}, "
                       f"weight {host['weight']}")
        click.echo(DEV_NOTE)
    else:
        click.echo(f"reusing devnet {info['chain_id']} in {info['home']} (use --reset to start over)")
    if init_only:
        return
    if worker_threads is None:
        worker_threads = max(1, (os.cpu_count() or 2) - 1)
    code = run_devnet(info["home"], ready_timeout=ready_timeout, info=info, worker=not no_worker,
                      worker_threads=worker_threads)
    if code:
        raise SystemExit(code)
