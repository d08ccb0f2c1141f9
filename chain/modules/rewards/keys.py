"""rewards store layout (prefixes 0x70-0x77; one-byte prefixes are global across modules).

Epochs and heights are 8-byte big-endian, addresses 20 raw bytes, so iterating a prefix visits
entries by ascending epoch, then ascending operator bytes.
"""

from __future__ import annotations

MODULE_NAME = "rewards"  # bank module account holding everything accrued and not yet released

PARAMS_KEY = b"\x70"  # value: sprint.rewards.v1.Params
POOL_PREFIX = b"\x71"  # 0x71 | epoch | value: sprint.rewards.v1.EpochPool
ACCRUAL_PREFIX = b"\x72"  # 0x72 | epoch | operator | value: sprint.rewards.v1.Accrual
OUTCOME_PREFIX = b"\x73"  # 0x73 | epoch | operator | value: sprint.rewards.v1.HostOutcome
BOUNTY_PREFIX = b"\x74"  # 0x74 | epoch | executor | value: be64(cap) || confirmers (20 bytes each, sorted)
SETTLED_PREFIX = b"\x75"  # 0x75 | epoch | value: b"\x01" once the epoch is settled
LAST_OUTCOME_PREFIX = b"\x76"  # 0x76 | operator | value: be64(epoch of its latest HostOutcome)
# 0x77 | epoch | operator | value: be32(basis points of the epoch's release withheld for missed
# training heartbeats, Delta_hb per miss, capped at 10^4 when applied)
HEARTBEAT_PREFIX = b"\x77"

ADDRESS_BYTES = 20


def be64(number: int) -> bytes:
    return number.to_bytes(8, "big")


def epoch_prefix(prefix: bytes, epoch: int) -> bytes:
    return prefix + be64(epoch)


def pool_key(epoch: int) -> bytes:
    return POOL_PREFIX + be64(epoch)


def accrual_key(epoch: int, operator: bytes) -> bytes:
    return ACCRUAL_PREFIX + be64(epoch) + operator


def outcome_key(epoch: int, operator: bytes) -> bytes:
    return OUTCOME_PREFIX + be64(epoch) + operator


def bounty_key(epoch: int, executor: bytes) -> bytes:
    return BOUNTY_PREFIX + be64(epoch) + executor


def settled_key(epoch: int) -> bytes:
    return SETTLED_PREFIX + be64(epoch)


def last_outcome_key(operator: bytes) -> bytes:
    return LAST_OUTCOME_PREFIX + operator


def split_epoch_operator(prefix: bytes, key: bytes) -> tuple[int, bytes]:
    """(epoch, operator) of a `prefix | epoch | operator` key."""
    rest = key[len(prefix):]
    return int.from_bytes(rest[:8], "big"), rest[8:]


def encode_bounty(cap: int, confirmers: list[bytes]) -> bytes:
    return be64(cap) + b"".join(confirmers)


def decode_bounty(raw: bytes) -> tuple[int, list[bytes]]:
    cap, rest = int.from_bytes(raw[:8], "big"), raw[8:]
    return cap, [rest[i:i + ADDRESS_BYTES] for i in range(0, len(rest), ADDRESS_BYTES)]


PREFIXES = (PARAMS_KEY, POOL_PREFIX, ACCRUAL_PREFIX, OUTCOME_PREFIX, BOUNTY_PREFIX, SETTLED_PREFIX,
            LAST_OUTCOME_PREFIX, HEARTBEAT_PREFIX)


def heartbeat_key(epoch: int, operator: bytes) -> bytes:
    return HEARTBEAT_PREFIX + be64(epoch) + operator


def after(prefix: bytes, key: bytes) -> bytes:
    """The rest of `key` after `prefix` (one of the prefixes built above), e.g. the operator of a
    per-epoch key."""
    return key[len(prefix):]
