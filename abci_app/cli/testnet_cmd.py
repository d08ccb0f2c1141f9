"""`sprintd testnet init | start | stop | status`: multi-validator testnets.

    sprintd testnet init --validators 4 --output ./localnet [--seed S]          # one-machine localnet
    sprintd testnet init --hostnames validator0,validator1,validator2,validator3 --output ./testnet
    sprintd testnet start ./localnet        # detached: N x (sprintd + cometbft + sprint-worker)
    sprintd testnet status ./localnet       # height, app hash, peers, power per validator
    sprintd testnet stop ./localnet
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from abci_app.cli.common import CliError, output_option

_PORT = click.IntRange(1024, 65535)


@click.group("testnet")
def testnet() -> None:
    """Multi-validator testnets: genesis generation, a one-machine localnet, docker compose."""


def _split_hostnames(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise CliError(f"--hostnames {text!r} has an empty name; give a comma-separated list like "
                       "validator0,validator1,validator2,validator3")
    return names


@testnet.command("init")
@click.option("--validators", "-n", type=int, default=None,
              help="Number of validators [default: 4, or the number of --hostnames].")
@click.option("--output", "output_dir", required=True, type=click.Path(),
              help="New or empty directory that receives testnet.json and node0..node<N-1> "
                   "(the generated testnet.json is the machine-readable summary).")
@click.option("--chain-id", default="sprint-localnet-1", show_default=True)
@click.option("--hostnames", default=None, metavar="H0,H1,...",
              help="docker compose mode: the CometBFT service name of each validator (also writes "
                   "docker-compose.yml into the output directory). Default: localnet on 127.0.0.x.")
@click.option("--base-port", type=_PORT, default=26656, show_default=True,
              help="localnet: p2p port; RPC = base+1, ABCI = base+2 (same on every 127.0.0.x).")
@click.option("--grpc-port", type=_PORT, default=9090, show_default=True, help="localnet: gRPC port.")
@click.option("--ip-prefix", default="127.0.0", show_default=True,
              help="localnet: node i listens on <prefix>.<i+1>.")
@click.option("--single-ip", is_flag=True,
              help="localnet: every node on 127.0.0.1 with ports base+10*i.. and grpc+i (no 127.0.0.x).")
@click.option("--block-time", "--timeout-commit", "timeout_commit", default="500ms", show_default=True,
              help="CometBFT timeout_commit: the pause between blocks.")
@click.option("--timeout-propose", default=None, help="CometBFT timeout_propose [default: CometBFT's 3s].")
@click.option("--weight", type=int, default=10, show_default=True,
              help="Genesis weight of every host = its CometBFT voting power.")
@click.option("--seed", default=None,
              help="Derive every key from this text (reproducible testnets for tests); random otherwise.")
@click.option("--genesis-time", default=None, help="RFC 3339 genesis time [default: now].")
@click.option("--epoch-length", type=int, default=None,
              help="Sprint epoch length in blocks (>= 6), split into the commit, reveal, sprint, proof, "
                   "validation and settlement phases in the proportions 3:3:8:3:4:3 [default: 24].")
def init(validators, output_dir, chain_id, hostnames, base_port, grpc_port, ip_prefix, single_ip,
         timeout_commit, timeout_propose, weight, seed, genesis_time, epoch_length) -> None:
    """Generate the CometBFT homes, shared genesis and keys of an N-validator testnet."""
    from genesis.testnet import NOTE, TestnetOptions, init_testnet

    names = _split_hostnames(hostnames)
    if validators is None:
        validators = len(names) if names else 4
    opts = TestnetOptions(
        validators=validators, chain_id=chain_id, hostnames=names, base_port=base_port,
        grpc_port=grpc_port, ip_prefix=ip_prefix, single_ip=single_ip, timeout_commit=timeout_commit,
        timeout_propose=timeout_propose, seed=seed, genesis_time=genesis_time, weight=weight,
        epoch_length=epoch_length,
    )
    info = init_testnet(output_dir, opts)
    lines = [f"created {info['mode']} testnet {info['chain_id']} with {info['validators']} validators "
             f"in {info['dir']}"]
    for node in info["nodes"]:
        where = node["services"]["cometbft"] if info["mode"] == "compose" else node["rpc_url"]
        lines.append(f"  {node['moniker']:<12} id {node['node_id']}  power {node['power']}  {where}")
        lines.append(f"  {'':<12} operator {node['operator']['address']}  worker {node['worker']['address']}")
    if info["mode"] == "compose":
        lines.append(f"docker compose file: {Path(info['dir']) / info['compose_file']} "
                     "(or the repository's docker-compose.yml with --output ./testnet)")
        lines.append("images: scripts/build_images.sh (sprintchain-node:local, sprintchain-worker:local), "
                     "then: docker compose up -d")
    else:
        lines.append(f"start it with: sprintd testnet start {info['dir']}")
    lines.append(NOTE)
    for line in lines:
        click.echo(line)


@testnet.command("start")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--workers/--no-workers", default=True, show_default=True,
              help="Also run one sprint-worker per node.")
@click.option("--ready-timeout", type=click.FloatRange(1, 3600), default=90.0, show_default=True,
              help="Seconds to wait for the first block on every node.")
def start(directory: str, workers: bool, ready_timeout: float) -> None:
    """Start every node of a localnet in the background and wait for the first block."""
    from abci_app.localnet_runner import Localnet, status_lines

    net = Localnet(directory)
    if net.running():
        raise CliError(f"the localnet in {net.dir} is already running; stop it first with "
                       f"`sprintd testnet stop {net.dir}`")
    click.echo(f"starting {len(net)} validators of {net.info['chain_id']} in {net.dir} "
               f"(logs in {net.dir}/node*/logs) ...")
    net.start(workers=workers, ready_timeout=ready_timeout)
    for line in status_lines(net.status()):
        click.echo(line)
    click.echo(f"running in the background; stop it with: sprintd testnet stop {net.dir}")


@testnet.command("stop")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=15.0, show_default=True,
              help="Seconds to wait after SIGTERM before SIGKILL.")
def stop(directory: str, timeout: float) -> None:
    """Stop every process of a localnet (workers, then cometbft, then sprintd)."""
    from abci_app.localnet_runner import Localnet

    net = Localnet(directory)
    stopped = net.stop(timeout=timeout)
    click.echo(f"stopped {len(stopped)} processes" if stopped else f"nothing was running in {net.dir}")


@testnet.command("status")
@click.argument("directory", type=click.Path(file_okay=False))
@output_option
def status(directory: str, output: str) -> None:
    """Height, app hash, peers and voting power of every validator of a localnet."""
    from abci_app.localnet_runner import Localnet, status_lines

    net = Localnet(directory)
    rows = net.status()
    if output == "json":
        click.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    for line in status_lines(rows):
        click.echo(line)
