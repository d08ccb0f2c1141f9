"""Routes messages by type URL to their decoder, stateless validator, signer getter and handler,
and packs each handler's result as the message's response Any (for TxMsgData.msg_responses).

The amino names of the routed messages (SIGN_MODE_LEGACY_AMINO_JSON) are in chain/tx/amino.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError, Message
from google.protobuf.unknown_fields import UnknownFieldSet
from sprint.inference.v1.tx_pb2 import MsgSubmitInferenceResponse

from chain.errors import ErrTxDecode, ErrUnknownRequest


@dataclass(frozen=True)
class Route:
    message_class: type
    signers: Callable  # msg -> list[bytes]
    validate: Callable  # msg -> None (raises TxError)
    handle: Callable  # (ctx, msg) -> None or a response: a bound method of the module's msg server


# Handlers that return a plain value rather than their response message: type URL -> builder.
RESPONSE_BUILDERS: dict[str, Callable] = {
    "/sprint.inference.v1.MsgSubmitInference": lambda job_id: MsgSubmitInferenceResponse(job_id=job_id),
}


def _response_class(type_url: str):
    """The generated `<Msg>Response` class of a message type URL, or None when no proto defines it."""
    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(type_url.lstrip("/") + "Response")
    except KeyError:
        return None
    return message_factory.GetMessageClass(descriptor)


class Router:
    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._response_classes: dict[str, type | None] = {}

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

    def response_any(self, type_url: str, result) -> AnyProto:
        """The message's response as an Any, as the SDK puts it in TxMsgData.msg_responses: the
        handler's response message, else its `<Msg>Response` type (empty when the handler returns
        nothing), else an empty Any named `<type URL>Response`."""
        builder = RESPONSE_BUILDERS.get(type_url)
        if builder is not None and result is not None and not isinstance(result, Message):
            result = builder(result)
        if isinstance(result, Message):
            return AnyProto(type_url="/" + result.DESCRIPTOR.full_name,
                            value=result.SerializeToString(deterministic=True))
        if type_url not in self._response_classes:
            self._response_classes[type_url] = _response_class(type_url)
        response_class = self._response_classes[type_url]
        value = response_class().SerializeToString() if response_class is not None else b""
        return AnyProto(type_url=type_url + "Response", value=value)
