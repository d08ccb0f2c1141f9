"""Errors as the Cosmos SDK's gateway reports them: an HTTP status and {"code", "message", "details"}."""

from __future__ import annotations

import grpc

from chain.query import truncate_message

# grpc-gateway's HTTPStatusFromCode for the codes this gateway produces
HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}
QUERY_STATUS = {"invalid_argument": grpc.StatusCode.INVALID_ARGUMENT, "not_found": grpc.StatusCode.NOT_FOUND}


class RestError(Exception):
    """A request that fails with gRPC status `code` (a grpc.StatusCode); `http_status` overrides the
    status derived from the code (e.g. 405, 413)."""

    def __init__(self, code: grpc.StatusCode, message: str, http_status: int | None = None):
        self.code = code
        self.message = truncate_message(message)
        self.http_status = http_status or HTTP_STATUS.get(code, 500)
        super().__init__(self.message)

    def body(self) -> dict:
        return {"code": self.code.value[0], "message": self.message, "details": []}


def invalid(message: str) -> RestError:
    return RestError(grpc.StatusCode.INVALID_ARGUMENT, message)


def from_query_error(err) -> RestError:
    """A chain.query.QueryError as the gateway reports it."""
    return RestError(QUERY_STATUS[err.status], err.message)
