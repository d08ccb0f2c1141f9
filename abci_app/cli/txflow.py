"""The signing flow every `sprintd tx` command shares: check the options, build the messages,
plan (account, gas auto, fee), confirm, sign, broadcast, optionally wait, print."""

from __future__ import annotations

import click

from abci_app.cli.common import CliError, emit
from abci_app.cli.nodes import node_errors, resolve_chain_id, resolve_node
from abci_app.cli.txargs import (
    format_gas_price,
    parse_amount,
    parse_gas_adjustment,
    parse_gas_option,
    parse_gas_prices,
)
from abci_app.client import DEFAULT_GAS_PRICE, NodeClient, TxPlan, broadcast_plan, plan_tx, tx_response_dict
from abci_app.keyring import Keyring, KeyringError

DEFAULT_TX_TIMEOUT = 15.0


def tx_text_lines(data: dict) -> list[str]:
    """Readable lines for a tx_response_dict: the main fields, then events with their attributes."""
    lines = [f"txhash: {data['txhash']}"]
    if data.get("height") not in (None, "", "0"):
        lines.append(f"height: {data['height']}")
    lines.append(f"code: {data['code']}")
    if data.get("codespace"):
        lines.append(f"codespace: {data['codespace']}")
    lines.append(f"raw_log: {data.get('raw_log', '')}")
    if data.get("gas_wanted") not in (None, "", "0") or data.get("gas_used") not in (None, "", "0"):
        lines.append(f"gas_wanted: {data.get('gas_wanted', '0')}")
        lines.append(f"gas_used: {data.get('gas_used', '0')}")
    if data.get("timestamp"):
        lines.append(f"timestamp: {data['timestamp']}")
    events = data.get("events") or []
    if events:
        lines.append("events:")
        for event in events:
            lines.append(f"  - {event['type']}")
            for attr in event.get("attributes", []):
                lines.append(f"      {attr['key']}: {attr['value']}")
    return lines


def rejected(response) -> CliError:
    """The one-line error for a tx CheckTx refused."""
    return CliError(f"transaction rejected by the node (code {response.code}"
                    + (f", codespace {response.codespace}" if response.codespace else "")
                    + f"): {response.raw_log or 'no log'}")


def failed_in_block(result, with_codespace: bool = True) -> CliError:
    """The one-line error for a committed tx whose messages failed (the fee was still charged)."""
    codespace = f", codespace {result.codespace}" if with_codespace and result.codespace else ""
    return CliError(f"transaction failed in block {result.height} (code {result.code}{codespace}): "
                    f"{result.raw_log or 'no log'}; the fee was still charged")


def committed_or_fail(client: NodeClient, response, timeout: float):
    """Wait for a broadcast tx to be committed; CliError when CheckTx or the block rejected it."""
    if response.code != 0:
        raise rejected(response)
    committed = client.wait_for_tx(response.txhash, timeout=timeout).tx_response
    if committed.code != 0:
        raise failed_in_block(committed, with_codespace=False)
    return committed


def plan_summary(plan: TxPlan, gas_price: tuple[int, int] | None) -> list[str]:
    """What is about to be signed, for the confirmation prompt."""
    lines = [f"chain-id:   {plan.chain_id}", f"signer:     {plan.signer}"]
    for message in plan.messages:
        lines.append(f"message:    {message.type_url}")
        lines.extend(_describe_message(message))
    lines.append(f"gas limit:  {plan.gas_limit}"
                 + (f" (simulated {plan.simulated_gas})" if plan.simulated_gas is not None else ""))
    fee = f"fee:        {plan.fee_amount}{plan.fee_denom}"
    if gas_price is not None:
        fee += f" (gas price {format_gas_price(gas_price)})"
    lines.append(fee)
    if plan.memo:
        lines.append(f"memo:       {plan.memo}")
    lines.append(f"account:    number {plan.account_number}, sequence {plan.sequence}")
    return lines


def _describe_message(message) -> list[str]:
    """Extra summary lines for the messages we know how to show."""
    from cosmos.bank.v1beta1.tx_pb2 import MsgSend

    if message.type_url == "/" + MsgSend.DESCRIPTOR.full_name:
        send = MsgSend.FromString(message.value)
        coins = ", ".join(f"{c.amount}{c.denom}" for c in send.amount)
        return [f"            send {coins} from {send.from_address} to {send.to_address}"]
    return []


def _confirm(plan: TxPlan, price: tuple[int, int] | None) -> None:
    for line in plan_summary(plan, price):
        click.echo(line, err=True)
    try:
        confirmed = click.confirm("confirm transaction before signing and broadcasting", default=False, err=True)
    except click.exceptions.Abort:
        raise CliError("no confirmation given (input closed); pass --yes to broadcast without asking") from None
    if not confirmed:
        raise CliError("transaction cancelled; nothing was broadcast")


def run_tx(*, home: str, keyring_backend: str, from_key: str, node: str | None, chain_id: str | None,
           messages_for, gas: str, fees: str | None, gas_prices: str | None, gas_adjustment: str,
           memo: str, yes: bool, wait: bool, wait_timeout: float, output: str, finish=None) -> None:
    """Shared body of every `sprintd tx ...` command.

    `messages_for(signer_address) -> list[Any]` builds the messages once the signer is known.
    `finish(client, broadcast_response)`, when given, replaces the default wait-and-print step.
    """
    gas_value = parse_gas_option(gas)
    if fees is not None and gas_prices is not None:
        raise CliError("use either --fees or --gas-prices, not both")
    fee_amount = parse_amount(fees, "--fees", allow_zero=True) if fees is not None else None
    price = parse_gas_prices(gas_prices) if gas_prices is not None else DEFAULT_GAS_PRICE
    adjustment = parse_gas_adjustment(gas_adjustment)
    if wait_timeout <= 0:
        raise CliError("--wait-timeout must be positive (seconds)")
    chain = resolve_chain_id(chain_id, home)
    address = resolve_node(node, home)
    try:
        keyring = Keyring(home, backend=keyring_backend)
        record = keyring.show(from_key)
    except KeyringError as err:
        raise CliError(str(err)) from None
    messages = messages_for(record.address)

    with node_errors(), NodeClient(address, timeout=DEFAULT_TX_TIMEOUT) as client:
        try:
            key = keyring.signing_key(from_key)
        except KeyringError as err:
            raise CliError(str(err)) from None
        plan = plan_tx(client, key, messages, chain, gas=gas_value if gas_value is not None else "auto",
                       fees=fee_amount, gas_adjustment=adjustment, gas_price=price, memo=memo)
        if not yes:
            _confirm(plan, price if fee_amount is None else None)
        response = broadcast_plan(client, key, plan)
        if finish is not None:
            finish(client, response)
            return
        print_result(client, response, wait, wait_timeout, output)


def print_result(client: NodeClient, response, wait: bool, wait_timeout: float, output: str) -> None:
    """Print the broadcast result; with `wait`, wait for the commit and print that instead."""
    data = tx_response_dict(response)
    if response.code != 0:
        emit(data, output, tx_text_lines(data))
        raise rejected(response)
    if not wait:
        emit(data, output, tx_text_lines(data))
        return
    if output == "text":
        click.echo(f"txhash: {response.txhash}")
        click.echo(f"waiting up to {wait_timeout:g}s for the tx to be committed...", err=True)
    committed = client.wait_for_tx(response.txhash, timeout=wait_timeout)
    final = tx_response_dict(committed.tx_response)
    if output == "text":
        emit(final, output, tx_text_lines(final)[1:])  # txhash already printed
    else:
        emit(final, output)
    if committed.tx_response.code != 0:
        raise failed_in_block(committed.tx_response)
