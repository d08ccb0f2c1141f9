"""sprint.blobs.v1.Blobs: put, get (with fetch-from-peer) and stat over the node's BlobStore.

Peers are the registered hosts' endpoints (Host.endpoint: another node's gRPC address) read from
the node's last committed state; a blob missing locally is fetched from them with local_only=true
(so fetches never chain), checked against its hash, stored, then served.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable

import grpc

from abci_app.blobs.client import BlobClientError, get_blob
from abci_app.blobs.store import CHUNK_BYTES, BlobError, BlobStore, check_sha256
from sprint.blobs.v1 import blobs_pb2, blobs_pb2_grpc

log = logging.getLogger("sprint.blobs")
PEER_TIMEOUT = 30.0


def committed_host_endpoints(app) -> Callable[[], list[str]]:
    """A function listing the endpoints of the hosts in `app`'s last committed state."""

    def endpoints() -> list[str]:
        store = app.committed_store()
        if store is None:
            return []
        try:
            hosts = app.keepers.hosts.all_hosts(store)
        except Exception:  # noqa: BLE001 - no committed state yet: no peers
            return []
        return [host.endpoint for host in hosts if host.endpoint]

    return endpoints


def _same_address(a: str, b: str) -> bool:
    def norm(x: str) -> str:
        x = x.split("://", 1)[-1].strip().rstrip("/")
        return x.replace("localhost:", "127.0.0.1:")

    return norm(a) == norm(b)


class BlobService(blobs_pb2_grpc.BlobsServicer):
    """The servicer. `peers()` lists gRPC addresses to fetch missing blobs from; `own_address`
    (this server's address) is skipped among them."""

    def __init__(self, store: BlobStore, peers: Callable[[], Iterable[str]] | None = None,
                 own_address: str = "", peer_timeout: float = PEER_TIMEOUT):
        self.store = store
        self.peers = peers or (lambda: [])
        self.own_address = own_address
        self.peer_timeout = peer_timeout

    # ------------------------------------------------------------------ Put

    def Put(self, request_iterator, context):  # noqa: N802 - gRPC method name
        first = next(request_iterator, None)
        if first is None:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "empty Put stream: the first chunk must name sha256 and size")
        try:
            writer = self.store.writer(first.sha256.lower(), first.size)
        except BlobError as err:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(err))
        try:
            writer.write(first.data)
            for chunk in request_iterator:
                if chunk.sha256 or chunk.size:
                    raise BlobError("sha256 and size belong on the first Put chunk only")
                writer.write(chunk.data)
            created = writer.commit()
        except BlobError as err:
            writer.abort()
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(err))
        except BaseException:
            writer.abort()
            raise
        return blobs_pb2.PutResponse(sha256=writer.sha256, size=writer.size, created=created)

    # ------------------------------------------------------------------ Get / Stat

    def Get(self, request, context):  # noqa: N802
        name = self._name(request.sha256, context)
        if not self.store.has(name):
            if request.local_only or not self._fetch(name):
                where = "this node" if request.local_only else "this node or any registered host"
                context.abort(grpc.StatusCode.NOT_FOUND, f"blob {name} not found on {where}")
        try:
            chunks = self.store.chunks(name, CHUNK_BYTES)
        except FileNotFoundError:
            context.abort(grpc.StatusCode.NOT_FOUND, f"blob {name} not found on this node")
        for chunk in chunks:
            yield blobs_pb2.BlobChunk(data=chunk)

    def Stat(self, request, context):  # noqa: N802
        name = self._name(request.sha256, context)
        size = self.store.size(name)
        if size is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"blob {name} not found on this node")
        return blobs_pb2.StatResponse(sha256=name, size=size)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _name(sha256: str, context) -> str:
        try:
            return check_sha256(sha256.lower())
        except BlobError as err:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(err))

    def _fetch(self, name: str) -> bool:
        """Fetch `name` from the first peer that has it; True when it is now stored locally."""
        for endpoint in self.peers():
            if self.own_address and _same_address(endpoint, self.own_address):
                continue
            try:
                data = get_blob(endpoint, name, local_only=True, timeout=self.peer_timeout,
                                max_bytes=self.store.max_bytes)
            except BlobClientError as err:
                if err.code != grpc.StatusCode.NOT_FOUND:
                    log.info("blob fetch from peer failed blob=%s peer=%s err=%s", name[:16], endpoint, err)
                continue
            self.store.put(data, name)
            log.info("blob fetched from peer blob=%s peer=%s size=%d", name[:16], endpoint, len(data))
            return True
        return False


def add_blob_service(server: grpc.Server, store: BlobStore, app=None, own_address: str = "") -> BlobService:
    """Register the Blobs service on `server`; peers come from `app`'s committed hosts when given."""
    service = BlobService(store, committed_host_endpoints(app) if app is not None else None, own_address)
    blobs_pb2_grpc.add_BlobsServicer_to_server(service, server)
    return service
