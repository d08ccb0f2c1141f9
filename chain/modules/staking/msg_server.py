"""staking message handlers: MsgStake and MsgUnstake (signer = operator)."""

from __future__ import annotations

from sprint.staking.v1.tx_pb2 import MsgStake, MsgUnstake

from chain.coins import parse_amount, validate_denom
from chain.context import Context
from chain.errors import ErrInvalidAddress, ErrInvalidCoins
from chain.tx.crypto import AddressError, decode_address

MSG_STAKE_URL = "/sprint.staking.v1.MsgStake"
MSG_UNSTAKE_URL = "/sprint.staking.v1.MsgUnstake"


def operator_address(text: str) -> bytes:
    try:
        return decode_address(text)
    except AddressError as err:
        raise ErrInvalidAddress(f"invalid operator: {err}") from err


def parse_coin(msg, field: str = "amount") -> tuple[str, int]:
    """(denom, amount) of a positive sprint.common.v1.Coin field, or ErrInvalidCoins."""
    if not msg.HasField(field):
        raise ErrInvalidCoins(f"{field} is required, e.g. 1000000usprint")
    coin = getattr(msg, field)
    validate_denom(coin.denom)
    return coin.denom, parse_amount(coin.amount)


def bond_amount(store, keepers, msg, field: str = "amount") -> int:
    """The coin's amount, checking its denom is the staking bond_denom."""
    denom, amount = parse_coin(msg, field)
    bond_denom = keepers.staking.get_params(store).bond_denom
    if denom != bond_denom:
        raise ErrInvalidCoins(f"{field} must be in {bond_denom}, got {denom}")
    return amount


def signers(msg) -> list[bytes]:
    return [operator_address(msg.operator)]


def validate(msg) -> None:
    """Stateless checks shared by MsgStake and MsgUnstake."""
    operator_address(msg.operator)
    parse_coin(msg)


def handle_stake(ctx: Context, keepers, msg: MsgStake) -> None:
    amount = bond_amount(ctx.store, keepers, msg)
    ctx.emit("message", ("action", MSG_STAKE_URL), ("sender", msg.operator), ("module", "staking"))
    keepers.staking.stake(ctx, operator_address(msg.operator), amount)


def handle_unstake(ctx: Context, keepers, msg: MsgUnstake) -> None:
    amount = bond_amount(ctx.store, keepers, msg)
    ctx.emit("message", ("action", MSG_UNSTAKE_URL), ("sender", msg.operator), ("module", "staking"))
    keepers.staking.unstake(ctx, operator_address(msg.operator), amount)
