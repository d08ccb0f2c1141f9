"""The worker's access to blobs (model weights, long prompts, long results) on its node.

    fetch(grpc_address, sha256, cache_dir=None) -> bytes   # verified; cached locally when cache_dir is set
    put(grpc_address, data, signer=worker_key, chain_id=...) -> sha256   # signed upload

The node serves sprint.blobs.v1.Blobs and fetches blobs it lacks from other registered hosts.
Every byte is checked against its sha256 before use; nothing received is ever unpickled.
"""

from __future__ import annotations

from pathlib import Path

from abci_app.blobs.client import DEFAULT_TIMEOUT, BlobClientError, get_blob, put_blob
from abci_app.blobs.store import DEFAULT_MAX_BLOB_BYTES, BlobStore, check_sha256
from chain.tx.crypto import SigningKey

__all__ = ["BlobClientError", "fetch", "put", "cached"]


def cached(cache_dir: str | Path | None, sha256: str) -> bytes | None:
    """The verified bytes of `sha256` from the local cache, or None (a corrupt copy is deleted)."""
    if cache_dir is None:
        return None
    store = BlobStore(cache_dir)
    if store.verify(sha256):
        return store.read(sha256)
    store.path(sha256).unlink(missing_ok=True)
    return None


def fetch(grpc_address: str, sha256: str, cache_dir: str | Path | None = None,
          timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BLOB_BYTES) -> bytes:
    """Blob `sha256`: from `cache_dir` when present there, else from the node (which may fetch it
    from a peer), verified and then cached. BlobClientError (code NOT_FOUND when nobody has it)."""
    check_sha256(sha256)
    data = cached(cache_dir, sha256)
    if data is not None:
        return data
    data = get_blob(grpc_address, sha256, timeout=timeout, max_bytes=max_bytes)
    if cache_dir is not None:
        BlobStore(cache_dir, max_bytes=max_bytes).put(data, sha256)
    return data


def put(grpc_address: str, data: bytes, *, signer: SigningKey, chain_id: str,
        timeout: float = DEFAULT_TIMEOUT) -> str:
    """Upload `data` to the node's blob store, signed by `signer` (the worker key: the chain knows
    it as a host's worker); returns its sha256."""
    sha256, _ = put_blob(grpc_address, data, signer=signer, chain_id=chain_id, timeout=timeout)
    return sha256
