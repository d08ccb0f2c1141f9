"""bank store layout."""

import hashlib

BALANCE_PREFIX = b"\x10"  # key: 0x10 | address(20) | denom(utf-8) | value: amount, decimal ASCII
SUPPLY_PREFIX = b"\x11"  # key: 0x11 | denom(utf-8) | value: amount, decimal ASCII
METADATA_PREFIX = b"\x12"  # key: 0x12 | base denom(utf-8) | value: cosmos.bank.v1beta1.Metadata

FEE_COLLECTOR = "fee_collector"


def balance_key(address: bytes, denom: str) -> bytes:
    return BALANCE_PREFIX + address + denom.encode()


def supply_key(denom: str) -> bytes:
    return SUPPLY_PREFIX + denom.encode()


def metadata_key(base_denom: str) -> bytes:
    return METADATA_PREFIX + base_denom.encode()


def module_address(name: str) -> bytes:
    """Module account address, as the Cosmos SDK derives it: sha256(name)[:20]."""
    return hashlib.sha256(name.encode()).digest()[:20]


PREFIXES = (BALANCE_PREFIX, SUPPLY_PREFIX, METADATA_PREFIX)
ADDRESS_LENGTH = 20


def balances_prefix(address: bytes) -> bytes:
    return BALANCE_PREFIX + address


def split_balance_key(key: bytes) -> tuple[bytes, str]:
    """(address, denom) of a balance key."""
    body = key[len(BALANCE_PREFIX):]
    return body[:ADDRESS_LENGTH], body[ADDRESS_LENGTH:].decode()


def split_supply_key(key: bytes) -> str:
    """The denom of a supply key."""
    return key[len(SUPPLY_PREFIX):].decode()
