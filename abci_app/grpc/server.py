"""Builds the node's gRPC server: module queries, tx service, consensus params, health, reflection."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.consensus.v1 import query_pb2_grpc as consensus_grpc
from cosmos.tx.v1beta1 import service_pb2_grpc as tx_grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

import sprint.auth.v1.query_pb2  # noqa: F401  (registers our services in the descriptor pool)
import sprint.node.v1.query_pb2  # noqa: F401
from sprint.node.v1 import query_pb2_grpc as node_grpc
from abci_app.grpc.consensus_service import ConsensusQuery
from abci_app.grpc.events_service import EventsService
from abci_app.grpc.query_service import query_handlers
from abci_app.grpc.tx_service import TxService

MAX_MESSAGE_BYTES = 8 * 1024 * 1024


class GrpcBindError(RuntimeError):
    pass


def build_grpc_server(app, rpc, address: str, max_workers: int = 8, blob_store=None) -> grpc.Server:
    """Create (not start) the server bound to `address`; with a `blob_store` (abci_app.blobs.store.BlobStore)
    it also serves sprint.blobs.v1.Blobs, fetching missing blobs from the committed hosts' endpoints."""
    server = grpc.server(
        ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="grpc"),
        options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                 ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)],
    )
    server.add_generic_rpc_handlers(query_handlers(app))
    tx_grpc.add_ServiceServicer_to_server(TxService(app, rpc), server)
    consensus_grpc.add_QueryServicer_to_server(ConsensusQuery(app), server)
    node_grpc.add_EventsServicer_to_server(EventsService(app), server)
    extra_services = []
    if blob_store is not None:
        from abci_app.blobs.service import add_blob_service

        add_blob_service(server, blob_store, app, own_address=address)
        extra_services.append("sprint.blobs.v1.Blobs")
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    query_services = sorted({p.lstrip("/").rsplit("/", 1)[0] for p in app.queries.paths()})
    names = query_services + [
        "cosmos.tx.v1beta1.Service", "cosmos.consensus.v1.Query", "sprint.node.v1.Events",
        health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME, *extra_services,
    ]
    reflection.enable_server_reflection(names, server)
    try:
        port = server.add_insecure_port(address)
    except RuntimeError as err:
        raise GrpcBindError(f"cannot listen for gRPC on {address}: {err}") from err
    if port == 0:
        raise GrpcBindError(f"cannot listen for gRPC on {address}: address in use or invalid")
    return server
