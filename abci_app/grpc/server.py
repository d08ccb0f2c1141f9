"""Builds the node's gRPC server: module queries, tx service, consensus params, the CometBFT-backed
cosmos.base.tendermint service, block events, health, reflection (server reflection and the Cosmos
reflection services, listing only the methods served) and (optionally) blobs.

The server is a `grpc.aio` server running on its own event loop in a dedicated thread, so open
server streams (SubscribeBlocks, health Watch) cost no request thread. Sync handlers (queries, the
tx service, blobs) run in a bounded thread pool (`migration_thread_pool`), a streaming one one
message at a time, and their `context.abort` raises as in the sync API (abci_app.grpc.sync_handlers);
in-flight RPCs are capped (`maximum_concurrent_rpcs`, RESOURCE_EXHAUSTED beyond it). `GrpcServer` keeps the start/stop and add_* surface of
`grpc.Server`, so callers (and generated add_*_to_server helpers) need not know about the loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.base.reflection.v2alpha1 import reflection_pb2_grpc as cosmos_v2_grpc
from cosmos.base.tendermint.v1beta1 import query_pb2_grpc as tendermint_grpc
from cosmos.consensus.v1 import query_pb2_grpc as consensus_grpc
from cosmos.reflection.v1 import reflection_pb2_grpc as cosmos_v1_grpc
from cosmos.tx.v1beta1 import service_pb2_grpc as tx_grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

import sprint.auth.v1.query_pb2  # noqa: F401  (registers our services in the descriptor pool)
import sprint.node.v1.query_pb2  # noqa: F401
from sprint.node.v1 import query_pb2_grpc as node_grpc
from abci_app.grpc.consensus_service import ConsensusQuery
from abci_app.grpc.cosmos_reflection import FileDescriptorsService, ReflectionV2Service
from abci_app.grpc.events_service import EventsService
from abci_app.grpc.limits import GrpcLimits
from abci_app.grpc.query_service import query_handlers
from abci_app.grpc.reflection_pool import all_methods, described_services, filtered_pool, implemented_methods
from abci_app.grpc.stream_limits import StreamLimiter
from abci_app.grpc.tendermint_service import TendermintService
from abci_app.grpc.sync_handlers import WrappedGenericHandler, wrap_method_handler
from abci_app.grpc.tx_service import TxService, tx_node_queries

log = logging.getLogger("sprint.grpc")

MAX_MESSAGE_BYTES = 8 * 1024 * 1024
KEEPALIVE_MS = 60_000
KEEPALIVE_TIMEOUT_MS = 20_000
CALL_TIMEOUT = 30.0  # bounds each hop onto the loop thread
DRAIN_SECONDS = 2.0  # after stop, how long sync handlers get to finish before the loop closes


class GrpcBindError(RuntimeError):
    pass


class GrpcServer:
    """A grpc.aio server on a private event loop thread, driven from ordinary threads."""

    def __init__(self, limits: GrpcLimits, interceptors=()):
        self.limits = limits
        self._interceptors = tuple(interceptors)  # grpc.aio.ServerInterceptor, e.g. the call metrics
        self.loop = asyncio.new_event_loop()
        self.pool = ThreadPoolExecutor(max_workers=limits.worker_threads, thread_name_prefix="grpc")
        self._closed = threading.Event()
        self._stop_lock = threading.Lock()
        self._stopping: threading.Event | None = None
        self._on_close: list = []
        self.events = None  # the EventsService and TxService, set by build_grpc_server (for metrics)
        self.tx_service = None
        self._thread = threading.Thread(target=self._run_loop, name="grpc-loop", daemon=True)
        self._thread.start()
        self.aio = self.call(self._create)

    def _create(self) -> grpc.aio.Server:
        return grpc.aio.server(
            migration_thread_pool=self.pool, interceptors=self._interceptors,
            maximum_concurrent_rpcs=self.limits.max_concurrent_rpcs,
            options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                     ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                     # ping idle connections, so a client that vanished (no FIN) has its streams
                     # cancelled and their slots under the stream caps freed within ~1.5 min
                     ("grpc.keepalive_time_ms", KEEPALIVE_MS),
                     ("grpc.keepalive_timeout_ms", KEEPALIVE_TIMEOUT_MS),
                     ("grpc.http2.max_pings_without_data", 0)],
        )

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            _cancel_remaining(self.loop)
            self.loop.close()
            self._closed.set()

    # ---- running code on the loop ------------------------------------------------------------

    def call(self, fn, *args):
        """Run `fn(*args)` on the loop thread and return its result (grpc.aio objects are built
        and mutated there)."""
        async def run():
            return fn(*args)

        return self.run(run())

    def run(self, coro):
        """Run a coroutine on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=CALL_TIMEOUT)

    def metrics_lines(self) -> list[str]:
        """Prometheus lines: open block streams and what the caps refused."""
        limiter, tx_service = self.events.limiter, self.tx_service
        return [
            "# TYPE sprint_grpc_block_streams_open gauge", f"sprint_grpc_block_streams_open {limiter.open_streams}",
            "# TYPE sprint_grpc_block_streams_refused_total counter",
            f"sprint_grpc_block_streams_refused_total {limiter.refused}",
            "# TYPE sprint_grpc_simulations_refused_total counter",
            f"sprint_grpc_simulations_refused_total {tx_service.simulations_refused}",
        ]

    def on_close(self, callback) -> None:
        """Call `callback()` once the server has stopped."""
        self._on_close.append(callback)

    # ---- the grpc.Server surface used by generated add_*_to_server helpers -------------------

    def add_generic_rpc_handlers(self, handlers) -> None:
        wrapped = tuple(WrappedGenericHandler(h, self.pool) for h in handlers)
        self.call(self.aio.add_generic_rpc_handlers, wrapped)

    def add_registered_method_handlers(self, service_name, method_handlers) -> None:
        wrapped = {name: wrap_method_handler(h, self.pool) for name, h in method_handlers.items()}
        self.call(self.aio.add_registered_method_handlers, service_name, wrapped)

    def add_insecure_port(self, address: str) -> int:
        return self.call(self.aio.add_insecure_port, address)

    def start(self) -> None:
        """Start serving (returns at once)."""
        self.run(self.aio.start())

    def stop(self, grace: float | None = None) -> threading.Event:
        """Stop: refuse new RPCs, give in-flight ones `grace` seconds, cancel the rest, then close
        the loop. Returns an Event set when done (like grpc.Server.stop). Safe to call twice."""
        with self._stop_lock:
            if self._stopping is None:
                self._stopping = self._closed
                if self.loop.is_closed():
                    return self._closed
                asyncio.run_coroutine_threadsafe(self._shutdown(grace), self.loop)
        return self._stopping

    async def _shutdown(self, grace: float | None) -> None:
        try:
            await self.aio.stop(grace)
            self.pool.shutdown(wait=False, cancel_futures=True)
            await self._drain_pool()
            for callback in self._on_close:
                callback()
        finally:
            self.loop.stop()

    async def _drain_pool(self) -> None:
        """Wait (bounded) for sync handlers still running: they may need the loop to finish
        (an abort, the next message of a request stream)."""
        waiter = threading.Thread(target=self.pool.shutdown, name="grpc-drain", daemon=True)
        waiter.start()
        deadline = self.loop.time() + DRAIN_SECONDS
        while waiter.is_alive() and self.loop.time() < deadline:
            await asyncio.sleep(0.02)
        if waiter.is_alive():
            log.warning("grpc handlers still running %.0fs after stop", DRAIN_SECONDS)


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on the stopped loop, waiting a bounded time: some grpc.aio internal
    tasks never finish once cancelled (grpcio 1.71), and the node must still exit."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.wait(tasks, timeout=DRAIN_SECONDS))
    loop.run_until_complete(asyncio.wait_for(loop.shutdown_asyncgens(), DRAIN_SECONDS))


def build_grpc_server(app, rpc, address: str, max_workers: int | None = None, blob_store=None,
                      limits: GrpcLimits | None = None, blob_limits=None, interceptors=()) -> GrpcServer:
    """Create (not start) the server bound to `address`; with a `blob_store` (abci_app.blobs.store.BlobStore)
    it also serves sprint.blobs.v1.Blobs, fetching missing blobs from the committed hosts' endpoints.
    `max_workers` (kept for callers of the old thread-pool server) overrides limits.worker_threads."""
    limits = limits or GrpcLimits()
    if max_workers is not None:
        limits = dataclasses.replace(limits, worker_threads=max_workers)
    server = GrpcServer(limits, interceptors)
    try:
        _register_services(server, app, rpc, address, blob_store, blob_limits)
        _bind(server, address)
    except BaseException:
        server.stop(0).wait(5)
        raise
    return server


def _register_services(server: GrpcServer, app, rpc, address: str, blob_store, blob_limits=None) -> None:
    served: dict[str, set[str]] = {}  # service -> the methods it answers (what reflection lists)
    server.add_generic_rpc_handlers(query_handlers(app))
    for path in app.queries.paths():
        service, method = path.lstrip("/").rsplit("/", 1)
        served.setdefault(service, set()).add(method)
    _register_cosmos_services(server, app, rpc, served)
    limiter = StreamLimiter(server.limits.max_streams_per_client, server.limits.max_streams_total)
    events = EventsService(app, server.loop, limiter)
    server.on_close(events.notifier.close)
    server.events = events
    _add_servicer(server, served, node_grpc.add_EventsServicer_to_server, events, node_grpc.EventsServicer,
                  "sprint.node.v1.Events")
    if blob_store is not None:
        from abci_app.blobs.service import add_blob_service

        add_blob_service(server, blob_store, app, own_address=address, limits=blob_limits)
        served["sprint.blobs.v1.Blobs"] = all_methods("sprint.blobs.v1.Blobs")
    health_servicer = health.aio.HealthServicer()  # async: Watch streams hold no thread
    server.run(health_servicer.set("", health_pb2.HealthCheckResponse.SERVING))
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    served[health_pb2.DESCRIPTOR.services_by_name["Health"].full_name] = {"Check", "Watch"}
    _enable_reflection(server, app, served)


def _register_cosmos_services(server: GrpcServer, app, rpc, served: dict) -> None:
    server.tx_service = TxService(app, rpc, server.limits.max_concurrent_simulations)
    _add_servicer(server, served, tx_grpc.add_ServiceServicer_to_server, server.tx_service, tx_grpc.ServiceServicer,
                  "cosmos.tx.v1beta1.Service")
    app.node_queries.update(tx_node_queries(server.tx_service))  # CosmJS simulates through abci_query
    _add_servicer(server, served, consensus_grpc.add_QueryServicer_to_server, ConsensusQuery(app),
                  consensus_grpc.QueryServicer, "cosmos.consensus.v1.Query")
    _add_servicer(server, served, tendermint_grpc.add_ServiceServicer_to_server, TendermintService(app, rpc),
                  tendermint_grpc.ServiceServicer, "cosmos.base.tendermint.v1beta1.Service")


def _add_servicer(server: GrpcServer, served: dict, add, servicer, base_class, service_name: str) -> None:
    add(servicer, server)
    served[service_name] = implemented_methods(servicer, base_class)


def _enable_reflection(server: GrpcServer, app, served: dict) -> None:
    """Server reflection (and the Cosmos reflection services) over descriptors listing only the
    methods served: the generated Cosmos files declare more than this node implements."""
    served[reflection.SERVICE_NAME] = {"ServerReflectionInfo"}
    served["cosmos.reflection.v1.ReflectionService"] = {"FileDescriptors"}
    v2 = ReflectionV2Service(app, served)
    _add_servicer(server, served, cosmos_v2_grpc.add_ReflectionServiceServicer_to_server, v2,
                  cosmos_v2_grpc.ReflectionServiceServicer, "cosmos.base.reflection.v2alpha1.ReflectionService")
    pool, file_protos = filtered_pool(served)
    cosmos_v1_grpc.add_ReflectionServiceServicer_to_server(FileDescriptorsService(file_protos), server)
    # given the aio server, this registers the async servicer: its stream holds no thread either
    server.call(reflection.enable_server_reflection, described_services(pool, served), server.aio, pool)


def _bind(server: GrpcServer, address: str) -> None:
    try:
        port = server.add_insecure_port(address)
    except RuntimeError as err:
        raise GrpcBindError(f"cannot listen for gRPC on {address}: {err}") from err
    if port == 0:
        raise GrpcBindError(f"cannot listen for gRPC on {address}: address in use or invalid")
