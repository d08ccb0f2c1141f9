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
        try:
            address = decode_address(entry["address"])
        except (KeyError, AddressError) as err:
            raise ErrInvalidRequest(f"bank genesis: bad balance entry: {err}") from err
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
