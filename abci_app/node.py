"""`sprintd start`: one process serving the ABCI socket (for CometBFT) and gRPC (for clients)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from abci_app.abci_server import AbciServer
from abci_app.admission import DatasetAdmission
from abci_app.blobs.store import BlobStore
from abci_app.grpc.server import build_grpc_server
from abci_app.metrics import MetricsBindError, NodeMetrics, RegistryServer
from abci_app.node_config import NodeConfig, NodeConfigError
from abci_app.rest.launch import start_gateway
from abci_app.rpc_client import CometRpc
from chain.app import App
from chain.store.leveldb import LevelDB
from chain.store.memory import MemoryDB

log = logging.getLogger("sprint.node")


class NodeStartError(RuntimeError):
    """The node cannot start; the message says why and what to do."""


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level, stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def open_db(cfg: NodeConfig, home: str | Path):
    if cfg.db_backend == "memory":
        return MemoryDB()
    if cfg.db_backend != "leveldb":
        raise NodeStartError(f"unknown db_backend {cfg.db_backend!r} in app.toml: use 'leveldb' or 'memory'")
    path = cfg.db_path(home)
    try:
        return LevelDB(path)
    except Exception as err:  # plyvel raises IOError subclasses for locks and corruption
        raise NodeStartError(f"cannot open database {path}: {err} (is another sprintd using this --home?)") from err


def split_host_port(address: str) -> tuple[str, int]:
    address = address.split("://", 1)[-1]
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise NodeStartError(f"invalid address {address!r}: expected host:port")
    return host, int(port)


def run_node(home: str) -> None:
    """Run until SIGINT/SIGTERM, then stop the servers and close the database."""
    configure_logging()
    try:
        cfg = NodeConfig.load(home)
    except (FileNotFoundError, NodeConfigError) as err:
        raise NodeStartError(str(err)) from err
    db = open_db(cfg, home)
    blob_store = BlobStore.for_home(home)
    app = App(db, sync_writes=cfg.sync_writes, query_history=cfg.query_history,
              sig_cache_bytes=cfg.sig_cache_bytes, admission=DatasetAdmission(blob_store))
    log.info("node starting home=%s height=%d chain_id=%s", home, app.height, app.chain_id or "-")
    limits = cfg.grpc_limits()
    node_metrics = NodeMetrics(app) if cfg.metrics_address else None
    grpc_server = build_grpc_server(app, CometRpc(cfg.rpc_url), cfg.grpc_address,
                                    blob_store=blob_store, limits=limits,
                                    blob_limits=cfg.blob_limits(),
                                    interceptors=node_metrics.interceptors() if node_metrics else ())
    metrics = _metrics_server(node_metrics, grpc_server, blob_store, cfg.metrics_address) if node_metrics else None
    grpc_server.start()
    if metrics:
        metrics.start()
        log.info("metrics listening addr=%s/metrics", cfg.metrics_address)
    log.info("grpc listening addr=%s threads=%d max_rpcs=%d max_streams=%d per_client=%d", cfg.grpc_address,
             limits.worker_threads, limits.max_concurrent_rpcs, limits.max_streams_total,
             limits.max_streams_per_client)
    rest = start_gateway(app, CometRpc(cfg.rpc_url), cfg.rest_address, cfg.rest_worker_threads, grpc_server)
    try:
        asyncio.run(_serve_abci(app, *split_host_port(cfg.abci_address),
                                metrics=node_metrics.abci if node_metrics else None))
    finally:
        if rest:
            rest.stop()
        grpc_server.stop(grace=1).wait(2)
        if metrics:
            metrics.stop()
        db.close()
        log.info("node stopped height=%d", app.height)


def _metrics_server(node_metrics: NodeMetrics, grpc_server, blob_store, address: str) -> RegistryServer:
    """The Prometheus endpoint (not started) for the node's metrics, gRPC caps and blob store."""
    node_metrics.watch_grpc(grpc_server)
    node_metrics.watch_blob_store(blob_store)
    try:
        return RegistryServer(node_metrics.registry, address)
    except MetricsBindError as err:
        grpc_server.stop(0).wait(2)
        raise NodeStartError(f"{err} (metrics_address in app.toml)") from err


async def _serve_abci(app: App, host: str, port: int, metrics=None) -> None:
    server = AbciServer(app, host, port, metrics=metrics)
    try:
        await server.start()
    except OSError as err:
        raise NodeStartError(f"cannot listen for ABCI on {host}:{port}: {err.strerror}") from err
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("node shutting down")
    await server.stop()
