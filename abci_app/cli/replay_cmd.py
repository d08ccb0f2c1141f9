"""`sprintd replay`: re-execute the node's blocks from genesis and find the first app hash divergence."""

from __future__ import annotations

import base64
from contextlib import contextmanager
from pathlib import Path

import click

from abci_app.cli.common import CliError, emit, home_option, output_option


@click.command("replay")
@home_option
@click.option("--node", default=None,
              help="CometBFT RPC URL to read blocks from [default: rpc_url of the home's app.toml].")
@click.option("--offline", is_flag=True,
              help="Read CometBFT's block store (<home>/data/blockstore.db) directly; CometBFT must be stopped.")
@click.option("--to", "up_to", type=click.IntRange(min=1), default=None,
              help="Last height to replay [default: the latest block].")
@output_option
def replay(home: str, node: str | None, offline: bool, up_to: int | None, output: str) -> None:
    """Replay every block from genesis into a fresh in-memory app and compare app hashes.

    Height h is checked against the app hash and results hash CometBFT recorded in block h+1's
    header, and the last height against sprintd's own committed app hash when it can be read.
    Exits with status 2 at the first divergence."""
    from abci_app.replay import ReplayError, compare_tx_index, replay_chain

    home_path = Path(home).expanduser()
    with _open_source(home_path, node, offline) as (source, node_hash, node_store):
        try:
            with _progress(output) as advance:
                report = replay_chain(source, up_to=up_to, node_app_hash=node_hash, progress=advance)
        except ReplayError as err:
            raise CliError(str(err)) from None
        if report.ok and node_store is not None and node_hash and report.last == node_hash[0]:
            report.divergence = compare_tx_index(report, node_store)
    data = report.to_dict()
    data["source"] = "block store" if source_is_offline(source) else source.rpc.url
    emit(data, output, [report.summary()])
    if not report.ok:
        raise SystemExit(2)


def source_is_offline(source) -> bool:
    return hasattr(source, "db")


@contextmanager
def _open_source(home: Path, node: str | None, offline: bool):
    """(block source, node's (height, app hash) or None, node's LevelDB or None); closes what it opened."""
    from abci_app.rpc_client import CometRpc, RpcUnavailable
    from abci_app.replay import RpcBlockSource

    genesis_file = home / "config" / "genesis.json"
    if not offline:
        rpc = CometRpc(node or _home_rpc_url(home), timeout=10)
        try:
            info = rpc.abci_info()["response"]
        except RpcUnavailable as err:
            if node or not (home / "data" / "blockstore.db").is_dir():
                raise CliError(f"{err}; start it, pass --node, or use --offline with CometBFT stopped") from None
            click.echo(f"CometBFT RPC unreachable ({rpc.url}); reading the block store instead", err=True)
        else:
            node_hash = (int(info.get("last_block_height") or 0),
                         base64.b64decode(info.get("last_block_app_hash") or ""))
            try:
                yield RpcBlockSource(rpc, genesis_file if genesis_file.is_file() else None), node_hash, None
            finally:
                rpc.close()
            return
    with _offline_source(home, genesis_file) as opened:
        yield opened


@contextmanager
def _offline_source(home: Path, genesis_file: Path):
    from abci_app.replay import ReplayError, StoreBlockSource

    if not genesis_file.is_file():
        raise CliError(f"{genesis_file} not found; pass the node's --home")
    try:
        source = StoreBlockSource(home / "data" / "blockstore.db", genesis_file)
    except ReplayError as err:
        raise CliError(str(err)) from None
    node_store = _open_node_db(home)
    try:
        node_hash = _node_app_hash(node_store) if node_store is not None else None
        yield source, node_hash, node_store
    finally:
        source.close()
        if node_store is not None:
            node_store.close()


def _open_node_db(home: Path):
    """sprintd's LevelDB when it exists and is not held by a running sprintd, else None."""
    import plyvel

    from abci_app.node_config import NodeConfig

    try:
        path = NodeConfig.load(home).db_path(home)
    except FileNotFoundError:
        return None
    if not path.is_dir():
        return None
    try:
        return plyvel.DB(str(path), create_if_missing=False)
    except plyvel.Error:
        click.echo(f"{path} is in use (sprintd running?): sprintd's own app hash is not compared", err=True)
        return None


def _node_app_hash(db) -> tuple[int, bytes] | None:
    from chain.store import meta

    height = meta.read_height(db)
    return (height, meta.read_app_hash(db)) if height else None


def _home_rpc_url(home: Path) -> str:
    from abci_app.node_config import NodeConfig

    try:
        return NodeConfig.load(home).rpc_url
    except FileNotFoundError:
        raise CliError(f"{home} is not a node home (config/app.toml missing); pass --home or --node") from None


@contextmanager
def _progress(output: str):
    """A rich progress bar on stderr (none for JSON output); yields the `progress(height, end)` callback."""
    if output == "json":
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("replay", total=None)

        def advance(height: int, end: int) -> None:
            bar.update(task, completed=height, total=end)

        yield advance
