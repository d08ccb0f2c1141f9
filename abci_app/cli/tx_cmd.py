"""`sprintd tx ...`: build, sign (keyring) and broadcast transactions through a node's gRPC endpoint.

    sprintd tx bank send FROM_KEY_OR_ADDRESS TO_ADDRESS 1000usprint [--fees 5000usprint | --gas-prices 0.025usprint]
        [--gas auto|N] [--gas-adjustment 1.3] [--memo TEXT] [--yes] [--wait] [--node HOST:PORT]
        [--chain-id ID] [--keyring-backend file|test] [--home DIR] [--output json|text]

Everything the user typed is checked locally first (amounts, addresses, gas, fees) so mistakes give
one clear sentence before any key is unlocked or any node is contacted. All fee math is integer.
"""

from __future__ import annotations

import re

import click

from abci_app.cli.common import CliError, emit, home_option, keyring_backend_option, output_option
from abci_app.cli.query_cmd import (
    check_address,
    load_node_config,
    node_errors,
    node_option,
    resolve_node,
    tx_text_lines,
)
from abci_app.client import (
    DEFAULT_DENOM,
    DEFAULT_GAS_ADJUSTMENT,
    DEFAULT_GAS_PRICE,
    NodeClient,
    TxPlan,
    broadcast_plan,
    parse_dec_coin,
    parse_decimal,
    parse_gas,
    plan_tx,
    tx_response_dict,
)
from abci_app.keyring import Keyring, KeyringError
from chain.tx.builder import msg_send

DENOM = DEFAULT_DENOM
USPRINT_PER_SPRINT = 10**6
DEFAULT_TX_TIMEOUT = 15.0
DEFAULT_WAIT_TIMEOUT = 30.0

_INT_COIN_RE = re.compile(r"(\d+)([a-zA-Z][a-zA-Z0-9/:._-]*)")
_DEC_SPRINT_RE = re.compile(r"(\d+)(?:\.(\d+))?sprint", re.IGNORECASE)


# ---------------------------------------------------------------------- argument parsing


def parse_amount(text: str, what: str = "amount", allow_zero: bool = False) -> int:
    """"1000usprint" -> 1000. Anything else (no denom, decimals, another denom) is a CliError."""
    value = (text or "").strip()
    match = _INT_COIN_RE.fullmatch(value)
    if match and match.group(2) == DENOM:
        amount = int(match.group(1))
        if amount == 0 and not allow_zero:
            raise CliError(f"{what} must be positive, got {text!r}")
        return amount
    hint = f"use a whole number of {DENOM}, e.g. 1000{DENOM} (1 SPRINT = {USPRINT_PER_SPRINT}{DENOM})"
    if value.isdigit():
        raise CliError(f"{what} {text!r} has no denom; write {value}{DENOM}")
    sprint = _DEC_SPRINT_RE.fullmatch(value)
    if sprint:
        whole, frac = sprint.group(1), sprint.group(2) or ""
        if len(frac) <= 6:
            micro = int(whole) * USPRINT_PER_SPRINT + int((frac or "0").ljust(6, "0"))
            raise CliError(f"{what} {text!r} must be given in {DENOM}: write {micro}{DENOM}")
        raise CliError(f"{what} {text!r} has more than 6 decimals; {hint}")
    if match:
        raise CliError(f"{what} {text!r} is in {match.group(2)!r}; only {DENOM} is supported: {hint}")
    raise CliError(f"invalid {what} {text!r}: {hint}")


def parse_gas_option(text: str) -> int | None:
    """--gas: None for "auto", else a positive int."""
    try:
        return parse_gas(text)
    except ValueError:
        raise CliError(f"invalid --gas {text!r}: use 'auto' or a positive integer gas limit") from None


def parse_gas_prices(text: str) -> tuple[int, int]:
    """--gas-prices "0.025usprint" -> (25, 1000)."""
    try:
        numerator, denominator, denom = parse_dec_coin(text)
    except ValueError:
        raise CliError(f"invalid --gas-prices {text!r}: use a decimal {DENOM} price, e.g. 0.025{DENOM}") from None
    if denom != DENOM:
        raise CliError(f"invalid --gas-prices {text!r}: fees are paid in {DENOM}, e.g. 0.025{DENOM}")
    return numerator, denominator


def parse_gas_adjustment(text: str) -> tuple[int, int]:
    """--gas-adjustment "1.3" -> (13, 10); must be > 0."""
    try:
        numerator, denominator = parse_decimal(text)
    except ValueError:
        raise CliError(f"invalid --gas-adjustment {text!r}: use a positive decimal, e.g. 1.3") from None
    if numerator == 0:
        raise CliError(f"invalid --gas-adjustment {text!r}: it must be positive, e.g. 1.3")
    return numerator, denominator


def format_gas_price(price: tuple[int, int]) -> str:
    numerator, denominator = price
    whole, rest = divmod(numerator, denominator)
    if rest == 0:
        return f"{whole}{DENOM}"
    digits = len(str(denominator)) - 1
    return f"{whole}.{str(rest).rjust(digits, '0').rstrip('0')}{DENOM}"


def resolve_chain_id(chain_id: str | None, home: str) -> str:
    if chain_id:
        return chain_id
    config = load_node_config(home)
    if config is None:
        raise CliError(f"--chain-id is required: there is no node config in {home} to take it from "
                       "(e.g. --chain-id sprint-devnet-1)")
    return config.chain_id


# ---------------------------------------------------------------------- the signing flow


def plan_summary(plan: TxPlan, gas_price: tuple[int, int] | None) -> list[str]:
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
    if message.type_url == "/cosmos.bank.v1beta1.MsgSend":
        from cosmos.bank.v1beta1.tx_pb2 import MsgSend

        send = MsgSend()
        send.ParseFromString(message.value)
        coins = ", ".join(f"{c.amount}{c.denom}" for c in send.amount)
        return [f"            send {coins} from {send.from_address} to {send.to_address}"]
    return []


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
            for line in plan_summary(plan, price if fee_amount is None else None):
                click.echo(line, err=True)
            try:
                confirmed = click.confirm("confirm transaction before signing and broadcasting",
                                          default=False, err=True)
            except click.exceptions.Abort:
                raise CliError("no confirmation given (input closed); pass --yes to broadcast "
                               "without asking") from None
            if not confirmed:
                raise CliError("transaction cancelled; nothing was broadcast")
        response = broadcast_plan(client, key, plan)
        if finish is not None:
            finish(client, response)
            return
        _finish(client, response, wait, wait_timeout, output)


def _finish(client: NodeClient, response, wait: bool, wait_timeout: float, output: str) -> None:
    data = tx_response_dict(response)
    if response.code != 0:
        emit(data, output, tx_text_lines(data))
        raise CliError(
            f"transaction rejected by the node (code {response.code}"
            + (f", codespace {response.codespace}" if response.codespace else "")
            + f"): {response.raw_log or 'no log'}"
        )
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
        result = committed.tx_response
        raise CliError(
            f"transaction failed in block {result.height} (code {result.code}"
            + (f", codespace {result.codespace}" if result.codespace else "")
            + f"): {result.raw_log or 'no log'}; the fee was still charged"
        )


def tx_options(func):
    """The options every `sprintd tx` command takes."""
    options = [
        node_option,
        click.option("--chain-id", default=None,
                     help="Chain id to sign for [default: chain_id in <home>/config/app.toml]."),
        click.option("--fees", default=None, metavar="AMOUNTusprint",
                     help="Fee to pay, e.g. 5000usprint [default: gas limit x --gas-prices]."),
        click.option("--gas", default="auto", show_default=True,
                     help="Gas limit, or 'auto' to simulate the tx and multiply by --gas-adjustment."),
        click.option("--gas-adjustment", default=str(DEFAULT_GAS_ADJUSTMENT), show_default=True,
                     help="Multiplier applied to the simulated gas when --gas auto."),
        click.option("--gas-prices", default=None, metavar="DECusprint",
                     help=f"Price per gas unit [default: {format_gas_price(DEFAULT_GAS_PRICE)}]."),
        click.option("--memo", default="", help="Memo stored with the tx."),
        click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation before broadcasting."),
        click.option("--wait/--no-wait", default=False, show_default=True,
                     help="Wait until the tx is committed and print its result and events."),
        click.option("--wait-timeout", type=float, default=DEFAULT_WAIT_TIMEOUT, show_default=True,
                     help="Seconds to wait with --wait."),
        keyring_backend_option,
        home_option,
        output_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


# ---------------------------------------------------------------------- commands


@click.group("tx")
def tx() -> None:
    """Sign transactions with a keyring key and broadcast them to a node."""


@tx.group("bank")
def bank_tx() -> None:
    """Token transfers."""


@bank_tx.command("send")
@click.argument("from_key_or_address")
@click.argument("to_address")
@click.argument("amount")
@tx_options
def send_cmd(from_key_or_address: str, to_address: str, amount: str, **options) -> None:
    """Send AMOUNT (e.g. 1000usprint) from a keyring key (name or address) to TO_ADDRESS."""
    check_address(to_address, "recipient address")
    value = parse_amount(amount)
    run_tx(from_key=from_key_or_address,
           messages_for=lambda sender: [msg_send(sender, to_address, value, DENOM)],
           **options)


__all__ = ["tx", "run_tx", "tx_options", "parse_amount", "parse_gas_prices", "parse_gas_adjustment",
           "parse_gas_option", "resolve_chain_id"]
