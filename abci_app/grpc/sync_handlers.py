"""Sync (thread-pool) handlers on the grpc.aio server, with the sync API's abort semantics.

On a grpc.aio server, a sync handler's `context.abort()` sends the status but then RETURNS
(grpc 1.71, grpc/grpc#37518), so code after it keeps running: a handler would go on using values it
meant to reject. Every sync handler registered on our server is wrapped: its context's `abort`
raises `RpcAborted` as the sync API documents, and the wrapper swallows that exception so the
server finishes the RPC with the status already sent (no "unexpected exception" log).
Async handlers are passed through untouched.
"""

from __future__ import annotations

import inspect

import grpc

_BEHAVIOURS = ("unary_unary", "unary_stream", "stream_unary", "stream_stream")


class RpcAborted(Exception):
    """Raised by `context.abort` in a sync handler (like the sync server's abort)."""


class AbortRaisingContext:
    """A sync servicer context whose `abort` raises; everything else is the wrapped context's."""

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


def _is_async(behaviour) -> bool:
    return inspect.iscoroutinefunction(behaviour) or inspect.isasyncgenfunction(behaviour)


def _wrap_unary_response(behaviour):
    def handle(request, context):
        try:
            return behaviour(request, AbortRaisingContext(context))
        except RpcAborted:
            return None  # the server sees the recorded abort and finishes the RPC with it

    return handle


def _wrap_stream_response(behaviour):
    def handle(request, context):
        def responses():
            try:
                yield from behaviour(request, AbortRaisingContext(context))
            except RpcAborted:
                return

        return responses()

    return handle


def wrap_method_handler(handler):
    """`handler` (a grpc.RpcMethodHandler) with its sync behaviour wrapped; None stays None."""
    if handler is None:
        return None
    for name in _BEHAVIOURS:
        behaviour = getattr(handler, name, None)
        if behaviour is not None and not _is_async(behaviour):
            wrap = _wrap_stream_response if handler.response_streaming else _wrap_unary_response
            return handler._replace(**{name: wrap(behaviour)})
    return handler


class WrappedGenericHandler(grpc.GenericRpcHandler):
    """A generic handler whose method handlers come back wrapped (see wrap_method_handler)."""

    def __init__(self, inner: grpc.GenericRpcHandler):
        self._inner = inner
        self._cache: dict[str, object] = {}

    def service(self, handler_call_details):
        method = handler_call_details.method
        if method not in self._cache:
            self._cache[method] = wrap_method_handler(self._inner.service(handler_call_details))
        return self._cache[method]
