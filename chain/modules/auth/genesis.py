"""auth genesis: default, validate, init, export (export -> init round-trips)."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.auth.v1beta1.auth_pb2 import BaseAccount
from google.protobuf import json_format
from sprint.auth.v1.auth_pb2 import Params

from chain.errors import ErrInvalidRequest
from chain.modules.auth.keeper import AccountKeeper
from chain.modules.auth.params import default_params, validate_params
from chain.tx.crypto import AddressError, decode_address, encode_address


def default_genesis() -> dict:
    return {"params": json_format.MessageToDict(default_params(), preserving_proto_field_name=True), "accounts": []}


def parse_params(data: dict | None) -> Params:
    params = default_params()
    if data:
        try:
            json_format.ParseDict(data, params)
        except json_format.ParseError as err:
            raise ErrInvalidRequest(f"auth genesis params: {err}") from err
    validate_params(params)
    return params


def validate_genesis(state: dict) -> list[tuple[bytes, int, int]]:
    """Return (address, account_number, sequence) rows, raising on duplicates or bad addresses."""
    rows, seen_addr, seen_num = [], set(), set()
    for position, entry in enumerate(state.get("accounts", [])):
        try:
            address = decode_address(entry["address"])
        except (KeyError, AddressError) as err:
            raise ErrInvalidRequest(f"auth genesis: bad account {entry!r}: {err}") from err
        number, sequence = int(entry.get("account_number", position)), int(entry.get("sequence", 0))
        if address in seen_addr or number in seen_num:
            raise ErrInvalidRequest(f"auth genesis: duplicate account {entry['address']} / number {number}")
        seen_addr.add(address)
        seen_num.add(number)
        rows.append((address, number, sequence))
    return rows


def init_genesis(store, keeper: AccountKeeper, state: dict) -> None:
    keeper.set_params(store, parse_params(state.get("params")))
    rows = validate_genesis(state)
    for address, number, sequence in rows:
        account = BaseAccount(address=encode_address(address), account_number=number, sequence=sequence)
        keeper.set_account(store, account, address)
    keeper.set_next_account_number(store, max((r[1] for r in rows), default=-1) + 1)


def export_genesis(store, keeper: AccountKeeper) -> dict:
    accounts = [
        {"address": acc.address, "account_number": str(acc.account_number), "sequence": str(acc.sequence)}
        for _, acc in keeper.iterate_accounts(store)
    ]
    params = json_format.MessageToDict(keeper.get_params(store), preserving_proto_field_name=True)
    return {"params": params, "accounts": accounts}
