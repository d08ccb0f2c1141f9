"""bank message handlers: validate -> keeper -> events."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.bank.v1beta1.tx_pb2 import MsgSend

from chain.coins import parse_coins
from chain.context import Context
from chain.errors import ErrInvalidAddress
from chain.tx.crypto import AddressError, decode_address
from chain.tx.router import Route

MSG_SEND_URL = "/cosmos.bank.v1beta1.MsgSend"


def _address(text: str, field: str) -> bytes:
    try:
        return decode_address(text)
    except AddressError as err:
        raise ErrInvalidAddress(f"invalid {field}: {err}") from err


def send_signers(msg: MsgSend) -> list[bytes]:
    return [_address(msg.from_address, "from_address")]


def validate_send(msg: MsgSend) -> None:
    """Stateless checks: addresses decode, coins are valid."""
    _address(msg.from_address, "from_address")
    _address(msg.to_address, "to_address")
    parse_coins(msg.amount)


class MsgServer:
    """Handles cosmos.bank.v1beta1.Msg with the bank keeper."""

    def __init__(self, keeper):
        self.keeper = keeper

    def send(self, ctx: Context, msg: MsgSend) -> None:
        coins = parse_coins(msg.amount)
        sender, recipient = _address(msg.from_address, "from_address"), _address(msg.to_address, "to_address")
        ctx.emit("message", ("action", MSG_SEND_URL), ("sender", msg.from_address), ("module", "bank"))
        self.keeper.send(ctx, sender, recipient, coins)

    def routes(self) -> list[tuple[str, Route]]:
        return [(MSG_SEND_URL, Route(MsgSend, send_signers, validate_send, self.send))]
