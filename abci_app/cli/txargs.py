"""Parsing what a user types into a tx command (amounts, gas, fees) and the options every
`sprintd tx` command takes. All fee math is integer; mistakes are one CliError sentence."""

from __future__ import annotations

import re

import click

from abci_app.cli.common import CliError, home_option, keyring_backend_option, output_option
from abci_app.cli.nodes import node_option
from abci_app.client import DEFAULT_GAS_ADJUSTMENT, DEFAULT_GAS_PRICE, parse_dec_coin, parse_decimal, parse_gas
from chain.modules.bank.metadata import BASE_DENOM, DISPLAY_EXPONENT

DENOM = BASE_DENOM
USPRINT_PER_SPRINT = 10**DISPLAY_EXPONENT
DEFAULT_WAIT_TIMEOUT = 30.0

_INT_COIN_RE = re.compile(r"(\d+)([a-zA-Z][a-zA-Z0-9/:._-]*)")
_DEC_SPRINT_RE = re.compile(r"(\d+)(?:\.(\d+))?sprint", re.IGNORECASE)


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
        if len(frac) <= DISPLAY_EXPONENT:
            micro = int(whole) * USPRINT_PER_SPRINT + int((frac or "0").ljust(DISPLAY_EXPONENT, "0"))
            raise CliError(f"{what} {text!r} must be given in {DENOM}: write {micro}{DENOM}")
        raise CliError(f"{what} {text!r} has more than {DISPLAY_EXPONENT} decimals; {hint}")
    if match:
        raise CliError(f"{what} {text!r} is in {match.group(2)!r}; only {DENOM} is supported: {hint}")
    raise CliError(f"invalid {what} {text!r}: {hint}")


def parse_optional_amount(text: str | None, what: str) -> int | None:
    """None, a bare positive integer (taken as usprint) or an amount like 100usprint."""
    if text is None:
        return None
    return int(text) if text.isdigit() and int(text) > 0 else parse_amount(text, what)


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
    """(25, 1000) -> "0.025usprint"."""
    numerator, denominator = price
    whole, rest = divmod(numerator, denominator)
    if rest == 0:
        return f"{whole}{DENOM}"
    digits = len(str(denominator)) - 1
    return f"{whole}.{str(rest).rjust(digits, '0').rstrip('0')}{DENOM}"


def from_option(help_text: str):
    """The --from KEY option (a keyring key name or address) with command-specific help."""
    return click.option("--from", "from_key", required=True, metavar="KEY", help=help_text)


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
