"""Decode TxRaw bytes into a checked, typed transaction (stateless rules only)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import cosmpy.protos  # noqa: F401
from cosmos.crypto.secp256k1.keys_pb2 import PubKey
from cosmos.tx.signing.v1beta1.signing_pb2 import (
    SIGN_MODE_DIRECT, SIGN_MODE_LEGACY_AMINO_JSON, SIGN_MODE_UNSPECIFIED,
)
from cosmos.tx.v1beta1.tx_pb2 import AuthInfo, TxBody, TxRaw
from google.protobuf.message import DecodeError
from google.protobuf.unknown_fields import UnknownFieldSet

from chain.errors import (
    ErrInvalidGasLimit, ErrInvalidPubKey, ErrInvalidRequest, ErrNoSignatures, ErrTxDecode, ErrTxTooLarge,
    ErrUnauthorized, ErrUnknownExtensionOptions, ErrUnknownRequest,
)
from chain.tx.amino import AminoError, msg_json
from chain.tx.router import Router

SECP256K1_PUBKEY_URL = "/cosmos.crypto.secp256k1.PubKey"
# ABCI carries gas_wanted/gas_used as int64 while the tx's gas_limit is a uint64: anything above
# this cannot be reported in a result, so it is refused before any node executes it.
MAX_INT64 = 2**63 - 1
SIGN_MODES = (SIGN_MODE_DIRECT, SIGN_MODE_LEGACY_AMINO_JSON)


@dataclass
class SignerSlot:
    pubkey: bytes | None
    sequence: int
    signature: bytes
    mode: int = SIGN_MODE_DIRECT  # SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON


@dataclass
class DecodedTx:
    raw: bytes
    hash: bytes
    body: TxBody
    auth_info: AuthInfo
    body_bytes: bytes
    auth_info_bytes: bytes
    msgs: list  # [(type_url, message)]
    signers: list[bytes]  # unique signer addresses in first-appearance order
    slots: list[SignerSlot]

    @property
    def hash_hex(self) -> str:
        return self.hash.hex().upper()


def _parse(cls, data: bytes, what: str):
    try:
        message = cls.FromString(data)
    except (DecodeError, RuntimeError, ValueError) as err:
        raise ErrTxDecode(f"tx parse error: {what}: {err}") from err
    if len(UnknownFieldSet(message)):
        raise ErrTxDecode(f"tx parse error: {what} has unknown fields")
    return message


def decode_tx(raw: bytes, router: Router, max_tx_bytes: int, simulate: bool = False) -> DecodedTx:
    """Parse and statelessly validate a transaction; raise a TxError subclass on the first problem.

    `simulate`: the tx is only simulated, so a signer may leave its sign mode unspecified and its
    signature empty, as CosmJS does when it estimates gas (signatures are not verified then)."""
    if len(raw) > max_tx_bytes:
        raise ErrTxTooLarge(f"tx too large: {len(raw)} bytes > max {max_tx_bytes}")
    if not raw:
        raise ErrTxDecode("tx parse error: empty tx bytes")
    tx = _parse(TxRaw, raw, "TxRaw")
    if tx.SerializeToString() != raw:
        # Duplicate or out-of-order fields would give the same tx a second hash (ADR-027).
        raise ErrTxDecode("tx parse error: non-canonical TxRaw encoding")
    body = _parse(TxBody, tx.body_bytes, "body")
    auth_info = _parse(AuthInfo, tx.auth_info_bytes, "auth_info")
    if auth_info.fee.gas_limit > MAX_INT64:
        raise ErrInvalidGasLimit(f"gas limit {auth_info.fee.gas_limit} exceeds the int64 range: "
                                 "use --gas auto or a limit below max_tx_gas")
    if body.extension_options or body.non_critical_extension_options:
        raise ErrUnknownExtensionOptions("unknown extension options: this chain accepts none")
    if not body.messages:
        raise ErrUnknownRequest("tx has no messages: at least one message is required")
    msgs = [router.unpack(any_msg) for any_msg in body.messages]
    signers: list[bytes] = []
    for type_url, msg in msgs:
        router.validate(type_url, msg)
        for signer in router.signers(type_url, msg):
            if signer not in signers:
                signers.append(signer)
    slots = _signer_slots(tx, auth_info, len(signers), simulate)
    if any(slot.mode == SIGN_MODE_LEGACY_AMINO_JSON for slot in slots):
        _check_amino_signable(body, auth_info, msgs)
    return DecodedTx(raw, hashlib.sha256(raw).digest(), body, auth_info, tx.body_bytes,
                     tx.auth_info_bytes, msgs, signers, slots)


def _signer_slots(tx: TxRaw, auth_info: AuthInfo, expected: int, simulate: bool = False) -> list[SignerSlot]:
    if not tx.signatures:
        raise ErrNoSignatures("no signatures supplied: sign the tx before broadcasting")
    if len(tx.signatures) != expected or len(auth_info.signer_infos) != expected:
        raise ErrUnauthorized(
            f"wrong number of signers; expected {expected}, got {len(auth_info.signer_infos)} signer infos "
            f"and {len(tx.signatures)} signatures"
        )
    slots = []
    for info, signature in zip(auth_info.signer_infos, tx.signatures):
        if simulate and _unsigned_for_simulation(info, signature):
            slots.append(SignerSlot(_pubkey(info), info.sequence, signature, SIGN_MODE_DIRECT))
            continue
        if not info.mode_info.HasField("single") or info.mode_info.single.mode not in SIGN_MODES:
            raise ErrUnauthorized("unsupported sign mode: only single signatures in SIGN_MODE_DIRECT or "
                                  "SIGN_MODE_LEGACY_AMINO_JSON")
        if len(signature) != 64:
            raise ErrUnauthorized(f"signature is {len(signature)} bytes: expected 64-byte compact secp256k1 (r||s)")
        slots.append(SignerSlot(_pubkey(info), info.sequence, signature, info.mode_info.single.mode))
    return slots


def _unsigned_for_simulation(info, signature: bytes) -> bool:
    return info.mode_info.HasField("single") and info.mode_info.single.mode == SIGN_MODE_UNSPECIFIED \
        and len(signature) <= 64


def _check_amino_signable(body: TxBody, auth_info: AuthInfo, msgs: list) -> None:
    """An amino JSON signature covers only the StdSignDoc: refuse what it would leave unsigned, and
    messages without an amino form."""
    if body.unordered or body.HasField("timeout_timestamp") or auth_info.HasField("tip"):
        raise ErrInvalidRequest("unordered, timeout_timestamp and tip are not supported with "
                                "SIGN_MODE_LEGACY_AMINO_JSON (nor used by this chain)")
    for type_url, msg in msgs:
        try:
            msg_json(type_url, msg)
        except AminoError as err:
            raise ErrUnauthorized(f"cannot sign in SIGN_MODE_LEGACY_AMINO_JSON: {err}") from err


def _pubkey(info) -> bytes | None:
    if not info.HasField("public_key"):
        return None
    if info.public_key.type_url != SECP256K1_PUBKEY_URL:
        raise ErrInvalidPubKey(f"unsupported pubkey type {info.public_key.type_url!r}: use secp256k1")
    key = _parse(PubKey, info.public_key.value, "pubkey").key
    if len(key) != 33:
        raise ErrInvalidPubKey(f"invalid secp256k1 pubkey length {len(key)}: expected 33 compressed bytes")
    return key
