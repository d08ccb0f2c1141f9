"""staking message handlers: MsgStake and MsgUnstake (signer = operator)."""

from __future__ import annotations

from sprint.staking.v1.tx_pb2 import MsgStake, MsgUnstake

from chain.context import Context
from chain.msgfields import operator_address, operator_signers, parse_coin
from chain.tx.router import Route

MSG_STAKE_URL = "/sprint.staking.v1.MsgStake"
MSG_UNSTAKE_URL = "/sprint.staking.v1.MsgUnstake"


signers = operator_signers


def validate(msg) -> None:
    """Stateless checks shared by MsgStake and MsgUnstake."""
    operator_address(msg.operator)
    parse_coin(msg)


class MsgServer:
    """Handles sprint.staking.v1.Msg with the staking keeper."""

    def __init__(self, keeper):
        self.keeper = keeper

    def stake(self, ctx: Context, msg: MsgStake) -> None:
        amount = self.keeper.bond_amount(ctx.store, msg)
        ctx.emit("message", ("action", MSG_STAKE_URL), ("sender", msg.operator), ("module", "staking"))
        self.keeper.stake(ctx, operator_address(msg.operator), amount)

    def unstake(self, ctx: Context, msg: MsgUnstake) -> None:
        amount = self.keeper.bond_amount(ctx.store, msg)
        ctx.emit("message", ("action", MSG_UNSTAKE_URL), ("sender", msg.operator), ("module", "staking"))
        self.keeper.unstake(ctx, operator_address(msg.operator), amount)

    def routes(self) -> list[tuple[str, Route]]:
        return [(MSG_STAKE_URL, Route(MsgStake, signers, validate, self.stake)),
                (MSG_UNSTAKE_URL, Route(MsgUnstake, signers, validate, self.unstake))]
