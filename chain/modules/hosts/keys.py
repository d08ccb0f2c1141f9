"""hosts store layout (one-byte prefixes are global across modules)."""

from __future__ import annotations

import hashlib

HOST_PREFIX = b"\x20"  # key: 0x20 | operator address(20) | value: sprint.hosts.v1.Host
CONS_ADDR_PREFIX = b"\x21"  # key: 0x21 | consensus address(20) | value: operator address(20)
WORKER_ADDR_PREFIX = b"\x22"  # key: 0x22 | worker account address(20) | value: operator address(20)
# key: 0x23 | banned_until (8, big-endian) | operator(20) | value: b"\x01" (ban expiry queue of
# BANNED hosts with banned_until > 0; maintained by HostsKeeper.set_host)
BAN_QUEUE_PREFIX = b"\x23"

CONSENSUS_PUBKEY_LENGTH = 32  # ed25519
WORKER_PUBKEY_LENGTH = 33  # compressed secp256k1


def host_key(operator: bytes) -> bytes:
    return HOST_PREFIX + operator


def consensus_address(pubkey: bytes) -> bytes:
    """CometBFT validator address of an ed25519 key: sha256(pubkey)[:20]."""
    return hashlib.sha256(pubkey).digest()[:20]


def cons_addr_key(cons_address: bytes) -> bytes:
    return CONS_ADDR_PREFIX + cons_address


def worker_addr_key(worker_address: bytes) -> bytes:
    return WORKER_ADDR_PREFIX + worker_address


def ban_key(banned_until: int, operator: bytes) -> bytes:
    return BAN_QUEUE_PREFIX + banned_until.to_bytes(8, "big") + operator


def split_ban_key(key: bytes) -> tuple[int, bytes]:
    """(banned_until, operator) of a ban queue key."""
    body = key[len(BAN_QUEUE_PREFIX):]
    return int.from_bytes(body[:8], "big"), body[8:]


PREFIXES = (HOST_PREFIX, CONS_ADDR_PREFIX, WORKER_ADDR_PREFIX, BAN_QUEUE_PREFIX)


def split_host_key(key: bytes) -> bytes:
    """The operator of a host key."""
    return key[len(HOST_PREFIX):]
