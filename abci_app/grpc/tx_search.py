"""Explorer methods of cosmos.tx.v1beta1.Service: GetTxsEvent (CometBFT's tx indexer, `tx_search`)
and GetBlockWithTxs (CometBFT's `block`, txs decoded), answered as the SDK does."""

from __future__ import annotations

import base64
import re

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.base.query.v1beta1.pagination_pb2 import PageResponse
from cosmos.tx.v1beta1 import service_pb2
from tendermint.abci import types_pb2 as abci

from abci_app.grpc import comet_json
from abci_app.grpc.status import abort
from abci_app.grpc.tendermint_service import call_rpc, page_bounds, page_response
from chain.store import meta

MAX_PER_PAGE = 100  # CometBFT's tx_search cap
_ORDER = {service_pb2.ORDER_BY_UNSPECIFIED: "asc", service_pb2.ORDER_BY_ASC: "asc", service_pb2.ORDER_BY_DESC: "desc"}
# an SDK-style event condition "type.attr=value" whose value CometBFT's grammar needs quoted
_BARE_CONDITION = re.compile(r"^([\w.\-]+)=([^'\s\"]\S*)$")


def event_query(request) -> str:
    """The CometBFT query: `query` as given, else the `events` conditions joined with AND (bare
    non-numeric values quoted, as CometBFT's grammar wants)."""
    if request.query:
        return request.query
    conditions = []
    for event in request.events:
        match = _BARE_CONDITION.match(event.strip())
        if match and not match.group(2).isdigit():
            event = f"{match.group(1)}='{match.group(2)}'"
        conditions.append(event.strip())
    return " AND ".join(conditions)


def _page_and_limit(request) -> tuple[int, int]:
    limit = request.limit or request.pagination.limit or MAX_PER_PAGE
    limit = min(limit, MAX_PER_PAGE)
    page = request.page or (request.pagination.offset // limit + 1)
    return page, limit


def indexed_tx(app, item: dict):
    """(abci.TxResult, block time or None) for one tx_search result: the node's own tx index when it
    has the tx, else CometBFT's JSON."""
    found = app.get_tx(bytes.fromhex(item["hash"]))
    if found is not None:
        return found
    result = item.get("tx_result") or {}
    events = [abci.Event(type=e.get("type", ""), attributes=[
        abci.EventAttribute(key=a.get("key", ""), value=a.get("value", ""), index=bool(a.get("index")))
        for a in e.get("attributes") or []]) for e in result.get("events") or []]
    exec_result = abci.ExecTxResult(
        code=int(result.get("code", 0)), data=base64.b64decode(result.get("data") or ""), log=result.get("log", ""),
        info=result.get("info", ""), gas_wanted=int(result.get("gas_wanted", 0)),
        gas_used=int(result.get("gas_used", 0)), events=events, codespace=result.get("codespace", ""))
    height = int(item["height"])
    raw_time = app.committed_store().get(meta.BLOCK_TIME_PREFIX + height.to_bytes(8, "big"))
    tx_result = abci.TxResult(height=height, index=int(item.get("index", 0)), tx=base64.b64decode(item["tx"]),
                              result=exec_result)
    return tx_result, int.from_bytes(raw_time, "big") if raw_time else None


def get_txs_event(app, rpc, request, context, to_response):
    """GetTxsEvent: `to_response(tx_result, block_time)` -> (Tx, TxResponse) for each hit."""
    query = event_query(request)
    if not query:
        abort(context, grpc.StatusCode.INVALID_ARGUMENT, "query cannot be empty")
    if request.order_by not in _ORDER:
        abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"unknown order_by {request.order_by}")
    page, limit = _page_and_limit(request)
    if rpc is None:
        abort(context, grpc.StatusCode.UNAVAILABLE, "no CometBFT RPC configured for this node")
    found = call_rpc(context, rpc.tx_search, query, page, limit, _ORDER[request.order_by])
    pairs = [to_response(*indexed_tx(app, item)) for item in found.get("txs") or []]
    total = int(found.get("total_count", len(pairs)))
    return service_pb2.GetTxsEventResponse(txs=[tx for tx, _ in pairs], tx_responses=[r for _, r in pairs],
                                           pagination=PageResponse(total=total), total=total)


def get_block_with_txs(rpc, request, context, decode):
    """GetBlockWithTxs: the block at `height` and its txs (`decode(raw)` -> Tx), paginated by offset."""
    if request.height <= 0:
        abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"height must be positive, got {request.height}")
    if rpc is None:
        abort(context, grpc.StatusCode.UNAVAILABLE, "no CometBFT RPC configured for this node")
    answer = call_rpc(context, rpc.block, request.height)
    block_id = call_rpc(context, comet_json.block_id, answer.get("block_id") or {})
    block = call_rpc(context, comet_json.block, answer.get("block") or {})
    offset, limit = page_bounds(context, request.pagination, len(block.data.txs))
    txs = [decode(raw) for raw in block.data.txs[offset:offset + limit]]
    return service_pb2.GetBlockWithTxsResponse(txs=txs, block_id=block_id, block=block,
                                               pagination=page_response(offset, limit, len(block.data.txs)))
