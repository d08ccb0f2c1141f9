"""sprint.node.v1.Events/SubscribeBlocks: pushes each commit to subscribers (workers) as it happens.

Streams are async generators on the gRPC server's event loop: an open stream holds no thread, only
a small task waiting on an `asyncio.Event`. The app calls `CommitNotifier.notify` after every Commit
(on the ABCI thread); it wakes the loop with `call_soon_threadsafe`, so a subscriber learns of a
block within milliseconds and never polls. A slow subscriber skips to the latest height rather
than queueing stale ones. Open streams are capped per client (peer IP) and in total.
"""

from __future__ import annotations

import asyncio

import grpc
from sprint.node.v1 import query_pb2, query_pb2_grpc

from abci_app.grpc.status import abort_async
from abci_app.grpc.stream_limits import StreamLimiter, peer_host
from chain.store import meta

WAIT_SECONDS = 5.0  # a stream re-reads the committed height at least this often (missed wake-ups)


class CommitNotifier:
    """Wakes the streams waiting on `loop` when the app commits a block."""

    def __init__(self, app, loop: asyncio.AbstractEventLoop):
        self.app = app
        self.loop = loop
        self._event = asyncio.Event()
        app.commit_listeners.append(self.notify)

    def notify(self, height: int) -> None:
        """Commit listener (any thread): schedule the wake-up on the loop."""
        try:
            self.loop.call_soon_threadsafe(self._wake)
        except RuntimeError:  # the loop is closed: the server stopped
            self.close()

    def _wake(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    def close(self) -> None:
        """Stop listening to the app's commits."""
        try:
            self.app.commit_listeners.remove(self.notify)
        except ValueError:
            pass

    async def wait_past(self, height: int, timeout: float) -> None:
        """Return once the committed height exceeds `height`, or after `timeout` seconds."""
        event = self._event  # taken before the check: a commit after it sets this very event
        if self.app.committed_view()[1] > height:
            return
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass


def block_committed(store, height: int) -> query_pb2.BlockCommitted:
    raw_time = store.get(meta.BLOCK_TIME_PREFIX + height.to_bytes(8, "big"))
    return query_pb2.BlockCommitted(
        height=height, app_hash=meta.read_app_hash(store), chain_id=meta.read_chain_id(store),
        block_time=int.from_bytes(raw_time, "big") if raw_time else 0)


class LatestBlock:
    """The BlockCommitted message of the newest commit, built once and shared by every stream (all
    streams run on one event loop, so no lock is needed): a commit fans out to hundreds of streams."""

    def __init__(self):
        self._height, self._message = 0, None

    def get(self, store, height: int) -> query_pb2.BlockCommitted:
        if height != self._height or self._message is None:
            self._height, self._message = height, block_committed(store, height)
        return self._message


class EventsService(query_pb2_grpc.EventsServicer):
    """Async servicer; build it on the loop that serves it."""

    def __init__(self, app, loop: asyncio.AbstractEventLoop, limiter: StreamLimiter):
        self.app = app
        self.notifier = CommitNotifier(app, loop)
        self.limiter = limiter
        self.latest = LatestBlock()

    async def SubscribeBlocks(self, request, context):  # noqa: N802 - gRPC method name
        if request.from_height < 0:
            await abort_async(context, grpc.StatusCode.INVALID_ARGUMENT, "from_height must be >= 0")
        client = peer_host(context.peer())
        refusal = self.limiter.acquire(client)
        if refusal is not None:
            await abort_async(context, grpc.StatusCode.RESOURCE_EXHAUSTED, refusal)
        context.add_done_callback(lambda _ctx: self.limiter.release(client))
        sent = max(request.from_height, 1) - 1
        while True:
            store, height = self.app.committed_view()
            if height > sent:
                yield self.latest.get(store, height)
                sent = height
            else:
                await self.notifier.wait_past(sent, WAIT_SECONDS)
