"""The gateway's request handling, independent of HTTP transport: route, decode, call, render."""

from __future__ import annotations

import logging

import grpc
from google.protobuf import descriptor_pool
from google.protobuf.message_factory import GetMessageClass

from abci_app.rest import codec
from abci_app.rest.errors import RestError, from_query_error, invalid
from abci_app.rest.routes import Route, find_method, implements, routes_for_method
from chain.query import QueryError

log = logging.getLogger("sprint.rest")

HEIGHT_HEADER = "x-cosmos-block-height"


class ServicerContext:
    """What a gRPC servicer method needs from its context when the gateway calls it directly:
    `abort` raises RestError with the same status; metadata carries the requested height."""

    def __init__(self, height: int | None):
        self._metadata = () if height is None else ((HEIGHT_HEADER, str(height)),)

    def abort(self, code, details: str = "", trailing_metadata=()):
        raise RestError(code, details)

    def invocation_metadata(self):
        return self._metadata

    def set_trailing_metadata(self, metadata) -> None:
        pass

    def set_code(self, code) -> None:
        self._code = code

    def set_details(self, details) -> None:
        self._details = details

    def is_active(self) -> bool:
        return True

    def time_remaining(self):
        return None

    def peer(self) -> str:
        return "rest-gateway"


def query_call(app, grpc_path: str):
    """A route's call for a QueryRouter query: query_bytes on the state at the requested height."""
    response_class = GetMessageClass(find_method(grpc_path).output_type)

    def call(request, height):
        try:
            store, at = app.view_at(height or 0)
            raw = app.queries.query_bytes(grpc_path, request.SerializeToString(), store, app.keepers)
        except QueryError as err:
            raise from_query_error(err) from err
        return response_class.FromString(raw), at

    return call


def servicer_call(servicer, method_name: str):
    def call(request, height):
        try:
            return getattr(servicer, method_name)(request, ServicerContext(height)), None
        except NotImplementedError as err:
            raise RestError(grpc.StatusCode.UNIMPLEMENTED, f"{method_name} is not implemented") from err

    return call


def build_routes(app, servicers: dict[str, list]) -> list[Route]:
    """Routes for every QueryRouter query and every implemented method of the given servicers
    ({service full name: [servicer, fallback servicer, ...]}), most specific templates first."""
    routes = []
    for path in app.queries.paths():
        routes += routes_for_method(find_method(path), query_call(app, path))
    for service_name, candidates in servicers.items():
        service = descriptor_pool.Default().FindServiceByName(service_name)
        for method in service.methods:
            servicer = next((s for s in candidates if s is not None and implements(s, method.name)), None)
            if servicer is not None:
                routes += routes_for_method(method, servicer_call(servicer, method.name))
    return sorted(routes, key=Route.specificity, reverse=True)


class Gateway:
    """handle(method, path, params, headers, body) -> (HTTP status, extra headers, JSON-able body)."""

    def __init__(self, routes: list[Route]):
        self.routes = routes

    def handle(self, method: str, path: str, params: dict[str, list[str]], headers, body: bytes):
        try:
            if method == "GET" and path in ("", "/"):
                return 200, {}, self.index()
            route, path_params = self._find(method, path)
            request = self._request(route, params, path_params, body)
            response, height = route.call(request, _height(headers))
            extra = {HEIGHT_HEADER: str(height)} if height is not None else {}
            return 200, extra, codec.to_json(response)
        except RestError as err:
            return err.http_status, {}, err.body()
        except Exception:  # noqa: BLE001 - one bad request must not kill the worker thread
            log.exception("rest handler failed method=%s path=%s", method, path[:200])
            return 500, {}, {"code": grpc.StatusCode.INTERNAL.value[0], "message": "internal error", "details": []}

    def _find(self, method: str, path: str) -> tuple[Route, dict]:
        allowed = False
        for route in self.routes:
            found = route.match(path)
            if found is None:
                continue
            if route.http_method == method:
                return route, found
            allowed = True
        if allowed:
            raise RestError(grpc.StatusCode.UNIMPLEMENTED, f"method {method} not allowed on {path}", 405)
        raise RestError(grpc.StatusCode.UNIMPLEMENTED, f"Not Implemented: no route for {method} {path}")

    @staticmethod
    def _request(route: Route, params: dict, path_params: dict, body: bytes):
        if route.body == "*":
            request = codec.from_json_body(body, route.request_class)
        else:
            request = route.request_class()
            codec.apply_params(request, params)
        codec.apply_params(request, path_params)
        return request

    def index(self) -> dict:
        """GET /: every route, for people and for tests."""
        return {"routes": [{"method": r.http_method, "path": r.template, "grpc_method": r.grpc_method}
                           for r in sorted(self.routes, key=lambda r: (r.template, r.http_method))]}


def _height(headers) -> int | None:
    raw = headers.get(HEIGHT_HEADER)
    if raw is None or raw.strip() == "":
        return None
    try:
        height = int(raw.strip(), 10)
    except ValueError:
        raise invalid(f"invalid {HEIGHT_HEADER} header {raw!r}: expected a non-negative integer") from None
    if height < 0:
        raise invalid(f"invalid {HEIGHT_HEADER} header {raw!r}: expected a non-negative integer")
    return height
