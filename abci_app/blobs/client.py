"""Client side of sprint.blobs.v1.Blobs: put/get/stat against one node's gRPC address.

Errors are BlobClientError with a one-line message; `code` is the grpc.StatusCode (NOT_FOUND when
the node does not have the blob). Fetched bytes are always checked against the requested hash.
"""

from __future__ import annotations

import grpc

from abci_app.blobs.auth import DEFAULT_AUTH_TTL_SECONDS, sign_put
from abci_app.blobs.store import CHUNK_BYTES, DEFAULT_MAX_BLOB_BYTES, check_sha256, sha256_hex
from chain.tx.crypto import SigningKey
from sprint.blobs.v1 import blobs_pb2, blobs_pb2_grpc

DEFAULT_TIMEOUT = 60.0
_OPTIONS = [("grpc.max_receive_message_length", 8 * 1024 * 1024),
            ("grpc.max_send_message_length", 8 * 1024 * 1024)]


class BlobClientError(Exception):
    """A blob call failed; str() is one line."""

    def __init__(self, message: str, code: grpc.StatusCode | None = None):
        super().__init__(message)
        self.code = code


def _error(address: str, method: str, err: grpc.RpcError) -> BlobClientError:
    code = err.code() if hasattr(err, "code") else None
    details = " ".join((err.details() or "").split()) if hasattr(err, "details") else ""
    if code == grpc.StatusCode.UNAVAILABLE:
        message = f"cannot reach node gRPC at {address}; is `sprintd start` running?"
    elif code == grpc.StatusCode.UNIMPLEMENTED:
        message = f"node at {address} does not serve the blob service (sprint.blobs.v1.Blobs)"
    elif code == grpc.StatusCode.DEADLINE_EXCEEDED:
        message = f"node gRPC at {address} did not finish Blobs/{method} in time"
    else:
        message = details or f"Blobs/{method} at {address} failed ({code.name if code else 'error'})"
    return BlobClientError(message, code)


def _stub(channel: grpc.Channel) -> blobs_pb2_grpc.BlobsStub:
    return blobs_pb2_grpc.BlobsStub(channel)


def get_blob(address: str, sha256: str, local_only: bool = False, timeout: float = DEFAULT_TIMEOUT,
             max_bytes: int = DEFAULT_MAX_BLOB_BYTES) -> bytes:
    """The blob `sha256` from the node at `address`, verified; BlobClientError otherwise."""
    check_sha256(sha256)
    parts, total = [], 0
    with grpc.insecure_channel(address, options=_OPTIONS) as channel:
        try:
            for chunk in _stub(channel).Get(blobs_pb2.GetRequest(sha256=sha256, local_only=local_only),
                                            timeout=timeout):
                total += len(chunk.data)
                if total > max_bytes:
                    raise BlobClientError(f"node at {address} sent more than {max_bytes} bytes for blob {sha256}")
                parts.append(chunk.data)
        except grpc.RpcError as err:
            raise _error(address, "Get", err) from None
    data = b"".join(parts)
    if sha256_hex(data) != sha256:
        raise BlobClientError(f"node at {address} sent bytes that do not hash to {sha256}; refusing them")
    return data


def put_blob(address: str, data: bytes, *, signer: SigningKey, chain_id: str, timeout: float = DEFAULT_TIMEOUT,
             ttl_seconds: int = DEFAULT_AUTH_TTL_SECONDS) -> tuple[str, bool]:
    """Upload `data` signed by `signer` (a host's operator or worker key, or a funded account) for
    chain `chain_id`; returns (sha256, created)."""
    sha256 = sha256_hex(data)
    auth = sign_put(signer, chain_id, sha256, len(data), ttl_seconds)

    def chunks():
        yield blobs_pb2.PutChunk(sha256=sha256, size=len(data), data=data[:CHUNK_BYTES], auth=auth)
        for offset in range(CHUNK_BYTES, len(data), CHUNK_BYTES):
            yield blobs_pb2.PutChunk(data=data[offset:offset + CHUNK_BYTES])

    with grpc.insecure_channel(address, options=_OPTIONS) as channel:
        try:
            resp = _stub(channel).Put(chunks(), timeout=timeout)
        except grpc.RpcError as err:
            raise _error(address, "Put", err) from None
    return resp.sha256, resp.created


def stat_blob(address: str, sha256: str, timeout: float = 10.0) -> int | None:
    """Size of the blob on the node, or None when it does not have it."""
    check_sha256(sha256)
    with grpc.insecure_channel(address, options=_OPTIONS) as channel:
        try:
            return _stub(channel).Stat(blobs_pb2.StatRequest(sha256=sha256), timeout=timeout).size
        except grpc.RpcError as err:
            if err.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise _error(address, "Stat", err) from None
