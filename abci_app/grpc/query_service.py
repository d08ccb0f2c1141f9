"""Serves every module query registered in the chain's QueryRouter over gRPC, as raw bytes.

One generic handler per service: the request bytes go straight to `QueryRouter.query_bytes`, the
same path ABCI Query uses, against the last committed snapshot, or, as in the Cosmos SDK, the
height named by the `x-cosmos-block-height` request metadata (within the query history window).
The answered height comes back as `x-cosmos-block-height` initial and trailing metadata.
"""

from __future__ import annotations

import grpc

from abci_app.grpc.status import abort
from chain.query import QueryError

STATUS = {"invalid_argument": grpc.StatusCode.INVALID_ARGUMENT, "not_found": grpc.StatusCode.NOT_FOUND}
HEIGHT_HEADER = "x-cosmos-block-height"


def requested_height(context) -> int:
    """The height asked for in the request metadata; 0 (latest) when absent."""
    for key, value in context.invocation_metadata() or ():
        if key == HEIGHT_HEADER:
            text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
            if not text.strip().isdigit():
                raise QueryError("invalid_argument", f"invalid {HEIGHT_HEADER} {text!r}: expected a non-negative "
                                                     "integer")
            return int(text)
    return 0


def _method_handler(app, path: str):
    def handle(request_bytes: bytes, context: grpc.ServicerContext) -> bytes:
        try:
            store, height = app.view_at(requested_height(context))
            response = app.queries.query_bytes(path, request_bytes, store, app.keepers)
        except QueryError as err:
            abort(context, STATUS[err.status], err.message)
        metadata = ((HEIGHT_HEADER, str(height)),)
        context.send_initial_metadata(metadata)
        context.set_trailing_metadata(metadata)
        return response

    return grpc.unary_unary_rpc_method_handler(handle)


def query_handlers(app) -> list[grpc.GenericRpcHandler]:
    """One generic handler per gRPC service found among the router's method paths."""
    services: dict[str, dict] = {}
    for path in app.queries.paths():
        service, method = path.lstrip("/").rsplit("/", 1)
        services.setdefault(service, {})[method] = _method_handler(app, path)
    return [grpc.method_handlers_generic_handler(name, methods) for name, methods in sorted(services.items())]
