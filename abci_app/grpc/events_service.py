"""sprint.node.v1.Events/SubscribeBlocks: pushes each commit to subscribers (workers) as it happens.

The app calls `CommitBroadcaster.notify` after every Commit; each open stream waits on a condition
variable, so a subscriber learns of a block within milliseconds and never polls. A slow subscriber
skips to the latest height rather than queueing stale ones.
"""

from __future__ import annotations

import threading

import grpc
from sprint.node.v1 import query_pb2, query_pb2_grpc

from chain.store import meta

WAIT_SECONDS = 1.0  # bounds how long a cancelled stream lingers


class CommitBroadcaster:
    """Wakes every waiting stream when the app commits a block."""

    def __init__(self, app):
        self.app = app
        self._cond = threading.Condition()
        app.commit_listeners.append(self.notify)

    def notify(self, height: int) -> None:
        with self._cond:
            self._cond.notify_all()

    def wait_past(self, height: int, timeout: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self.app.committed_view()[1] > height, timeout=timeout)


def block_committed(store, height: int) -> query_pb2.BlockCommitted:
    raw_time = store.get(meta.BLOCK_TIME_PREFIX + height.to_bytes(8, "big"))
    return query_pb2.BlockCommitted(
        height=height, app_hash=meta.read_app_hash(store), chain_id=meta.read_chain_id(store),
        block_time=int.from_bytes(raw_time, "big") if raw_time else 0)


class EventsService(query_pb2_grpc.EventsServicer):
    def __init__(self, app):
        self.app = app
        self.broadcaster = CommitBroadcaster(app)

    def SubscribeBlocks(self, request, context):  # noqa: N802 - gRPC method name
        if request.from_height < 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "from_height must be >= 0")
        sent = max(request.from_height, 1) - 1
        while context.is_active():
            store, height = self.app.committed_view()
            if height > sent:
                yield block_committed(store, height)
                sent = height
            else:
                self.broadcaster.wait_past(sent, WAIT_SECONDS)
