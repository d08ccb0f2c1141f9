"""Servicers the gateway answers from CometBFT's RPC when the gRPC package has none of its own:
`GetTxsEvent` (tx_search) and cosmos.base.tendermint.v1beta1.Service (status, block, validators).

They are plain gRPC servicer classes (request, context) -> response, so the gRPC server could serve
them as they are; the gateway prefers a servicer from abci_app/grpc when one implements a method.
"""

from __future__ import annotations

import base64
import importlib.metadata

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.base.query.v1beta1.pagination_pb2 import PageResponse
from cosmos.base.tendermint.v1beta1 import query_pb2 as tm
from cosmos.base.tendermint.v1beta1 import query_pb2_grpc as tm_grpc
from cosmos.base.tendermint.v1beta1 import types_pb2 as tm_types
from cosmos.crypto.ed25519.keys_pb2 import PubKey as Ed25519PubKey
from cosmos.tx.v1beta1 import service_pb2, service_pb2_grpc
from google.protobuf.timestamp_pb2 import Timestamp
from tendermint.p2p import types_pb2 as p2p
from tendermint.types import block_pb2, types_pb2

from abci_app.grpc.tx_service import decoded_tx, tx_response
from abci_app.rpc_client import RpcError, RpcUnavailable
from chain.tx.builder import pack_any
from chain.tx.crypto import encode_address

VALCONS_PREFIX = "sprintvalcons"
DEFAULT_LIMIT = 100
MAX_LIMIT = 100  # CometBFT's tx_search per_page maximum


def _rpc(context, fn, *args, **kwargs):
    """Call CometBFT, turning its errors into the statuses the SDK gateway answers."""
    try:
        return fn(*args, **kwargs)
    except RpcError as err:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, err.data or err.message)
    except RpcUnavailable as err:
        context.abort(grpc.StatusCode.UNAVAILABLE, str(err))


class TxSearch(service_pb2_grpc.ServiceServicer):
    """GetTxsEvent through CometBFT tx_search; each result rendered as GetTx renders it."""

    def __init__(self, app, rpc):
        self.app, self.rpc = app, rpc

    def GetTxsEvent(self, request, context):
        query = request.query or " AND ".join(e for e in request.events if e)
        if not query:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "query cannot be empty: set query (or events)")
        page = request.page or 1
        limit = request.limit or DEFAULT_LIMIT
        if limit > MAX_LIMIT:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"limit must be at most {MAX_LIMIT}")
        order = "desc" if request.order_by == service_pb2.ORDER_BY_DESC else "asc"
        result = _rpc(context, self.rpc.call, "tx_search", query=query, prove=False, page=str(page),
                      per_page=str(limit), order_by=order)
        response = service_pb2.GetTxsEventResponse(total=int(result.get("total_count", 0)))
        for item in result.get("txs") or []:
            found = self.app.get_tx(bytes.fromhex(item["hash"]))
            if found is None:
                continue  # indexed by CometBFT, not (yet) committed here
            tx_result, block_time = found
            tx = decoded_tx(tx_result.tx)
            response.txs.append(tx)
            response.tx_responses.append(tx_response(tx_result, tx, block_time))
        return response


class TendermintService(tm_grpc.ServiceServicer):
    """cosmos.base.tendermint.v1beta1.Service from CometBFT's status, block and validators RPCs."""

    def __init__(self, app, rpc):
        self.app, self.rpc = app, rpc

    def GetNodeInfo(self, request, context):
        info = _rpc(context, self.rpc.status)["node_info"]
        version = info.get("protocol_version", {})
        node = p2p.DefaultNodeInfo(
            protocol_version=p2p.ProtocolVersion(p2p=int(version.get("p2p", 0)), block=int(version.get("block", 0)),
                                                 app=int(version.get("app", 0))),
            default_node_id=info.get("id", ""), listen_addr=info.get("listen_addr", ""),
            network=info.get("network", ""), version=info.get("version", ""),
            channels=bytes.fromhex(info.get("channels", "")), moniker=info.get("moniker", ""),
            other=p2p.DefaultNodeInfoOther(tx_index=info.get("other", {}).get("tx_index", ""),
                                           rpc_address=info.get("other", {}).get("rpc_address", "")))
        app_version = tm.VersionInfo(name="sprintchain", app_name="sprintd",
                                     version=importlib.metadata.version("sprintchain"))
        return tm.GetNodeInfoResponse(default_node_info=node, application_version=app_version)

    def GetSyncing(self, request, context):
        return tm.GetSyncingResponse(syncing=bool(_rpc(context, self.rpc.status)["sync_info"]["catching_up"]))

    def GetLatestBlock(self, request, context):
        return self._block(context, None, tm.GetLatestBlockResponse)

    def GetBlockByHeight(self, request, context):
        if request.height <= 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "height must be greater than 0")
        return self._block(context, request.height, tm.GetBlockByHeightResponse)

    def GetLatestValidatorSet(self, request, context):
        return self._validators(context, None)

    def GetValidatorSetByHeight(self, request, context):
        if request.height <= 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "height must be greater than 0")
        return self._validators(context, request.height)

    def _block(self, context, height, response_class):
        result = _rpc(context, self.rpc.block, height)
        block = block_from_json(result["block"])
        sdk_block = tm_types.Block(data=block.data, evidence=block.evidence, last_commit=block.last_commit)
        sdk_block.header.CopyFrom(_sdk_header(block.header))
        return response_class(block_id=block_id_from_json(result["block_id"]), block=block, sdk_block=sdk_block)

    def _validators(self, context, height):
        if height is None:
            height = int(_rpc(context, self.rpc.status)["sync_info"]["latest_block_height"])
        found = _rpc(context, self.rpc.validators, height)
        validators = [tm.Validator(
            address=encode_address(bytes.fromhex(v["address"]), VALCONS_PREFIX),
            pub_key=pack_any(Ed25519PubKey(key=base64.b64decode(v["pub_key"]["value"])),
                             "/cosmos.crypto.ed25519.PubKey"),
            voting_power=int(v["voting_power"]), proposer_priority=int(v["proposer_priority"]),
        ) for v in found]
        return tm.GetLatestValidatorSetResponse(
            block_height=height, validators=validators, pagination=PageResponse(total=len(validators)))


def _timestamp(text: str) -> Timestamp:
    stamp = Timestamp()
    stamp.FromJsonString(text)
    return stamp


def _hex(text) -> bytes:
    return bytes.fromhex(text or "")


def block_id_from_json(data: dict) -> types_pb2.BlockID:
    parts = data.get("parts") or {}
    return types_pb2.BlockID(hash=_hex(data.get("hash")), part_set_header=types_pb2.PartSetHeader(
        total=int(parts.get("total", 0)), hash=_hex(parts.get("hash"))))


def block_from_json(data: dict) -> block_pb2.Block:
    """A CometBFT RPC block (JSON) as tendermint.types.Block."""
    h = data["header"]
    header = types_pb2.Header(
        chain_id=h["chain_id"], height=int(h["height"]), time=_timestamp(h["time"]),
        last_block_id=block_id_from_json(h.get("last_block_id") or {}),
        last_commit_hash=_hex(h["last_commit_hash"]), data_hash=_hex(h["data_hash"]),
        validators_hash=_hex(h["validators_hash"]), next_validators_hash=_hex(h["next_validators_hash"]),
        consensus_hash=_hex(h["consensus_hash"]), app_hash=_hex(h["app_hash"]),
        last_results_hash=_hex(h["last_results_hash"]), evidence_hash=_hex(h["evidence_hash"]),
        proposer_address=_hex(h["proposer_address"]))
    header.version.block = int(h["version"]["block"])
    header.version.app = int(h["version"].get("app", 0))
    commit = data.get("last_commit") or {}
    last_commit = types_pb2.Commit(
        height=int(commit.get("height", 0)), round=int(commit.get("round", 0)),
        block_id=block_id_from_json(commit.get("block_id") or {}),
        signatures=[types_pb2.CommitSig(
            block_id_flag=int(s["block_id_flag"]), validator_address=_hex(s.get("validator_address")),
            timestamp=_timestamp(s["timestamp"]), signature=base64.b64decode(s.get("signature") or ""))
            for s in commit.get("signatures") or []])
    block = block_pb2.Block(header=header, last_commit=last_commit)
    block.data.txs.extend(base64.b64decode(tx) for tx in (data.get("data") or {}).get("txs") or [])
    return block


def _sdk_header(header: types_pb2.Header) -> tm_types.Header:
    """The SDK's Header: the same fields, the proposer as a bech32 consensus address."""
    fields = {f.name for f in tm_types.Header.DESCRIPTOR.fields} - {"proposer_address"}
    out = tm_types.Header(proposer_address=encode_address(header.proposer_address, VALCONS_PREFIX)
                          if header.proposer_address else "")
    for name in fields:
        value = getattr(header, name)
        if hasattr(value, "CopyFrom"):
            getattr(out, name).CopyFrom(value)
        else:
            setattr(out, name, value)
    return out
