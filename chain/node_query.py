"""sprint.node.v1.Query/Status: last committed height, app hash and chain id from app metadata."""

from __future__ import annotations

from sprint.node.v1 import query_pb2

from chain.query import QueryMethod
from chain.store import meta


def status(store, keepers, request):
    height = meta.read_height(store)
    raw_time = store.get(meta.BLOCK_TIME_PREFIX + height.to_bytes(8, "big"))
    return query_pb2.QueryStatusResponse(
        chain_id=meta.read_chain_id(store), height=height, app_hash=meta.read_app_hash(store),
        block_time=int.from_bytes(raw_time, "big") if raw_time else 0,
    )


METHODS = [QueryMethod("/sprint.node.v1.Query/Status", query_pb2.QueryStatusRequest, status)]
