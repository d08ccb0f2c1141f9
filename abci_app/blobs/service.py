"""sprint.blobs.v1.Blobs: put, get (with fetch-from-peer) and stat over the node's BlobStore.

Put admits only a signed uploader the chain knows (abci_app.blobs.auth), within per-uploader and
total quotas (abci_app.blobs.ledger), above a free-disk floor and a concurrent-put cap
(abci_app.blobs.limits): all checked before a byte is written, so blobs never fill the disk that
holds the chain database.

Peers are the registered hosts' endpoints (Host.endpoint: another node's gRPC address) read from
the node's last committed state; a blob missing locally is fetched from them with local_only=true
(so fetches never chain) under short timeouts (abci_app.blobs.peers), checked against its hash,
stored, then served.

The servicer is synchronous: it runs on grpc.server's thread pool or on grpc.aio's migration pool.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Iterable

import grpc

from abci_app.blobs.auth import BlobAuthError, check_known, verify_put
from abci_app.blobs.ledger import LEDGER_FILE, QuotaError, UploadLedger
from abci_app.blobs.limits import BlobLimits
from abci_app.blobs.peers import FetchBusy, PeerFetcher
from abci_app.blobs.store import CHUNK_BYTES, BlobError, BlobStore, check_sha256
from sprint.blobs.v1 import blobs_pb2, blobs_pb2_grpc

log = logging.getLogger("sprint.blobs")


class Refused(Exception):
    """Raised after `context.abort` when the server's abort returned instead of raising (sync
    handlers on a bare grpc.aio server, grpc/grpc#37518): the handler must never go on."""


def _abort(context, code: grpc.StatusCode, details: str):
    context.abort(code, details)
    raise Refused(details)


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
    """The servicer. `app` (the node's App) admits uploaders and names the chain id; `peers()`
    lists gRPC addresses to fetch missing blobs from; `own_address` is skipped among them."""

    def __init__(self, store: BlobStore, peers: Callable[[], Iterable[str]] | None = None,
                 own_address: str = "", app=None, limits: BlobLimits | None = None):
        self.store, self.app = store, app
        self.limits = limits or BlobLimits()
        self.ledger = UploadLedger(store.root / LEDGER_FILE)
        self._put_slots = threading.BoundedSemaphore(self.limits.max_concurrent_puts)
        skip = (lambda endpoint: _same_address(endpoint, own_address)) if own_address else (lambda endpoint: False)
        self.fetcher = PeerFetcher(peers or (lambda: []), self.limits, store.max_bytes, skip)

    # ------------------------------------------------------------------ Put

    def Put(self, request_iterator, context):  # noqa: N802 - gRPC method name
        first = next(request_iterator, None)
        if first is None:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT,
                   "empty Put stream: the first chunk must name sha256 and size")
        name, size = self._name(first.sha256, context), first.size
        if size > self.store.max_bytes:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT,
                   f"blob of {size} bytes exceeds the node's limit of {self.store.max_bytes} bytes")
        uploader = self._admit(first, name, size, context)
        if not self._put_slots.acquire(blocking=False):
            _abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED,
                   f"{self.limits.max_concurrent_puts} Puts are already running on this node; retry shortly")
        # Refusals are sent only after the slot and any reservation are given back, so a client
        # that sees the status also sees the node's state settled.
        created, problem = False, None
        try:
            if not self.store.has(name):
                problem = self._reserve(uploader, size)
                if problem is None:
                    created, problem = self._write(first, request_iterator, uploader)
        finally:
            self._put_slots.release()
        if problem is not None:
            _abort(context, *problem)
        log.info("blob put blob=%s size=%d uploader=%s created=%s", name[:16], size, uploader, created)
        return blobs_pb2.PutResponse(sha256=name, size=size, created=created)

    def _admit(self, first: blobs_pb2.PutChunk, name: str, size: int, context) -> str:
        """The uploader's bech32 address, or abort UNAUTHENTICATED / PERMISSION_DENIED."""
        if self.app is None:
            _abort(context, grpc.StatusCode.PERMISSION_DENIED, "this node has no chain state to admit uploaders")
        try:
            address = verify_put(first.auth if first.HasField("auth") else None, self.app.chain_id, name, size,
                                 self.limits.max_auth_ttl_seconds)
            return check_known(self.app, address, self.limits.min_uploader_balance)
        except BlobAuthError as err:
            _abort(context, getattr(grpc.StatusCode, err.code), str(err))

    def _reserve(self, uploader: str, size: int) -> tuple[grpc.StatusCode, str] | None:
        """Check the free-disk floor, then charge the uploader's quota; the refusal, if any."""
        problem = self.disk_problem(size)
        if problem is None:
            try:
                self.ledger.reserve(uploader, size, self.limits.per_uploader_bytes, self.limits.total_bytes)
            except QuotaError as err:
                problem = str(err)
        return (grpc.StatusCode.RESOURCE_EXHAUSTED, problem) if problem is not None else None

    def disk_problem(self, size: int) -> str | None:
        """Why storing `size` more bytes would breach the free-disk floor (None when it would not)."""
        free = self.limits.disk_free(self.store.root)
        if free - size < self.limits.min_free_bytes:
            return (f"the blob disk has {free} bytes free; storing {size} more would go below the node's floor "
                    f"of {self.limits.min_free_bytes} bytes kept for the chain database")
        return None

    def _write(self, first, request_iterator, uploader: str) -> tuple[bool, tuple[grpc.StatusCode, str] | None]:
        """Stream the blob into the store: (created, refusal). The reservation is given back
        unless the blob is newly stored (also when the stream breaks off)."""
        created, problem = False, None
        try:
            created = self._stream_into_store(first, request_iterator)
        except BlobError as err:
            problem = (grpc.StatusCode.INVALID_ARGUMENT, str(err))
        finally:
            if not created:
                self.ledger.release(uploader, first.size)
        return created, problem

    def _stream_into_store(self, first, request_iterator) -> bool:
        writer = self.store.writer(first.sha256.lower(), first.size)
        try:
            writer.write(first.data)
            for chunk in request_iterator:
                if chunk.sha256 or chunk.size or chunk.HasField("auth"):
                    raise BlobError("sha256, size and auth belong on the first Put chunk only")
                writer.write(chunk.data)
            return writer.commit()
        except BaseException:
            writer.abort()
            raise

    # ------------------------------------------------------------------ Get / Stat

    def Get(self, request, context):  # noqa: N802
        name = self._name(request.sha256, context)
        if not self.store.has(name):
            if request.local_only or not self._fetch(name, context):
                where = "this node" if request.local_only else "this node or any registered host"
                _abort(context, grpc.StatusCode.NOT_FOUND, f"blob {name} not found on {where}")
        try:
            chunks = self.store.chunks(name, CHUNK_BYTES)
        except FileNotFoundError:
            _abort(context, grpc.StatusCode.NOT_FOUND, f"blob {name} not found on this node")
        for chunk in chunks:
            yield blobs_pb2.BlobChunk(data=chunk)

    def Stat(self, request, context):  # noqa: N802
        name = self._name(request.sha256, context)
        size = self.store.size(name)
        if size is None:
            _abort(context, grpc.StatusCode.NOT_FOUND, f"blob {name} not found on this node")
        return blobs_pb2.StatResponse(sha256=name, size=size)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _name(sha256: str, context) -> str:
        try:
            return check_sha256(sha256.lower())
        except BlobError as err:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(err))

    def _fetch(self, name: str, context) -> bool:
        """Fetch `name` from a peer and store it; True when it is now stored locally."""
        try:
            data = self.fetcher.fetch(name)
        except FetchBusy as err:
            _abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED, str(err))
        if data is None:
            return False
        problem = self.disk_problem(len(data))
        if problem is not None:
            _abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED,
                   f"cannot store blob {name[:16]}... fetched from a peer: {problem}")
        self.store.put(data, name)
        return True


def add_blob_service(server: grpc.Server, store: BlobStore, app=None, own_address: str = "",
                     limits: BlobLimits | None = None) -> BlobService:
    """Register the Blobs service on `server` (a grpc.server or grpc.aio.server: the handlers are
    synchronous); uploaders are admitted and peers listed from `app`'s committed state."""
    service = BlobService(store, committed_host_endpoints(app) if app is not None else None, own_address,
                          app=app, limits=limits)
    blobs_pb2_grpc.add_BlobsServicer_to_server(service, server)
    return service
