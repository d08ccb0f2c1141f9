"""Signed blob uploads: the Put sign doc, signing it (clients) and checking it (the node).

Sign doc bytes (docs/wire-formats.md, blob service):

    b"sprint-blob-put/v1" 0x00 | u8 len(chain_id) | chain_id (UTF-8) | sha256 (32 raw bytes)
    | size (u64 big-endian) | expires_at (u64 big-endian, unix seconds)

signed like a Cosmos SIGN_MODE_DIRECT doc: 64-byte compact low-S secp256k1 over sha256(sign doc).
The uploader is ripemd160(sha256(pubkey)); the node admits it when its last committed state knows
it (a non-banned host's operator or worker, or an account with enough of the fee denom).
"""

from __future__ import annotations

import struct
import time

from sprint.blobs.v1 import blobs_pb2
from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED

from chain.tx.crypto import SigningKey, encode_address, pubkey_to_address, verify_signature

SIGN_DOC_TAG = b"sprint-blob-put/v1"
DEFAULT_AUTH_TTL_SECONDS = 300
MAX_CHAIN_ID_BYTES = 255


class BlobAuthError(Exception):
    """The uploader is not admitted; `code` is "UNAUTHENTICATED" or "PERMISSION_DENIED"."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def sign_doc(chain_id: str, sha256: str, size: int, expires_at: int) -> bytes:
    """The exact bytes an uploader signs for one Put."""
    chain = chain_id.encode()
    if len(chain) > MAX_CHAIN_ID_BYTES:
        raise ValueError(f"chain id longer than {MAX_CHAIN_ID_BYTES} bytes")
    return (SIGN_DOC_TAG + b"\x00" + bytes([len(chain)]) + chain + bytes.fromhex(sha256)
            + struct.pack(">QQ", size, expires_at))


def sign_put(signer: SigningKey, chain_id: str, sha256: str, size: int,
             ttl_seconds: int = DEFAULT_AUTH_TTL_SECONDS, now: float | None = None) -> blobs_pb2.UploaderAuth:
    """The UploaderAuth for putting blob `sha256` of `size` bytes, valid for `ttl_seconds`."""
    expires_at = int(now if now is not None else time.time()) + ttl_seconds
    signature = signer.sign(sign_doc(chain_id, sha256, size, expires_at))
    return blobs_pb2.UploaderAuth(pubkey=signer.pubkey, signature=signature, expires_at=expires_at)


def verify_put(auth: blobs_pb2.UploaderAuth | None, chain_id: str, sha256: str, size: int,
               max_ttl_seconds: int, now: float | None = None) -> bytes:
    """The raw uploader address when `auth` is a valid, unexpired signature for this Put on this
    chain; BlobAuthError("UNAUTHENTICATED", ...) otherwise."""
    if auth is None or not auth.pubkey:
        raise BlobAuthError("UNAUTHENTICATED", "Put needs an uploader auth on its first chunk (pubkey, "
                                               "signature, expires_at); sign it with a key the chain knows")
    now = int(now if now is not None else time.time())
    if auth.expires_at < now:
        raise BlobAuthError("UNAUTHENTICATED",
                            f"uploader auth expired at {auth.expires_at} (now {now}); sign a new one")
    if auth.expires_at > now + max_ttl_seconds:
        raise BlobAuthError("UNAUTHENTICATED", f"uploader auth expires more than {max_ttl_seconds}s ahead; "
                                               "sign one with a shorter expiry")
    if not verify_signature(auth.pubkey, auth.signature, sign_doc(chain_id, sha256, size, auth.expires_at)):
        raise BlobAuthError("UNAUTHENTICATED", f"uploader signature does not verify for blob {sha256[:16]}... "
                                               f"of {size} bytes on chain {chain_id!r}")
    return pubkey_to_address(auth.pubkey)


def check_known(app, address: bytes, min_balance: int) -> str:
    """`address` as bech32 when the node's last committed state knows it (a non-banned host's
    operator or worker, or an account holding `min_balance` of the fee denom); else BlobAuthError."""
    bech32 = encode_address(address)
    store = app.committed_store()
    try:
        if store is not None and _is_host(app.keepers.hosts, store, address):
            return bech32
        denom = app.keepers.auth.get_params(store).fee_denom if store is not None else None
    except RuntimeError:  # genesis not committed yet: no params, no hosts
        denom = None
    if denom is None:
        raise BlobAuthError("PERMISSION_DENIED", "the node has no committed state yet; retry after the first block")
    held = app.keepers.bank.balance(store, address, denom)
    if held >= min_balance:
        return bech32
    raise BlobAuthError("PERMISSION_DENIED", f"uploader {bech32} is not a host and holds {held}{denom}, below "
                                             f"the {min_balance}{denom} this node requires to accept blobs")


def _is_host(hosts, store, address: bytes) -> bool:
    for host in (hosts.get_host(store, address), hosts.host_by_worker_address(store, address)):
        if host is not None and host.status != HOST_STATUS_BANNED:
            return True
    return False
