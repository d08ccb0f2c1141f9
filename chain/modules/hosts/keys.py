"""hosts store layout (one-byte prefixes are global across modules)."""

from __future__ import annotations

import hashlib

HOST_PREFIX = b"\x20"  # key: 0x20 | operator address(20) | value: sprint.hosts.v1.Host
CONS_ADDR_PREFIX = b"\x21"  # key: 0x21 | consensus address(20) | value: operator address(20)
WORKER_ADDR_PREFIX = b"\x22"  # key: 0x22 | worker account address(20) | value: operator address(20)

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
