"""Field parsers shared by message handlers of several modules (stateless; SDK errors that name
the field). Modules use these instead of importing each other's msg servers."""

from __future__ import annotations

from chain.coins import parse_amount, validate_denom
from chain.errors import ErrInvalidAddress, ErrInvalidCoins
from chain.tx.crypto import AddressError, decode_address


def parse_address(text: str, field: str) -> bytes:
    """A bech32 address's 20 bytes; ErrInvalidAddress naming `field` when it is not one."""
    try:
        return decode_address(text)
    except AddressError as err:
        raise ErrInvalidAddress(f"invalid {field}: {err}") from err


def parse_coin(msg, field: str = "amount") -> tuple[str, int]:
    """(denom, amount) of a positive sprint.common.v1.Coin field, or ErrInvalidCoins."""
    if not msg.HasField(field):
        raise ErrInvalidCoins(f"{field} is required, e.g. 1000000usprint")
    coin = getattr(msg, field)
    validate_denom(coin.denom)
    return coin.denom, parse_amount(coin.amount)


def operator_address(text: str) -> bytes:
    """The `operator` field's address (ErrInvalidAddress naming it otherwise)."""
    return parse_address(text, "operator")


def operator_signers(msg) -> list[bytes]:
    """Signers of a message signed by its `operator` (staking and hosts messages)."""
    return [operator_address(msg.operator)]
