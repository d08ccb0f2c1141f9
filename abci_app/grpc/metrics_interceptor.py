"""Counts the node's gRPC calls by method and status code (`sprint_grpc_calls_total`).

A grpc.aio server interceptor wraps each method handler it hands out. The wrapper keeps the
handler's kind (a sync function stays sync, so grpc.aio still runs it in the thread pool; async
functions and async generators stay async) and passes the handler a context proxy that records
the code given to `abort`/`set_code`, since grpc.aio's sync servicer context cannot be asked for
its code afterwards. An RPC ends as: the recorded code; else CANCELLED when it was cancelled;
else UNKNOWN when the handler raised; else OK.

Label values are bounded: `method` is a registered method's full name (an unknown method is
counted as "unknown"), `code` a grpc.StatusCode name.
"""

from __future__ import annotations

import asyncio
import inspect

import grpc
from prometheus_client import CollectorRegistry, Counter

_KINDS = ("unary_unary", "unary_stream", "stream_unary", "stream_stream")
UNKNOWN_METHOD = "unknown"


class CallRecorder:
    """A servicer context proxy remembering the status code the handler set."""

    def __init__(self, context):
        self._context = context
        self.code: grpc.StatusCode | None = None

    def __getattr__(self, name):
        return getattr(self._context, name)

    def abort(self, code, *args, **kwargs):
        """Record `code`, then abort as the wrapped context does (the async one returns a coroutine)."""
        self.code = code
        return self._context.abort(code, *args, **kwargs)

    def abort_with_status(self, status):
        self.code = status.code
        return self._context.abort_with_status(status)

    def set_code(self, code):
        self.code = code
        return self._context.set_code(code)


def _ended(recorder: CallRecorder, error: BaseException | None) -> str:
    if recorder.code is not None:
        return recorder.code.name
    if isinstance(error, (asyncio.CancelledError, GeneratorExit)):
        return grpc.StatusCode.CANCELLED.name
    return grpc.StatusCode.UNKNOWN.name if error is not None else grpc.StatusCode.OK.name


def _wrap(behaviour, count):
    """`behaviour` with the same calling convention, calling `count(code_name)` once it ends."""
    if inspect.isasyncgenfunction(behaviour):
        return _wrap_stream_async(behaviour, count)
    if inspect.iscoroutinefunction(behaviour):
        return _wrap_unary_async(behaviour, count)
    if inspect.isgeneratorfunction(behaviour):
        return _wrap_stream_sync(behaviour, count)
    return _wrap_unary_sync(behaviour, count)


def _wrap_stream_async(behaviour, count):
    async def stream_async(request, context):
        recorder, error = CallRecorder(context), None
        try:
            async for message in behaviour(request, recorder):
                yield message
        except BaseException as err:
            error = err
            raise
        finally:
            count(_ended(recorder, error))
    return stream_async


def _wrap_unary_async(behaviour, count):
    async def unary_async(request, context):
        recorder, error = CallRecorder(context), None
        try:
            return await behaviour(request, recorder)
        except BaseException as err:
            error = err
            raise
        finally:
            count(_ended(recorder, error))
    return unary_async


def _wrap_stream_sync(behaviour, count):
    def stream_sync(request, context):
        recorder, error = CallRecorder(context), None
        try:
            yield from behaviour(request, recorder)
        except BaseException as err:
            error = err
            raise
        finally:
            count(_ended(recorder, error))
    return stream_sync


def _wrap_unary_sync(behaviour, count):
    def unary_sync(request, context):
        recorder, error = CallRecorder(context), None
        try:
            return behaviour(request, recorder)
        except BaseException as err:
            error = err
            raise
        finally:
            count(_ended(recorder, error))
    return unary_sync


class GrpcCallMetrics(grpc.aio.ServerInterceptor):
    """The interceptor and its counter, registered in `registry`."""

    def __init__(self, registry: CollectorRegistry):
        self.calls = Counter("sprint_grpc_calls", "gRPC calls served, by full method name and status code",
                             ["method", "code"], registry=registry)

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        if handler is None:
            self.calls.labels(UNKNOWN_METHOD, grpc.StatusCode.UNIMPLEMENTED.name).inc()
            return None
        method = handler_call_details.method
        count = lambda code: self.calls.labels(method, code).inc()  # noqa: E731
        for kind in _KINDS:
            behaviour = getattr(handler, kind, None)
            if behaviour is not None:
                return handler._replace(**{kind: _wrap(behaviour, count)})
        return handler
