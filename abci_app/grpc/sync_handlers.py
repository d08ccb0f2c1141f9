"""Sync (thread-pool) handlers on the grpc.aio server, with the sync API's semantics.

Two grpc 1.71 behaviours are corrected for every sync handler registered on our server:

* A sync handler's `context.abort()` sends the status but then RETURNS (grpc/grpc#37518), so code
  after it keeps running. Our contexts' `abort` raises `RpcAborted`, as the sync API documents; the
  wrapper swallows it and the server finishes the RPC with the status already sent.
* A sync response-streaming handler (a generator) is run by grpc.aio in ONE pool thread for the
  whole stream, pushing into a one-slot queue: a slow reader holds the thread, and a cancelled
  stream leaves it blocked forever. Ours become async generators that run each `next()` in the
  pool, so between messages no thread is held, and a cancelled stream closes its generator.

Async handlers are passed through untouched.
"""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import Executor

import grpc

_BEHAVIOURS = ("unary_unary", "unary_stream", "stream_unary", "stream_stream")
_DONE = object()


class RpcAborted(Exception):
    """Raised by `context.abort` in a sync handler (like the sync server's abort)."""


class AbortRaisingContext:
    """grpc.aio's sync servicer context, but `abort` raises; everything else is the wrapped one's."""

    def __init__(self, context):
        self._context = context
        self._aborted = False

    def __getattr__(self, name):
        return getattr(self._context, name)

    def abort(self, code, details: str = "", trailing_metadata=()):
        self._aborted = True
        if trailing_metadata:
            self._context.abort(code, details, tuple(trailing_metadata))
        else:
            self._context.abort(code, details)
        raise RpcAborted(details)

    def abort_with_status(self, status):
        self.abort(status.code, status.details, status.trailing_metadata)

    def is_active(self) -> bool:
        """False once aborted or past the deadline (the sync API's is_active)."""
        remaining = self._context.time_remaining()
        return not self._aborted and (remaining is None or remaining > 0)


class ThreadContext:
    """A sync servicer context over grpc.aio's async one, for code running in a pool thread."""

    def __init__(self, context, loop: asyncio.AbstractEventLoop):
        self._context = context
        self._loop = loop

    def __getattr__(self, name):  # peer, invocation_metadata, time_remaining, set_code, ...
        return getattr(self._context, name)

    def _await(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def abort(self, code, details: str = "", trailing_metadata=()):
        try:
            self._await(self._context.abort(code, details, tuple(trailing_metadata)))
        except grpc.aio.AbortError:
            pass
        raise RpcAborted(details)

    def abort_with_status(self, status):
        self.abort(status.code, status.details, status.trailing_metadata)

    def send_initial_metadata(self, metadata) -> None:
        self._await(self._context.send_initial_metadata(tuple(metadata)))

    def add_callback(self, callback) -> bool:
        self._context.add_done_callback(lambda _context: callback())
        return True

    def is_active(self) -> bool:
        return not self._context.done()


class _SyncRequests:
    """A blocking iterator over grpc.aio's async request iterator, for a pool thread."""

    def __init__(self, requests, loop: asyncio.AbstractEventLoop):
        self._requests = requests.__aiter__()
        self._loop = loop

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return asyncio.run_coroutine_threadsafe(self._requests.__anext__(), self._loop).result()
        except StopAsyncIteration:
            raise StopIteration from None


def _is_async(behaviour) -> bool:
    return inspect.iscoroutinefunction(behaviour) or inspect.isasyncgenfunction(behaviour)


def _wrap_unary_response(behaviour):
    def handle(request, context):
        try:
            return behaviour(request, AbortRaisingContext(context))
        except RpcAborted:
            return None  # the server sees the recorded abort and finishes the RPC with it

    return handle


def _next(iterator):
    try:
        return next(iterator)
    except StopIteration:
        return _DONE


def _close(iterator) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # noqa: BLE001 - a generator failing in its cleanup: nothing to send
            pass


def _wrap_stream_response(behaviour, pool: Executor, request_streaming: bool):
    async def handle(request, context):
        loop = asyncio.get_running_loop()
        if request_streaming:
            request = _SyncRequests(request, loop)
        thread_context = ThreadContext(context, loop)
        pending = None
        iterator = None
        try:
            pending = pool.submit(lambda: iter(behaviour(request, thread_context)))
            iterator = await asyncio.wrap_future(pending)
            while True:
                pending = pool.submit(_next, iterator)
                item = await asyncio.wrap_future(pending)
                if item is _DONE:
                    return
                yield item
        except RpcAborted:
            return  # the server sees the recorded abort and finishes the RPC with it
        finally:
            if iterator is not None:  # after any next() still running in its thread
                pending.add_done_callback(lambda _future: _close(iterator))

    return handle


def wrap_method_handler(handler, pool: Executor):
    """`handler` (a grpc.RpcMethodHandler) with its sync behaviour wrapped; None stays None."""
    if handler is None:
        return None
    for name in _BEHAVIOURS:
        behaviour = getattr(handler, name, None)
        if behaviour is None or _is_async(behaviour):
            continue
        if handler.response_streaming:
            wrapped = _wrap_stream_response(behaviour, pool, handler.request_streaming)
        else:
            wrapped = _wrap_unary_response(behaviour)
        return handler._replace(**{name: wrapped})
    return handler


class WrappedGenericHandler(grpc.GenericRpcHandler):
    """A generic handler whose method handlers come back wrapped (see wrap_method_handler)."""

    def __init__(self, inner: grpc.GenericRpcHandler, pool: Executor):
        self._inner = inner
        self._pool = pool
        self._cache: dict[str, object] = {}

    def service(self, handler_call_details):
        method = handler_call_details.method
        if method not in self._cache:
            self._cache[method] = wrap_method_handler(self._inner.service(handler_call_details), self._pool)
        return self._cache[method]
