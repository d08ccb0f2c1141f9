"""Build and sign Cosmos SDK transactions (TxRaw; SIGN_MODE_DIRECT, or LEGACY_AMINO_JSON on request).

Used by the CLI, the worker, tests and benchmarks. The chain itself only uses `sign_doc_bytes`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import cosmpy.protos  # noqa: F401  (puts cosmos/tendermint generated packages on sys.path)
from cosmos.bank.v1beta1.tx_pb2 import MsgSend
from cosmos.base.v1beta1.coin_pb2 import Coin
from cosmos.crypto.secp256k1.keys_pb2 import PubKey
from cosmos.tx.signing.v1beta1.signing_pb2 import SIGN_MODE_DIRECT, SIGN_MODE_LEGACY_AMINO_JSON
from cosmos.tx.v1beta1.tx_pb2 import AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw
from google.protobuf.any_pb2 import Any as AnyProto

from chain.tx.amino import std_sign_bytes, unpack_any
from chain.tx.crypto import SigningKey

SECP256K1_PUBKEY_URL = "/cosmos.crypto.secp256k1.PubKey"
MSG_SEND_URL = "/cosmos.bank.v1beta1.MsgSend"
SIGN_MODES = {"direct": SIGN_MODE_DIRECT, "amino-json": SIGN_MODE_LEGACY_AMINO_JSON}


def pack_any(message, type_url: str | None = None) -> AnyProto:
    """Wrap a message in google.protobuf.Any with a Cosmos-style '/full.name' type URL."""
    url = type_url or "/" + message.DESCRIPTOR.full_name
    return AnyProto(type_url=url, value=message.SerializeToString())


def sign_doc_bytes(body_bytes: bytes, auth_info_bytes: bytes, chain_id: str, account_number: int) -> bytes:
    """The exact bytes a SIGN_MODE_DIRECT signature covers."""
    doc = SignDoc(
        body_bytes=body_bytes,
        auth_info_bytes=auth_info_bytes,
        chain_id=chain_id,
        account_number=account_number,
    )
    return doc.SerializeToString()


def msg_send(from_address: str, to_address: str, amount: int, denom: str = "usprint") -> AnyProto:
    return pack_any(
        MsgSend(
            from_address=from_address,
            to_address=to_address,
            amount=[Coin(denom=denom, amount=str(amount))],
        ),
        MSG_SEND_URL,
    )


@dataclass
class TxSpec:
    """Everything needed to sign one single-signer transaction."""

    messages: list[AnyProto]
    chain_id: str
    account_number: int
    sequence: int
    gas_limit: int = 200_000
    fee_amount: int = 5_000
    fee_denom: str = "usprint"
    memo: str = ""
    timeout_height: int = 0
    extra_fee_coins: list[tuple[str, str]] = field(default_factory=list)


def build_signed_tx(key: SigningKey, spec: TxSpec, sign_mode: str = "direct") -> bytes:
    """Return serialized TxRaw bytes signed by `key`; `sign_mode` is "direct" (SIGN_MODE_DIRECT) or
    "amino-json" (SIGN_MODE_LEGACY_AMINO_JSON: the StdSignDoc a Ledger or an amino signer signs)."""
    if sign_mode not in SIGN_MODES:
        raise ValueError(f"unknown sign mode {sign_mode!r}: use one of {sorted(SIGN_MODES)}")
    body = TxBody(messages=spec.messages, memo=spec.memo, timeout_height=spec.timeout_height)
    coins = [Coin(denom=spec.fee_denom, amount=str(spec.fee_amount))] if spec.fee_amount else []
    coins += [Coin(denom=d, amount=a) for d, a in spec.extra_fee_coins]
    auth_info = AuthInfo(
        signer_infos=[
            SignerInfo(
                public_key=pack_any(PubKey(key=key.pubkey), SECP256K1_PUBKEY_URL),
                mode_info=ModeInfo(single=ModeInfo.Single(mode=SIGN_MODES[sign_mode])),
                sequence=spec.sequence,
            )
        ],
        fee=Fee(amount=coins, gas_limit=spec.gas_limit),
    )
    body_bytes = body.SerializeToString()
    auth_info_bytes = auth_info.SerializeToString()
    if sign_mode == "amino-json":
        signed = std_sign_bytes([unpack_any(m) for m in spec.messages], body, auth_info.fee, spec.chain_id,
                                spec.account_number, spec.sequence)
    else:
        signed = sign_doc_bytes(body_bytes, auth_info_bytes, spec.chain_id, spec.account_number)
    raw = TxRaw(body_bytes=body_bytes, auth_info_bytes=auth_info_bytes, signatures=[key.sign(signed)])
    return raw.SerializeToString()


def tx_hash(tx_bytes: bytes) -> str:
    """Cosmos/CometBFT tx hash: uppercase hex sha256 of the raw tx bytes."""
    return hashlib.sha256(tx_bytes).hexdigest().upper()
