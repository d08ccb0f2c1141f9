"""CometBFT v0.38 RPC JSON -> protobuf (tendermint.types / cosmos.base.tendermint.v1beta1).

CometBFT's JSON writes int64s as strings, hashes and addresses as upper-case hex, signatures, txs
and public keys as base64, and times as RFC 3339 with nanoseconds. A shape it does not match raises
`CometJsonError` (the caller answers UNAVAILABLE: the node spoke something unexpected).
"""

from __future__ import annotations

import base64

import cosmpy.protos  # noqa: F401
from cosmos.base.tendermint.v1beta1 import query_pb2 as tm_q, types_pb2 as sdk_types
from cosmos.crypto.ed25519.keys_pb2 import PubKey as Ed25519PubKey
from cosmos.crypto.secp256k1.keys_pb2 import PubKey as Secp256k1PubKey
from google.protobuf.timestamp_pb2 import Timestamp
from tendermint.p2p import types_pb2 as p2p
from tendermint.types import block_pb2, types_pb2 as tm_types

from chain.tx.builder import pack_any
from chain.tx.crypto import encode_address

VALCONS_PREFIX = "sprintvalcons"
_PUBKEY_TYPES = {
    "tendermint/PubKeyEd25519": (Ed25519PubKey, "/cosmos.crypto.ed25519.PubKey"),
    "tendermint/PubKeySecp256k1": (Secp256k1PubKey, "/cosmos.crypto.secp256k1.PubKey"),
}
_HEADER_HASHES = ("last_commit_hash", "data_hash", "validators_hash", "next_validators_hash", "consensus_hash",
                  "app_hash", "last_results_hash", "evidence_hash")


class CometJsonError(ValueError):
    """CometBFT answered JSON of an unexpected shape."""


def _hex(text) -> bytes:
    return bytes.fromhex(text or "")


def _b64(text) -> bytes:
    return base64.b64decode(text or "")


def timestamp(text: str) -> Timestamp:
    """An RFC 3339 time (CometBFT writes up to 9 fractional digits) as a Timestamp."""
    out = Timestamp()
    out.FromJsonString(text)
    return out


def block_id(j: dict) -> tm_types.BlockID:
    parts = j.get("parts") or j.get("part_set_header") or {}
    return tm_types.BlockID(hash=_hex(j.get("hash")), part_set_header=tm_types.PartSetHeader(
        total=int(parts.get("total", 0)), hash=_hex(parts.get("hash"))))


def _header_fields(j: dict) -> dict:
    version = j.get("version") or {}
    fields = {name: _hex(j.get(name)) for name in _HEADER_HASHES}
    fields.update(chain_id=j["chain_id"], height=int(j["height"]), time=timestamp(j["time"]),
                  last_block_id=block_id(j.get("last_block_id") or {}))
    fields["version"] = {"block": int(version.get("block", 0)), "app": int(version.get("app", 0))}
    return fields


def commit(j: dict | None) -> tm_types.Commit:
    if not j:
        return tm_types.Commit()
    signatures = [tm_types.CommitSig(
        block_id_flag=int(s.get("block_id_flag", 0)), validator_address=_hex(s.get("validator_address")),
        timestamp=timestamp(s["timestamp"]), signature=_b64(s.get("signature"))) for s in j.get("signatures") or []]
    return tm_types.Commit(height=int(j["height"]), round=int(j.get("round", 0)),
                           block_id=block_id(j.get("block_id") or {}), signatures=signatures)


def _block_parts(j: dict) -> dict:
    return {"data": tm_types.Data(txs=[_b64(tx) for tx in (j.get("data") or {}).get("txs") or []]),
            "last_commit": commit(j.get("last_commit"))}


def block(j: dict) -> block_pb2.Block:
    """`/block`'s "block" as tendermint.types.Block (evidence is left empty)."""
    try:
        header = _header_fields(j["header"])
        header["proposer_address"] = _hex(j["header"].get("proposer_address"))
        return block_pb2.Block(header=tm_types.Header(**header), **_block_parts(j))
    except (KeyError, TypeError, ValueError) as err:
        raise CometJsonError(f"unexpected block JSON from CometBFT: {type(err).__name__} {err}") from err


def sdk_block(j: dict) -> sdk_types.Block:
    """`/block`'s "block" as cosmos.base.tendermint.v1beta1.Block: the proposer as a bech32
    `sprintvalcons…` address."""
    try:
        header = _header_fields(j["header"])
        header["proposer_address"] = valcons(j["header"].get("proposer_address"))
        return sdk_types.Block(header=sdk_types.Header(**header), **_block_parts(j))
    except (KeyError, TypeError, ValueError) as err:
        raise CometJsonError(f"unexpected block JSON from CometBFT: {type(err).__name__} {err}") from err


def valcons(address_hex: str | None) -> str:
    """A validator's consensus address (hex) in bech32 with the `sprintvalcons` prefix."""
    raw = _hex(address_hex)
    return encode_address(raw, VALCONS_PREFIX) if raw else ""


def pub_key_any(j: dict):
    """A CometBFT JSON public key as an Any of the Cosmos PubKey type."""
    kind = _PUBKEY_TYPES.get((j or {}).get("type"))
    if kind is None:
        raise CometJsonError(f"unsupported public key type {(j or {}).get('type')!r}")
    cls, type_url = kind
    return pack_any(cls(key=_b64(j.get("value"))), type_url)


def validator(j: dict) -> tm_q.Validator:
    try:
        return tm_q.Validator(address=valcons(j["address"]), pub_key=pub_key_any(j.get("pub_key")),
                              voting_power=int(j.get("voting_power", 0)),
                              proposer_priority=int(j.get("proposer_priority", 0)))
    except (KeyError, TypeError, ValueError) as err:
        raise CometJsonError(f"unexpected validator JSON from CometBFT: {type(err).__name__} {err}") from err


def node_info(j: dict) -> p2p.DefaultNodeInfo:
    """`/status`'s "node_info" as tendermint.p2p.DefaultNodeInfo."""
    try:
        protocol = j.get("protocol_version") or {}
        other = j.get("other") or {}
        return p2p.DefaultNodeInfo(
            protocol_version=p2p.ProtocolVersion(p2p=int(protocol.get("p2p", 0)), block=int(protocol.get("block", 0)),
                                                 app=int(protocol.get("app", 0))),
            default_node_id=j.get("id", ""), listen_addr=j.get("listen_addr", ""), network=j.get("network", ""),
            version=j.get("version", ""), channels=_hex(j.get("channels")), moniker=j.get("moniker", ""),
            other=p2p.DefaultNodeInfoOther(tx_index=other.get("tx_index", ""),
                                           rpc_address=other.get("rpc_address", "")))
    except (TypeError, ValueError) as err:
        raise CometJsonError(f"unexpected node_info JSON from CometBFT: {type(err).__name__} {err}") from err
