"""cosmos.base.tendermint.v1beta1.Service: node info, sync state, blocks and validator sets from the
node's CometBFT RPC (status, block, validators), converted to protobuf; ABCIQuery in-process.

CometBFT unreachable -> UNAVAILABLE with its one-line reason; a height CometBFT refuses (not yet
produced, pruned) -> INVALID_ARGUMENT with CometBFT's words.
"""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.base.query.v1beta1.pagination_pb2 import PageResponse
from cosmos.base.tendermint.v1beta1 import query_pb2 as tm_q, query_pb2_grpc as tm_grpc
from tendermint.abci import types_pb2 as abci

from abci_app.grpc import comet_json
from abci_app.grpc.status import abort
from abci_app.rpc_client import RpcError, RpcUnavailable

APP_NAME = "sprintd"
APP_VERSION = "v0.1.0"
# The Cosmos SDK API (protos and gRPC/REST surface) this node answers to; clients such as cosmpy
# read it to pick request shapes.
COSMOS_SDK_API_VERSION = "v0.53.0"
DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 1000


def call_rpc(context, fn, *args):
    """`fn(*args)` against CometBFT; its failures become gRPC statuses (abort raises)."""
    try:
        return fn(*args)
    except RpcUnavailable as err:
        abort(context, grpc.StatusCode.UNAVAILABLE, str(err))
    except RpcError as err:
        abort(context, grpc.StatusCode.INVALID_ARGUMENT, err.data or err.message)
    except comet_json.CometJsonError as err:
        abort(context, grpc.StatusCode.UNAVAILABLE, str(err))


def page_bounds(context, pagination, total: int) -> tuple[int, int]:
    """(offset, limit) from a PageRequest; `key` is the 8-byte big-endian offset we hand out as next_key."""
    if pagination.key and pagination.offset:
        abort(context, grpc.StatusCode.INVALID_ARGUMENT, "paginate with either key or offset, not both")
    if pagination.key and len(pagination.key) != 8:
        abort(context, grpc.StatusCode.INVALID_ARGUMENT, "invalid pagination key: expected the next_key of a "
                                                         "previous page")
    offset = int.from_bytes(pagination.key, "big") if pagination.key else pagination.offset
    limit = min(pagination.limit or DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT)
    return min(offset, total), limit


def page_response(offset: int, limit: int, total: int) -> PageResponse:
    following = offset + limit
    return PageResponse(next_key=following.to_bytes(8, "big") if following < total else b"", total=total)


def _block_fn(rpc, height):
    def fetch():
        result = rpc.block(height)
        return (comet_json.block_id(result["block_id"]), comet_json.block(result["block"]),
                comet_json.sdk_block(result["block"]))
    return fetch


class TendermintService(tm_grpc.ServiceServicer):
    """Sync servicer over `rpc` (abci_app.rpc_client.CometRpc) and the in-process `app`."""

    def __init__(self, app, rpc):
        self.app = app
        self.rpc = rpc

    def _status(self, context) -> dict:
        return call_rpc(context, self._need_rpc(context).status)

    def _need_rpc(self, context):
        if self.rpc is None:
            abort(context, grpc.StatusCode.UNAVAILABLE, "no CometBFT RPC configured for this node")
        return self.rpc

    def GetNodeInfo(self, request, context):
        status = self._status(context)
        info = call_rpc(context, comet_json.node_info, status.get("node_info") or {})
        return tm_q.GetNodeInfoResponse(default_node_info=info, application_version=tm_q.VersionInfo(
            name="sprintchain", app_name=APP_NAME, version=APP_VERSION, cosmos_sdk_version=COSMOS_SDK_API_VERSION))

    def GetSyncing(self, request, context):
        status = self._status(context)
        return tm_q.GetSyncingResponse(syncing=bool((status.get("sync_info") or {}).get("catching_up")))

    def GetLatestBlock(self, request, context):
        block_id, block, sdk_block = call_rpc(context, _block_fn(self._need_rpc(context), None))
        return tm_q.GetLatestBlockResponse(block_id=block_id, block=block, sdk_block=sdk_block)

    def GetBlockByHeight(self, request, context):
        if request.height <= 0:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"height must be positive, got {request.height}")
        block_id, block, sdk_block = call_rpc(context, _block_fn(self._need_rpc(context), request.height))
        return tm_q.GetBlockByHeightResponse(block_id=block_id, block=block, sdk_block=sdk_block)

    def GetLatestValidatorSet(self, request, context):
        height, validators, pagination = self._validator_page(context, None, request.pagination)
        return tm_q.GetLatestValidatorSetResponse(block_height=height, validators=validators, pagination=pagination)

    def GetValidatorSetByHeight(self, request, context):
        if request.height <= 0:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"height must be positive, got {request.height}")
        height, validators, pagination = self._validator_page(context, request.height, request.pagination)
        return tm_q.GetValidatorSetByHeightResponse(block_height=height, validators=validators,
                                                    pagination=pagination)

    def _validator_page(self, context, height, pagination):
        block_height, everyone = call_rpc(context, self._need_rpc(context).validator_set, height)
        offset, limit = page_bounds(context, pagination, len(everyone))
        chosen = call_rpc(context, lambda: [comet_json.validator(v) for v in everyone[offset:offset + limit]])
        return block_height, chosen, page_response(offset, limit, len(everyone))

    def ABCIQuery(self, request, context):
        """The app's ABCI Query, in-process (as the SDK's node does): the same paths and heights."""
        if request.prove:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, "proofs are not available: this chain's app hash "
                                                             "is not a Merkle root yet")
        answer = self.app.query(abci.RequestQuery(data=request.data, path=request.path, height=request.height))
        return tm_q.ABCIQueryResponse(code=answer.code, log=answer.log, info=answer.info, index=answer.index,
                                      key=answer.key, value=answer.value, height=answer.height,
                                      codespace=answer.codespace)
