"""Query routing shared by ABCI Query and the gRPC servicers: method path -> handler(store, request)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from google.protobuf.message import DecodeError

MAX_MESSAGE_CHARS = 512  # error text echoed to clients (gRPC status details, ABCI Query log)
_TAIL_CHARS = 128  # kept from the end: the reason usually follows the echoed input
ELLIPSIS = "…"


def truncate_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` cut to at most `limit` characters, keeping its head and its tail around an ellipsis.

    Error messages echo client input (addresses, names, hashes); a 100 KB input must not come
    back whole (gRPC trailers cap status details at a few KB)."""
    text = str(text)
    if len(text) <= limit:
        return text
    tail = min(_TAIL_CHARS, limit // 4)
    head = limit - tail - len(ELLIPSIS)
    return text[:head] + ELLIPSIS + text[len(text) - tail:]


class QueryError(Exception):
    """A query that cannot be answered; `status` is 'invalid_argument' or 'not_found'.
    The message is truncated to MAX_MESSAGE_CHARS, as it may echo the request."""

    def __init__(self, status: str, message: str):
        message = truncate_message(message)
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(message: str) -> QueryError:
    return QueryError("not_found", message)


def invalid_argument(message: str) -> QueryError:
    return QueryError("invalid_argument", message)


@dataclass(frozen=True)
class QueryMethod:
    path: str  # "/cosmos.bank.v1beta1.Query/Balance"
    request_class: type
    handler: Callable  # (store, keepers, request) -> response message


class QueryRouter:
    def __init__(self) -> None:
        self._methods: dict[str, QueryMethod] = {}

    def register(self, method: QueryMethod) -> None:
        self._methods[method.path] = method

    def method(self, path: str) -> QueryMethod:
        method = self._methods.get(path)
        if method is None:
            raise not_found(f"unknown query path {path!r}")
        return method

    def paths(self) -> list[str]:
        return sorted(self._methods)

    def query_bytes(self, path: str, data: bytes, store, keepers) -> bytes:
        """Decode the request, run the handler on `store`, return the serialized response."""
        method = self.method(path)
        try:
            request = method.request_class.FromString(data)
        except (DecodeError, RuntimeError, ValueError) as err:
            raise invalid_argument(f"cannot decode {method.request_class.__name__}: {err}") from err
        return method.handler(store, keepers, request).SerializeToString()
