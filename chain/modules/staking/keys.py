"""staking store layout (prefixes 0x40-0x4f; one-byte prefixes are global across modules)."""

from __future__ import annotations

MODULE_NAME = "staking"  # bank module account holding every bonded and unbonding coin

PARAMS_KEY = b"\x40"  # key: 0x40 | value: sprint.staking.v1.Params
BOND_PREFIX = b"\x41"  # key: 0x41 | operator(20) | value: bonded amount, decimal ASCII
# key: 0x42 | completion height (8, big-endian) | operator(20) | value: sprint.staking.v1.UnbondingEntry
# Iterating the prefix visits entries by completion height, then operator bytes: the release order.
UNBONDING_QUEUE_PREFIX = b"\x42"
# key: 0x43 | operator(20) | completion height (8, big-endian) | value: b"\x01" (per-operator index)
UNBONDING_BY_OPERATOR_PREFIX = b"\x43"
# key: 0x44 | unlock height (8, big-endian) | operator(20) | value: locked amount, decimal ASCII
# (newly staked collateral that cannot be unstaked before that height; pruned once it is reached)
LOCK_QUEUE_PREFIX = b"\x44"
# key: 0x45 | operator(20) | unlock height (8, big-endian) | value: b"\x01" (per-operator index)
LOCK_BY_OPERATOR_PREFIX = b"\x45"
# key: 0x46 | operator(20) | job id (8, big-endian) | value: amount, decimal ASCII (collateral a
# training job holds locked until it finishes; it cannot be unstaked, docs/training.md §11)
JOB_COLLATERAL_PREFIX = b"\x46"

HEIGHT_BYTES = 8


def bond_key(operator: bytes) -> bytes:
    return BOND_PREFIX + operator


def encode_height(height: int) -> bytes:
    return height.to_bytes(HEIGHT_BYTES, "big")


def queue_key(completion_height: int, operator: bytes) -> bytes:
    return UNBONDING_QUEUE_PREFIX + encode_height(completion_height) + operator


def operator_index_key(operator: bytes, completion_height: int) -> bytes:
    return UNBONDING_BY_OPERATOR_PREFIX + operator + encode_height(completion_height)


def split_queue_key(key: bytes) -> tuple[int, bytes]:
    """(completion height, operator) of a queue key."""
    body = key[len(UNBONDING_QUEUE_PREFIX):]
    return int.from_bytes(body[:HEIGHT_BYTES], "big"), body[HEIGHT_BYTES:]


def lock_key(unlock_height: int, operator: bytes) -> bytes:
    return LOCK_QUEUE_PREFIX + encode_height(unlock_height) + operator


def lock_index_key(operator: bytes, unlock_height: int) -> bytes:
    return LOCK_BY_OPERATOR_PREFIX + operator + encode_height(unlock_height)


PREFIXES = (PARAMS_KEY, BOND_PREFIX, UNBONDING_QUEUE_PREFIX, UNBONDING_BY_OPERATOR_PREFIX, LOCK_QUEUE_PREFIX,
            LOCK_BY_OPERATOR_PREFIX, JOB_COLLATERAL_PREFIX)


def job_collateral_prefix(operator: bytes) -> bytes:
    return JOB_COLLATERAL_PREFIX + operator


def job_collateral_key(operator: bytes, job_id: int) -> bytes:
    return job_collateral_prefix(operator) + job_id.to_bytes(8, "big")


def split_bond_key(key: bytes) -> bytes:
    """The operator of a bond key."""
    return key[len(BOND_PREFIX):]


def split_lock_key(key: bytes) -> tuple[int, bytes]:
    """(unlock height, operator) of a lock-queue key."""
    body = key[len(LOCK_QUEUE_PREFIX):]
    return int.from_bytes(body[:HEIGHT_BYTES], "big"), body[HEIGHT_BYTES:]


def lock_index_prefix(operator: bytes) -> bytes:
    return LOCK_BY_OPERATOR_PREFIX + operator


def operator_index_prefix(operator: bytes) -> bytes:
    return UNBONDING_BY_OPERATOR_PREFIX + operator


def split_height_suffix(key: bytes) -> int:
    """The height that ends a per-operator index key (lock or unbonding index)."""
    return int.from_bytes(key[-HEIGHT_BYTES:], "big")
