"""Coin validation and fixed-point decimals. Amounts are Python ints bounded like the SDK's Int."""

from __future__ import annotations

import re

from chain.errors import ErrInvalidCoins, ErrInvalidRequest

MAX_AMOUNT = (1 << 256) - 1
MAX_AMOUNT_DIGITS = len(str(MAX_AMOUNT))  # 78; also keeps int() clear of Python's 4300-digit limit
DENOM_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$")
DECIMAL_RE = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]{1,18})?$")


def parse_amount(text: str) -> int:
    """Parse a positive integer amount string; reject zero, negatives, junk and > 2^256-1."""
    if not is_ascii_digits(text):
        raise ErrInvalidCoins(f"invalid coin amount {str(text)[:40]!r}: must be a positive integer")
    if len(text) > MAX_AMOUNT_DIGITS:
        raise ErrInvalidCoins(f"invalid coin amount {text[:20]}...: exceeds 2^256-1")
    if len(text) > 1 and text[0] == "0":
        raise ErrInvalidCoins(f"invalid coin amount {text!r}: leading zeros")
    value = int(text)
    if value == 0:
        raise ErrInvalidCoins("invalid coin amount 0: must be positive")
    if value > MAX_AMOUNT:
        raise ErrInvalidCoins(f"invalid coin amount {text[:20]}...: exceeds 2^256-1")
    return value


def is_ascii_digits(text) -> bool:
    """True for a non-empty string of ASCII 0-9 only (str.isdigit also accepts e.g. '²' and '٥')."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


def validate_denom(denom: str) -> None:
    if not DENOM_RE.fullmatch(denom or ""):
        raise ErrInvalidCoins(f"invalid denom {denom!r}")


def parse_coins(coins) -> list[tuple[str, int]]:
    """Validate protobuf Coins: non-empty, valid denoms, positive amounts, sorted, no duplicates."""
    if not coins:
        raise ErrInvalidCoins("no coins given: amount must be non-empty")
    parsed = []
    for coin in coins:
        validate_denom(coin.denom)
        parsed.append((coin.denom, parse_amount(coin.amount)))
    denoms = [d for d, _ in parsed]
    if denoms != sorted(denoms) or len(set(denoms)) != len(denoms):
        raise ErrInvalidCoins(f"coins must be sorted by denom without duplicates, got {denoms}")
    return parsed


def format_coins(coins: list[tuple[str, int]]) -> str:
    return ",".join(f"{amount}{denom}" for denom, amount in coins)


def parse_decimal(text: str) -> tuple[int, int]:
    """Parse a non-negative decimal string into (numerator, denominator = 10^places)."""
    if not DECIMAL_RE.fullmatch(text or ""):
        raise ErrInvalidRequest(f"invalid decimal {text!r}")
    whole, _, frac = text.partition(".")
    scale = 10 ** len(frac)
    return int(whole) * scale + int(frac or "0"), scale


def ceil_mul(value: int, fraction: tuple[int, int]) -> int:
    """ceil(value * numerator / denominator) in integers."""
    numerator, denominator = fraction
    return -((-value * numerator) // denominator)
