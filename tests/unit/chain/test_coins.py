"""Coin amounts, denoms, coin lists and fixed-point decimals (chain/coins.py)."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import pytest
from cosmos.base.v1beta1.coin_pb2 import Coin
from hypothesis import given, settings
from hypothesis import strategies as st

from chain.coins import (
    MAX_AMOUNT, ceil_mul, format_coins, parse_amount, parse_coins, parse_decimal, validate_denom,
)
from chain.errors import ErrInvalidCoins, ErrInvalidRequest, TxError


@pytest.mark.parametrize("text,value", [
    ("1", 1), ("42", 42), ("1000000", 1_000_000), (str(MAX_AMOUNT), MAX_AMOUNT),
])
def test_parse_amount_accepts_positive_canonical_integers(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", [
    "0", "00", "007", "01", "-5", "-0", "+5", " 5", "5 ", "", "1.5", "1e3", "0x10", "five", "1_000",
    str(MAX_AMOUNT + 1), str(2**256), "9" * 100,
    "²", "١٢", "５",  # unicode digits: isdigit() but not ASCII
])
def test_parse_amount_rejects_zero_negative_junk_and_overflow_with_code_10(text):
    with pytest.raises(ErrInvalidCoins) as err:
        parse_amount(text)
    assert err.value.code == 10
    assert "amount" in err.value.log


@pytest.mark.parametrize("digits", [4301, 5000, 20000])
def test_parse_amount_rejects_very_long_numbers_as_a_tx_error_not_a_crash(digits):
    """int() of > 4300 digits raises ValueError (Python 3.11 int_max_str_digits), which would escape
    decode_tx/process_proposal/finalize_block: the length must be checked before converting."""
    with pytest.raises(ErrInvalidCoins):
        parse_amount("1" * digits)


def test_parse_amount_rejects_non_strings():
    with pytest.raises(ErrInvalidCoins):
        parse_amount(5)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=MAX_AMOUNT))
def test_parse_amount_round_trips_every_valid_amount(value):
    assert parse_amount(str(value)) == value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=90))
def test_parse_amount_only_ever_raises_tx_errors(text):
    try:
        value = parse_amount(text)
    except TxError:
        return
    assert 1 <= value <= MAX_AMOUNT and str(value) == text


@pytest.mark.parametrize("denom", ["usprint", "abc", "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CE", "a" * 128,
                                   "Upper", "x:y.z_w-1"])
def test_valid_denoms(denom):
    validate_denom(denom)


@pytest.mark.parametrize("denom", ["", "ab", "1abc", "/abc", "a" * 129, "us print", "usprint!", "üsprint",
                                   "usprint\n", "-abc"])
def test_invalid_denoms(denom):
    with pytest.raises(ErrInvalidCoins):
        validate_denom(denom)


def coins(*pairs):
    return [Coin(denom=d, amount=a) for d, a in pairs]


def test_parse_coins_accepts_sorted_unique_list():
    assert parse_coins(coins(("aaa", "1"), ("usprint", "20"))) == [("aaa", 1), ("usprint", 20)]


@pytest.mark.parametrize("given_coins", [
    [],
    coins(("usprint", "0")),
    coins(("usprint", "-5")),
    coins(("usprint", str(2**256))),
    coins(("usprint", "1"), ("aaa", "1")),  # unsorted
    coins(("usprint", "1"), ("usprint", "2")),  # duplicate
    coins(("u", "1")),  # bad denom
])
def test_parse_coins_rejects_bad_lists(given_coins):
    with pytest.raises(ErrInvalidCoins):
        parse_coins(given_coins)


def test_format_coins():
    assert format_coins([("usprint", 5), ("zzz", 7)]) == "5usprint,7zzz"
    assert format_coins([]) == ""


@pytest.mark.parametrize("text,expected", [
    ("0", (0, 1)), ("1", (1, 1)), ("0.025", (25, 1000)), ("10.5", (105, 10)),
    ("0.000000000000000001", (1, 10**18)), ("123", (123, 1)),
])
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "-1", "01", "00.1", ".5", "5.", "1.0000000000000000001", "1e-3",
                                  "0,025", " 1", "NaN", "inf", "١", "0.025\n"])
def test_parse_decimal_rejects(text):
    with pytest.raises(ErrInvalidRequest):
        parse_decimal(text)


@pytest.mark.parametrize("value,fraction,expected", [
    (200_000, (25, 1000), 5000), (1, (25, 1000), 1), (0, (25, 1000), 0), (39, (25, 1000), 1),
    (40, (25, 1000), 1), (41, (25, 1000), 2), (7, (1, 1), 7), (10**30, (1, 3), 333333333333333333333333333334),
])
def test_ceil_mul(value, fraction, expected):
    assert ceil_mul(value, fraction) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**40), st.integers(0, 10**20), st.integers(1, 10**20))
def test_ceil_mul_is_the_integer_ceiling(value, numerator, denominator):
    result = ceil_mul(value, (numerator, denominator))
    assert result * denominator >= value * numerator
    assert (result - 1) * denominator < value * numerator
