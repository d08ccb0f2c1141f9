"""secp256k1 keys, Cosmos addresses and bech32 encoding.

Signatures are 64-byte compact (r || s) with low S, over sha256(sign bytes), as in the Cosmos SDK.
Verification goes straight to libsecp256k1 through coincurve's cffi bindings: it is the hot path of
CheckTx and FinalizeBlock, and skipping the DER round trip of the high-level API is measurably faster
(see bench/chain_throughput.py).
"""

from __future__ import annotations

import functools
import hashlib

import bech32
import coincurve
from coincurve._libsecp256k1 import ffi, lib

ACCOUNT_PREFIX = "sprint"
ADDRESS_LENGTH = 20
_CTX = coincurve.context.GLOBAL_CONTEXT.ctx


class AddressError(ValueError):
    """A bech32 address that does not decode, has the wrong prefix or the wrong length."""


def pubkey_to_address(pubkey: bytes) -> bytes:
    """Cosmos account address: ripemd160(sha256(compressed pubkey))."""
    return hashlib.new("ripemd160", hashlib.sha256(pubkey).digest()).digest()


# bech32 is pure Python and dominated CheckTx profiles; both directions are pure functions, so a
# bounded cache cannot change results (exceptions are never cached).
@functools.lru_cache(maxsize=65536)
def encode_address(raw: bytes, prefix: str = ACCOUNT_PREFIX) -> str:
    """bech32-encode a raw 20-byte address."""
    data = bech32.convertbits(raw, 8, 5, True)
    return bech32.bech32_encode(prefix, data)


@functools.lru_cache(maxsize=65536)
def decode_address(text: str, prefix: str = ACCOUNT_PREFIX) -> bytes:
    """Decode a bech32 address, raising AddressError with the reason."""
    if not isinstance(text, str) or not text:
        raise AddressError("empty address")
    hrp, data = bech32.bech32_decode(text)
    if hrp is None or data is None:
        raise AddressError(f"invalid bech32 address {text!r}: bad checksum or characters")
    if hrp != prefix:
        raise AddressError(f"invalid address {text!r}: prefix {hrp!r}, expected {prefix!r}")
    raw = bech32.convertbits(data, 5, 8, False)
    if raw is None or len(raw) != ADDRESS_LENGTH:
        raise AddressError(f"invalid address {text!r}: expected {ADDRESS_LENGTH} bytes")
    return bytes(raw)


def is_valid_pubkey(pubkey: bytes) -> bool:
    """True for a 33-byte compressed secp256k1 point on the curve."""
    if len(pubkey) != 33 or pubkey[0] not in (2, 3):
        return False
    point = ffi.new("secp256k1_pubkey *")
    return lib.secp256k1_ec_pubkey_parse(_CTX, point, pubkey, 33) == 1


def verify_signature(pubkey: bytes, signature: bytes, message: bytes) -> bool:
    """Verify a 64-byte compact low-S signature over sha256(message). Never raises."""
    if len(signature) != 64 or len(pubkey) != 33:
        return False
    sig = ffi.new("secp256k1_ecdsa_signature *")
    if not lib.secp256k1_ecdsa_signature_parse_compact(_CTX, sig, signature):
        return False
    point = ffi.new("secp256k1_pubkey *")
    if not lib.secp256k1_ec_pubkey_parse(_CTX, point, pubkey, 33):
        return False
    digest = hashlib.sha256(message).digest()
    # libsecp256k1 rejects high-S signatures here, which is the malleability rule we want.
    return lib.secp256k1_ecdsa_verify(_CTX, sig, digest, point) == 1


class SigningKey:
    """A secp256k1 private key that signs Cosmos sign docs."""

    def __init__(self, secret: bytes):
        self._key = coincurve.PrivateKey(secret)

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls(coincurve.PrivateKey().secret)

    @property
    def secret(self) -> bytes:
        return self._key.secret

    @property
    def pubkey(self) -> bytes:
        return self._key.public_key.format(compressed=True)

    @property
    def address(self) -> bytes:
        return pubkey_to_address(self.pubkey)

    @property
    def bech32(self) -> str:
        return encode_address(self.address)

    def sign(self, message: bytes) -> bytes:
        """Deterministic (RFC 6979) compact low-S signature over sha256(message)."""
        der = self._key.sign(message, hasher=lambda m: hashlib.sha256(m).digest())
        return coincurve.ecdsa.serialize_compact(coincurve.ecdsa.der_to_cdata(der))
