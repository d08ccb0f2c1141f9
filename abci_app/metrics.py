"""The node's Prometheus metrics (GET /metrics), with prometheus_client on a registry of its own.

`NodeMetrics(app)` holds one CollectorRegistry (never the global default one, so a process can run
several nodes, as tests do) with:

    sprint_block_height, sprint_txs_committed_total, ...   App.stats, read at scrape time
    sprint_abci_request_seconds{method}                    ABCI handler latency (abci_server.Dispatcher)
    sprint_block_interval_seconds                          seconds between consecutive block times
    sprint_txs_by_code_total{code}                         finalized txs by result code ("other" above 99)
    sprint_grpc_calls_total{method,code}                   abci_app.grpc.metrics_interceptor
    sprint_grpc_block_streams_open, ..._refused_total      the gRPC server's caps (its metrics_lines)
    sprint_blob_store_bytes, sprint_blob_store_blobs       the blob directory, rescanned at most every 10 s

`RegistryServer` serves a registry over HTTP (the worker uses it too).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest,
                               make_wsgi_app)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

ABCI_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
INTERVAL_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 15.0, 30.0, 60.0, 120.0)
TIMED_ABCI = ("check_tx", "finalize_block", "prepare_proposal", "process_proposal", "commit", "query", "info")
MAX_CODE_LABEL = 99  # result codes up to this are their own label value; others are "other"
BLOB_SCAN_SECONDS = 10.0
_APP_COUNTERS = {  # App.stats key -> (metric name without _total, help)
    "txs_committed": ("sprint_txs_committed", "Txs in finalized blocks that succeeded"),
    "txs_failed": ("sprint_txs_failed", "Txs in finalized blocks that failed"),
    "check_tx": ("sprint_check_tx", "CheckTx calls"),
    "check_tx_rejected": ("sprint_check_tx_rejected", "CheckTx calls that rejected the tx"),
}


class MetricsBindError(RuntimeError):
    """The metrics address cannot be listened on; the message names it."""


def code_label(code: int) -> str:
    """A bounded label value for an ABCI result code."""
    return str(code) if 0 <= code <= MAX_CODE_LABEL else "other"


class AppCollector:
    """Height, chain id and App.stats counters, read from the App at each scrape."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        height = GaugeMetricFamily("sprint_block_height", "Last committed block height")
        height.add_metric([], self.app.height)
        yield height
        info = GaugeMetricFamily("sprint_node_info", "Constant 1, labelled with the chain id", labels=["chain_id"])
        info.add_metric([self.app.chain_id or ""], 1)
        yield info
        stats = dict(self.app.stats)
        for key, (name, text) in _APP_COUNTERS.items():
            if key in stats:
                yield CounterMetricFamily(name, text, value=stats[key])


class LinesCollector:
    """Re-exposes Prometheus text lines from `lines()` (the gRPC server's sprint_grpc_* caps)."""

    def __init__(self, lines):
        self.lines = lines

    def collect(self):
        yield from text_string_to_metric_families("\n".join(self.lines()) + "\n")


class BlobStoreCollector:
    """Bytes and count of the blobs under `root`, rescanned at most every `ttl` seconds (a scrape
    never walks a large blob directory more often than that)."""

    def __init__(self, root: str | Path, ttl: float = BLOB_SCAN_SECONDS, clock=time.monotonic):
        self.root, self.ttl, self.clock = Path(root), ttl, clock
        self._lock = threading.Lock()
        self._cached: tuple[float, int, int] | None = None

    def scan(self) -> tuple[int, int]:
        """(bytes, blobs): cached for `ttl` seconds."""
        with self._lock:
            now = self.clock()
            if self._cached is None or now - self._cached[0] >= self.ttl:
                self._cached = (now, *_blob_usage(self.root))
            return self._cached[1], self._cached[2]

    def collect(self):
        size, count = self.scan()
        yield GaugeMetricFamily("sprint_blob_store_bytes", "Bytes of blobs in the node's blob store", value=size)
        yield GaugeMetricFamily("sprint_blob_store_blobs", "Blobs in the node's blob store", value=count)


def _blob_usage(root: Path) -> tuple[int, int]:
    """Total size and count of the files named by a sha256 (64 hex chars) under root/xx/."""
    size = count = 0
    try:
        shards = [e for e in os.scandir(root) if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return 0, 0
    for shard in shards:
        try:
            entries = list(os.scandir(shard.path))
        except FileNotFoundError:
            continue
        for entry in entries:
            if len(entry.name) == 64 and entry.is_file(follow_symlinks=False):
                try:
                    size += entry.stat(follow_symlinks=False).st_size
                except FileNotFoundError:
                    continue
                count += 1
    return size, count


class AbciMetrics:
    """Latency of the ABCI handlers, block interval and tx result codes; fed by the dispatcher."""

    def __init__(self, registry: CollectorRegistry):
        self.latency = Histogram("sprint_abci_request_seconds", "Time the App took to answer an ABCI request",
                                 ["method"], buckets=ABCI_BUCKETS, registry=registry)
        for method in TIMED_ABCI:
            self.latency.labels(method)  # the series exist (count 0) before the first request
        self.interval = Histogram("sprint_block_interval_seconds", "Seconds between consecutive block times",
                                  buckets=INTERVAL_BUCKETS, registry=registry)
        self.block_time = Gauge("sprint_block_time_seconds", "Unix time of the last finalized block",
                                registry=registry)
        self.txs = Counter("sprint_txs_by_code", "Txs in finalized blocks by result code (0 = success)",
                           ["code"], registry=registry)
        self._last_height, self._last_time = 0, 0.0

    def observe(self, kind: str, request, answer, seconds: float) -> None:
        """Called by the dispatcher after the App answered `request` (of `kind`) in `seconds`."""
        if kind in TIMED_ABCI:
            self.latency.labels(kind).observe(seconds)
        if kind == "finalize_block":
            self._finalized(request, answer)

    def _finalized(self, request, answer) -> None:
        if request.height <= self._last_height:
            return  # a height executed again (replay): counted already
        when = request.time.seconds + request.time.nanos / 1e9
        if self._last_height and request.height == self._last_height + 1:
            self.interval.observe(max(0.0, when - self._last_time))
        self._last_height, self._last_time = request.height, when
        self.block_time.set(when)
        for result in answer.tx_results:
            self.txs.labels(code_label(result.code)).inc()


class NodeMetrics:
    """Every metric of one node, on its own registry."""

    def __init__(self, app):
        from abci_app.grpc.metrics_interceptor import GrpcCallMetrics

        self.registry = CollectorRegistry()
        self.registry.register(AppCollector(app))
        ProcessCollector(registry=self.registry)
        self.abci = AbciMetrics(self.registry)
        self.grpc_calls = GrpcCallMetrics(self.registry)

    def interceptors(self) -> tuple:
        """The grpc.aio server interceptors that feed these metrics."""
        return (self.grpc_calls,)

    def watch_grpc(self, grpc_server) -> None:
        """Expose the gRPC server's cap metrics (sprint_grpc_block_streams_*, simulations refused)."""
        self.registry.register(LinesCollector(grpc_server.metrics_lines))

    def watch_blob_store(self, store, ttl: float = BLOB_SCAN_SECONDS) -> None:
        self.registry.register(BlobStoreCollector(store.root, ttl))

    def text(self) -> str:
        return generate_latest(self.registry).decode()


def render(app, extra=None) -> str:
    """Prometheus text of `app`'s metrics followed by the lines `extra()` returns, as given (kept for
    callers of the earlier text API)."""
    text = NodeMetrics(app).text()
    return text + ("\n".join(extra()) + "\n" if extra is not None else "")


class _QuietHandler(WSGIRequestHandler):
    timeout = 5  # a client that stops mid-request frees the (single) serving thread after this

    def log_message(self, *args):
        pass


def _only_metrics_path(metrics_app):
    def app(environ, start_response):
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found: metrics are at /metrics\n"]
        return metrics_app(environ, start_response)
    return app


def split_address(address: str) -> tuple[str, int]:
    """(host, port) of "host:port"; a missing host means loopback."""
    host, _, port = address.rpartition(":")
    if not port.isdigit():
        raise MetricsBindError(f"invalid metrics address {address!r}: expected host:port")
    return (host.strip("[]") or "127.0.0.1"), int(port)


class RegistryServer:
    """Serves `registry` at http://address/metrics (other paths: 404) from one daemon thread: scrapes
    are rare, so requests are answered one at a time, each bounded by a socket timeout."""

    def __init__(self, registry: CollectorRegistry, address: str):
        host, port = split_address(address)
        server_class = type("_Server", (WSGIServer,), {"address_family": _family(host)})
        try:
            self._server = make_server(host, port, _only_metrics_path(make_wsgi_app(registry)),
                                       server_class=server_class, handler_class=_QuietHandler)
        except OSError as err:
            raise MetricsBindError(f"cannot listen for metrics on {address}: {err.strerror or err}") from err
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="metrics")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()


def _family(host: str):
    import socket

    return socket.AF_INET6 if ":" in host else socket.AF_INET


class MetricsServer(RegistryServer):
    """A node endpoint for an App alone (no gRPC or blob metrics)."""

    def __init__(self, app, address: str):
        self.metrics = NodeMetrics(app)
        super().__init__(self.metrics.registry, address)
