"""Helpers for blob service tests: signed Put chunks, raw Put calls, real gRPC blob servers.

    chunks = signed_chunks(worker_key, data)                 # first chunk carries the UploaderAuth
    response = put_raw(address, chunks)                      # grpc.RpcError on refusal
    with blob_server(store, app=app, limits=BlobLimits(...)) as (address, service): ...
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc

from abci_app.blobs.auth import sign_doc
from abci_app.blobs.limits import BlobLimits
from abci_app.blobs.service import BlobService
from abci_app.blobs.store import CHUNK_BYTES, BlobStore, sha256_hex
from abci_app.ports import free_port
from chain.tx.crypto import SigningKey
from sprint.blobs.v1 import blobs_pb2, blobs_pb2_grpc
from tests.helpers.chain import CHAIN_ID


def auth_for(key: SigningKey, sha256: str, size: int, chain_id: str = CHAIN_ID, expires_at: int | None = None,
             signer: SigningKey | None = None) -> blobs_pb2.UploaderAuth:
    """An UploaderAuth with `key`'s pubkey, signed by `signer` (default: `key` itself)."""
    expires_at = int(time.time()) + 300 if expires_at is None else expires_at
    signature = (signer or key).sign(sign_doc(chain_id, sha256, size, expires_at))
    return blobs_pb2.UploaderAuth(pubkey=key.pubkey, signature=signature, expires_at=expires_at)


def signed_chunks(key: SigningKey | None, data: bytes, *, sha256: str | None = None, size: int | None = None,
                  auth: blobs_pb2.UploaderAuth | None = None, chunk_bytes: int = CHUNK_BYTES,
                  **auth_args) -> list[blobs_pb2.PutChunk]:
    """The Put stream for `data` (declared `sha256`/`size` default to the real ones), first chunk
    signed by `key` unless `auth` is given; `key=None` and no `auth` sends no auth at all."""
    sha256 = sha256_hex(data) if sha256 is None else sha256
    size = len(data) if size is None else size
    if auth is None and key is not None:
        auth = auth_for(key, sha256, size, **auth_args)
    first = blobs_pb2.PutChunk(sha256=sha256, size=size, data=data[:chunk_bytes])
    if auth is not None:
        first.auth.CopyFrom(auth)
    rest = range(chunk_bytes, len(data), chunk_bytes)
    return [first] + [blobs_pb2.PutChunk(data=data[i:i + chunk_bytes]) for i in rest]


def put_raw(address: str, chunks, timeout: float = 10) -> blobs_pb2.PutResponse:
    with grpc.insecure_channel(address) as channel:
        return blobs_pb2_grpc.BlobsStub(channel).Put(iter(chunks), timeout=timeout)


def listing(root: Path) -> list[tuple[str, int]]:
    """(relative path, size) of every file under `root`, sorted: 'the blob dir is unchanged'."""
    root = Path(root)
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file())


@contextlib.contextmanager
def blob_server(store: BlobStore, *, app=None, limits: BlobLimits | None = None, peers=None, workers: int = 8):
    """A started sync grpc.server serving only Blobs over `store`; yields (address, service)."""
    address = f"127.0.0.1:{free_port()}"
    service = BlobService(store, peers, address, app=app, limits=limits)
    server = grpc.server(ThreadPoolExecutor(max_workers=workers))
    blobs_pb2_grpc.add_BlobsServicer_to_server(service, server)
    assert server.add_insecure_port(address)
    server.start()
    try:
        yield address, service
    finally:
        server.stop(0)
