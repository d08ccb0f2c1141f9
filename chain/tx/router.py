"""Routes messages by type URL to their decoder, stateless validator, signer getter and handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from google.protobuf.message import DecodeError
from google.protobuf.unknown_fields import UnknownFieldSet

from chain.errors import ErrTxDecode, ErrUnknownRequest


@dataclass(frozen=True)
class Route:
    message_class: type
    signers: Callable  # msg -> list[bytes]
    validate: Callable  # msg -> None (raises TxError)
    handle: Callable  # (ctx, keepers, msg) -> None


class Router:
    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}

    def register(self, type_url: str, route: Route) -> None:
        if type_url in self._routes:
            raise ValueError(f"duplicate route {type_url}")
        self._routes[type_url] = route

    def route(self, type_url: str) -> Route:
        route = self._routes.get(type_url)
        if route is None:
            raise ErrUnknownRequest(f"unrecognized message type: {type_url}")
        return route

    def unpack(self, any_msg):
        route = self.route(any_msg.type_url)
        try:
            msg = route.message_class.FromString(any_msg.value)
        except (DecodeError, RuntimeError, ValueError) as err:
            raise ErrTxDecode(f"cannot decode {any_msg.type_url}: {err}") from err
        if len(UnknownFieldSet(msg)):
            raise ErrTxDecode(f"{any_msg.type_url} has unknown fields")
        return any_msg.type_url, msg

    def validate(self, type_url: str, msg) -> None:
        self.route(type_url).validate(msg)

    def signers(self, type_url: str, msg) -> list[bytes]:
        return self.route(type_url).signers(msg)

    def type_urls(self) -> list[str]:
        return sorted(self._routes)
