"""mint store layout (prefixes 0x90-0x94; one-byte prefixes are global across modules).

| key | value |
|---|---|
| 0x90 | sprint.mint.v1.Params |
| 0x91 u64 epoch | sprint.mint.v1.EpochKpis (a measured epoch) |
| 0x92 u64 epoch | sprint.mint.v1.EpochAccumulator (the open epoch's running measurements) |
| 0x93 u64 epoch, operator(20) | u64: user inference jobs of `operator` settled in `epoch` |
| 0x94 | u64: issuance already minted for dummy tasks, still to be held back from rewards |

Integers are 8-byte big-endian, so iterating a prefix visits ascending epochs, then operators.
"""

from __future__ import annotations

VAULT_MODULE = "community_vault"  # (1 - q) of gas fees; only governance spends it
DUMMY_MODULE = "dummy_tasks"  # requester of dummy inference jobs, funded from issuance

PARAMS_KEY = b"\x90"
KPIS_PREFIX = b"\x91"
ACCUMULATOR_PREFIX = b"\x92"
ACTIVE_PREFIX = b"\x93"
DUMMY_DEBT_KEY = b"\x94"

PREFIXES = (PARAMS_KEY, KPIS_PREFIX, ACCUMULATOR_PREFIX, ACTIVE_PREFIX, DUMMY_DEBT_KEY)


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def read_u64(raw: bytes | None) -> int:
    return int.from_bytes(raw, "big") if raw else 0


def kpis_key(epoch: int) -> bytes:
    return KPIS_PREFIX + u64(epoch)


def accumulator_key(epoch: int) -> bytes:
    return ACCUMULATOR_PREFIX + u64(epoch)


def active_prefix(epoch: int) -> bytes:
    return ACTIVE_PREFIX + u64(epoch)


def active_key(epoch: int, operator: bytes) -> bytes:
    return active_prefix(epoch) + operator


def split_active_key(key: bytes) -> bytes:
    """The operator of an active-provider key."""
    return key[len(ACTIVE_PREFIX) + 8:]


def split_kpis_key(key: bytes) -> int:
    return read_u64(key[len(KPIS_PREFIX):])
