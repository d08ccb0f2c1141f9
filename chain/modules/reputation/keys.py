"""reputation store layout (prefixes 0x60-0x67; one-byte prefixes are global across modules)."""

from __future__ import annotations

PARAMS_KEY = b"\x60"  # key: 0x60 | value: sprint.reputation.v1.Params
HOST_PREFIX = b"\x61"  # key: 0x61 | operator(20) | value: sprint.reputation.v1.HostReputation (no derived fields)
REQUESTS_PREFIX = b"\x62"  # key: 0x62 | epoch (8, big-endian) | value: request count, 8 bytes big-endian


def host_key(operator: bytes) -> bytes:
    return HOST_PREFIX + operator


def requests_key(epoch: int) -> bytes:
    return REQUESTS_PREFIX + epoch.to_bytes(8, "big")


PREFIXES = (PARAMS_KEY, HOST_PREFIX, REQUESTS_PREFIX)


def split_host_key(key: bytes) -> bytes:
    """The operator of a host record key."""
    return key[len(HOST_PREFIX):]
