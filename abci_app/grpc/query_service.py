"""Serves every module query registered in the chain's QueryRouter over gRPC, as raw bytes.

One generic handler per service: the request bytes go straight to `QueryRouter.query_bytes`, the
same path ABCI Query uses, against the last committed snapshot.
"""

from __future__ import annotations

import grpc

from abci_app.grpc.status import abort
from chain.query import QueryError

STATUS = {"invalid_argument": grpc.StatusCode.INVALID_ARGUMENT, "not_found": grpc.StatusCode.NOT_FOUND}


def _method_handler(app, path: str):
    def handle(request_bytes: bytes, context: grpc.ServicerContext) -> bytes:
        try:
            return app.queries.query_bytes(path, request_bytes, app.committed_store(), app.keepers)
        except QueryError as err:
            abort(context, STATUS[err.status], err.message)

    return grpc.unary_unary_rpc_method_handler(handle)


def query_handlers(app) -> list[grpc.GenericRpcHandler]:
    """One generic handler per gRPC service found among the router's method paths."""
    services: dict[str, dict] = {}
    for path in app.queries.paths():
        service, method = path.lstrip("/").rsplit("/", 1)
        services.setdefault(service, {})[method] = _method_handler(app, path)
    return [grpc.method_handlers_generic_handler(name, methods) for name, methods in sorted(services.items())]
