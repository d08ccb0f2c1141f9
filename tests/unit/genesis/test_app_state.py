"""genesis.app_state: the app_state InitChain consumes is built deterministically and validated."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chain.tx.crypto import decode_address, encode_address
from genesis.app_state import GenesisError, build_app_state, validate_app_state


def addr(i: int) -> str:
    return encode_address(bytes([i]) * 20)


def test_accounts_numbered_in_given_order_and_balances_sorted_by_address_bytes():
    funded = [(addr(9), 5), (addr(3), 7), (addr(200), 11)]

    state = build_app_state(funded)

    accounts = state["auth"]["accounts"]
    assert [a["address"] for a in accounts] == [addr(9), addr(3), addr(200)]
    assert [a["account_number"] for a in accounts] == ["0", "1", "2"]
    assert all(a["sequence"] == "0" for a in accounts)
    balances = state["bank"]["balances"]
    assert [decode_address(b["address"]) for b in balances] == sorted(
        decode_address(a) for a, _ in funded
    )
    assert {b["address"]: b["coins"] for b in balances}[addr(3)] == [{"denom": "usprint", "amount": "7"}]
    assert state["bank"]["supply"] == [{"denom": "usprint", "amount": "23"}]


def test_build_is_deterministic_and_json_serialisable():
    funded = [(addr(i), 10**12) for i in (4, 1, 7, 2)]

    first = json.dumps(build_app_state(funded), sort_keys=True)
    second = json.dumps(build_app_state(list(funded)), sort_keys=True)

    assert first == second


def test_empty_and_zero_amount_accounts():
    assert build_app_state([]) == {"auth": {"accounts": []}, "bank": {"balances": [], "supply": []}}

    state = build_app_state([(addr(1), 0), (addr(2), 3)])

    assert len(state["auth"]["accounts"]) == 2
    assert [b["address"] for b in state["bank"]["balances"]] == [addr(2)]
    assert state["bank"]["supply"] == [{"denom": "usprint", "amount": "3"}]


@pytest.mark.parametrize(
    "funded, message",
    [
        ([(addr(1), 1), (addr(1), 2)], "twice"),
        ([("cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a", 1)], "prefix"),
        ([("sprint1notanaddress", 1)], "bech32"),
        ([(addr(1), -1)], "non-negative"),
        ([(addr(1), 1.5)], "non-negative"),
    ],
)
def test_build_rejects_bad_input(funded, message):
    with pytest.raises(GenesisError, match=message):
        build_app_state(funded)


def _valid_state():
    return build_app_state([(addr(1), 100), (addr(2), 200), (addr(3), 300)])


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda s: s["bank"]["supply"][0].update(amount="599"), "does not equal"),
        (lambda s: s["bank"].update(supply=[]), "does not equal"),
        (lambda s: s["bank"]["balances"].reverse(), "sorted"),
        (lambda s: s["auth"]["accounts"].pop(), "no auth account"),
        (lambda s: s["auth"]["accounts"][1].update(account_number="0"), "used twice"),
        (lambda s: s["bank"]["balances"][0]["coins"][0].update(amount="0100"), "leading zeros"),
        (lambda s: s["bank"]["balances"][0]["coins"][0].update(amount="-1"), "decimal string"),
        (lambda s: s["bank"]["balances"][0]["coins"][0].update(amount=100), "decimal string"),
        (lambda s: s["bank"]["balances"][0].update(coins=[]), "non-empty"),
        (lambda s: s["auth"]["accounts"][0].update(address="sprint1xyz"), "bech32"),
    ],
)
def test_validate_rejects_inconsistent_state(mutate, message):
    state = _valid_state()
    validate_app_state(copy.deepcopy(state))  # the unmodified state passes
    mutate(state)

    with pytest.raises(GenesisError, match=message):
        validate_app_state(state)


def test_validate_accepts_multiple_denoms_sorted():
    state = _valid_state()
    state["bank"]["balances"][0]["coins"].insert(0, {"denom": "uatom", "amount": "5"})
    state["bank"]["supply"].insert(0, {"denom": "uatom", "amount": "5"})

    validate_app_state(state)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.binary(min_size=20, max_size=20), st.integers(0, 10**30), max_size=12))
def test_supply_is_sum_of_balances(amounts):
    funded = [(encode_address(raw), amount) for raw, amount in amounts.items()]

    state = build_app_state(funded)

    total = sum(amounts.values())
    assert state["bank"]["supply"] == ([{"denom": "usprint", "amount": str(total)}] if total else [])
    assert [a["account_number"] for a in state["auth"]["accounts"]] == [str(i) for i in range(len(funded))]
    validate_app_state(state)
