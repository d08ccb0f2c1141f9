"""`sprintd tx staking stake|unstake AMOUNT --from KEY` and `sprintd q staking stake ADDR | params`.

Every tx command takes the usual tx options (--node, --chain-id, --fees, --gas, --yes, --wait,
--keyring-backend, --home, --output). Inputs are checked locally first: one sentence with the fix.
"""

from __future__ import annotations

import click

from abci_app.cli.framework import call_query, pack, query_command, tx_command
from abci_app.cli.hosts_cmd import (
    home_consensus_pubkey,
    parse_consensus_pubkey,
    parse_worker_pubkey,
)
from abci_app.cli.txargs import DENOM, parse_amount

FROM_HELP = "Keyring key (name or address) of the operator that signs."


@click.group("staking")
def staking_tx() -> None:
    """Bond and unbond host collateral."""


def _staking_msg(kind: str, operator: str, amount: int):
    from sprint.common.v1.coin_pb2 import Coin
    from sprint.staking.v1 import tx_pb2

    return pack(getattr(tx_pb2, kind)(operator=operator, amount=Coin(denom=DENOM, amount=str(amount))))


@tx_command(staking_tx, "stake", from_help=FROM_HELP)
@click.argument("amount")
def stake_cmd(ctx, amount: str):
    """Bond AMOUNT (like 1000000usprint) from the --from account as collateral."""
    value = parse_amount(amount)
    return lambda signer: [_staking_msg("MsgStake", signer, value)]


@tx_command(staking_tx, "unstake", from_help=FROM_HELP)
@click.argument("amount")
def unstake_cmd(ctx, amount: str):
    """Start unbonding AMOUNT; it returns to the account after the unbonding lock-up (see `q staking params`)."""
    value = parse_amount(amount)
    return lambda signer: [_staking_msg("MsgUnstake", signer, value)]


@click.group("staking")
def staking_query() -> None:
    """Bonded collateral and staking params."""


@query_command(staking_query, "stake", addresses={"address": "address"})
@click.argument("address")
def stake_query_cmd(client, address: str):
    """Bonded amount and unbonding entries of ADDRESS ("0" when it never staked)."""
    from sprint.staking.v1 import query_pb2

    resp = call_query(client, "Stake", query_pb2.QueryStakeRequest(operator=address))
    entries = [{"amount": e.amount, "completion_height": str(e.completion_height),
                "creation_height": str(e.creation_height)} for e in resp.unbonding]
    locks = [{"amount": lock.amount, "unlock_height": str(lock.unlock_height)} for lock in resp.locks]
    lines = [f"bonded: {resp.bonded}{DENOM} (unlocked: {resp.unlocked or '0'}{DENOM})"] + [
        f"locked: {lock['amount']}{DENOM} until block {lock['unlock_height']}" for lock in locks] + [
        f"unbonding: {e['amount']}{DENOM} released linearly, the last part at the end of block "
        f"{e['completion_height']}" for e in entries]
    return {"operator": address, "bonded": resp.bonded, "unlocked": resp.unlocked or "0", "locks": locks,
            "unbonding": entries}, lines


@query_command(staking_query, "params")
def params_query_cmd(client):
    """Bond denom, minimum host collateral, unbonding, stake lock-up, slash fractions and ban length."""
    from sprint.staking.v1 import query_pb2

    params = call_query(client, "Params", query_pb2.QueryParamsRequest()).params
    data = {"bond_denom": params.bond_denom, "min_collateral": params.min_collateral,
            "unbonding_blocks": str(params.unbonding_blocks), "max_unbonding_entries": params.max_unbonding_entries,
            "min_lockup_blocks": str(params.min_lockup_blocks), "max_lockup_blocks": str(params.max_lockup_blocks),
            "min_release_blocks": str(params.min_release_blocks),
            "malicious_slash_bps": params.malicious_slash_bps, "fault_slash_bps": params.fault_slash_bps,
            "ban_blocks": str(params.ban_blocks)}
    return {"params": data}, [f"{k}: {v}" for k, v in data.items()]


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `tx staking` and `q staking`."""
    tx_group.add_command(staking_tx)
    query_group.add_command(staking_query)



# The key parsers lived here before hosts_cmd; they stay importable from here.
__all__ = ["register", "staking_tx", "staking_query", "home_consensus_pubkey", "parse_consensus_pubkey",
           "parse_worker_pubkey"]
