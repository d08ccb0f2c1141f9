"""bank genesis: balances and supply; init checks the supply invariant."""

from __future__ import annotations

from chain.coins import parse_amount, validate_denom
from chain.errors import ErrInvalidRequest
from chain.modules.bank.keeper import BankKeeper, supply_invariant_violation
from chain.modules.bank.metadata import default_metadata, metadata_to_json, parse_metadata
from chain.tx.crypto import AddressError, decode_address, encode_address


def default_genesis() -> dict:
    return {"balances": [], "supply": [], "denom_metadata": [metadata_to_json(m) for m in default_metadata()]}


def _parse_coin(coin: dict) -> tuple[str, int]:
    validate_denom(coin.get("denom", ""))
    return coin["denom"], parse_amount(str(coin.get("amount", "")))


def _address(entry: dict) -> bytes:
    try:
        return decode_address(entry["address"])
    except (KeyError, AddressError) as err:
        raise ErrInvalidRequest(f"bank genesis: bad balance entry: {err}") from err


def validate_genesis(state: dict) -> None:
    """The checks init_genesis makes, without a store: denom metadata, balance addresses and coins,
    and a declared supply equal to the sum of the balances (ErrInvalidRequest otherwise)."""
    parse_metadata(state.get("denom_metadata") or [])
    totals: dict[str, int] = {}
    for entry in state.get("balances", []):
        _address(entry)
        for denom, amount in (_parse_coin(c) for c in entry.get("coins", [])):
            totals[denom] = totals.get(denom, 0) + amount
    declared = dict(_parse_coin(c) for c in state.get("supply", []))
    if declared:
        totals = {denom: amount for denom, amount in totals.items() if amount}
        for denom in sorted(set(totals) | set(declared)):
            if totals.get(denom, 0) != declared.get(denom, 0):
                raise ErrInvalidRequest(f"bank genesis: supply invariant broken for {denom}: supply "
                                        f"{declared.get(denom, 0)} != balances {totals.get(denom, 0)}")


def init_genesis(store, keeper: BankKeeper, state: dict) -> None:
    """Write balances, supply and denom metadata; an omitted supply is computed, a given one must
    match; an omitted `denom_metadata` is the usprint default (an empty list stores none)."""
    if "denom_metadata" in state:
        metadata = parse_metadata(state["denom_metadata"] or [])
    else:
        metadata = default_metadata()
    for meta in metadata:
        keeper.set_metadata(store, meta)
    for entry in state.get("balances", []):
        address = _address(entry)
        keeper.accounts.get_or_create(store, address)
        keeper.add_coins(store, address, [_parse_coin(c) for c in entry.get("coins", [])])
    declared = [_parse_coin(c) for c in state.get("supply", [])]
    if declared:
        for denom, amount in declared:
            keeper.set_supply(store, denom, amount)
    else:
        for denom, amount in sorted(keeper.total_balances(store).items()):
            keeper.set_supply(store, denom, amount)
    problem = supply_invariant_violation(keeper, store)
    if problem:
        raise ErrInvalidRequest(f"bank genesis: {problem}")


def export_genesis(store, keeper: BankKeeper) -> dict:
    by_address: dict[bytes, list] = {}
    for address, _ in keeper.accounts.iterate_accounts(store):
        coins = keeper.all_balances(store, address)
        if coins:
            by_address[address] = [{"denom": d, "amount": str(a)} for d, a in coins]
    balances = [{"address": encode_address(a), "coins": by_address[a]} for a in sorted(by_address)]
    supply = [{"denom": d, "amount": str(a)} for d, a in keeper.all_supply(store)]
    metadata = [metadata_to_json(m) for m in keeper.all_metadata(store)]
    return {"balances": balances, "supply": supply, "denom_metadata": metadata}
