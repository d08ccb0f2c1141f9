"""`sprintd q bank balance|balances`, `sprintd q auth account` and `sprintd tx bank send`."""

from __future__ import annotations

import base64

import click

from abci_app.cli.common import CliError
from abci_app.cli.framework import query_command, tx_command, type_url
from abci_app.cli.nodes import check_address
from abci_app.cli.txargs import DENOM, parse_amount


@click.group("bank")
def bank_query() -> None:
    """Balances."""


@query_command(bank_query, "balance", addresses={"address": "address"})
@click.argument("address")
@click.option("--denom", default=DENOM, show_default=True, help="Denomination to query.")
def balance_cmd(client, address: str, denom: str):
    """Balance of ADDRESS in one denom."""
    if not denom:
        raise CliError(f"--denom must not be empty; use --denom {DENOM}")
    amount = client.balance(address, denom)
    return {"balance": {"denom": denom, "amount": str(amount)}}, [f"{amount}{denom}"]


@query_command(bank_query, "balances", addresses={"address": "address"})
@click.argument("address")
def balances_cmd(client, address: str):
    """All balances of ADDRESS."""
    coins = client.all_balances(address)
    data = {"balances": [{"denom": denom, "amount": str(amount)} for denom, amount in coins]}
    return data, [f"{amount}{denom}" for denom, amount in coins] or ["no balances"]


@click.group("auth")
def auth_query() -> None:
    """Accounts."""


@query_command(auth_query, "account", addresses={"address": "address"},
               not_found="account {address} not found: an account exists on-chain only after it first "
                         "receives funds (or check --node)")
@click.argument("address")
def account_cmd(client, address: str):
    """Account number, sequence and public key of ADDRESS."""
    from cosmos.auth.v1beta1.auth_pb2 import BaseAccount
    from cosmos.crypto.secp256k1.keys_pb2 import PubKey

    info = client.account(address)
    if info is None:
        return None
    pub_key = None
    if info.pubkey is not None:
        pub_key = {"@type": type_url(PubKey), "key": base64.b64encode(info.pubkey).decode()}
    account = {"@type": type_url(BaseAccount), "address": address, "pub_key": pub_key,
               "account_number": str(info.account_number), "sequence": str(info.sequence)}
    lines = [f"address: {address}", f"account_number: {info.account_number}", f"sequence: {info.sequence}",
             f"pub_key: {pub_key['key'] if pub_key else '(none: no tx signed yet)'}"]
    return {"account": account}, lines


@click.group("bank")
def bank_tx() -> None:
    """Token transfers."""


@tx_command(bank_tx, "send", from_param="from_key_or_address")
@click.argument("from_key_or_address")
@click.argument("to_address")
@click.argument("amount")
def send_cmd(ctx, to_address: str, amount: str):
    """Send AMOUNT (e.g. 1000usprint) from a keyring key (name or address) to TO_ADDRESS."""
    from chain.tx.builder import msg_send

    check_address(to_address, "recipient address")
    value = parse_amount(amount)
    return lambda sender: [msg_send(sender, to_address, value, DENOM)]


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `q bank`, `q auth` and `tx bank`."""
    query_group.add_command(bank_query)
    query_group.add_command(auth_query)
    tx_group.add_command(bank_tx)
