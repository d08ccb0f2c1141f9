"""The key-value store protocol every state backend and cache layer implements."""

from __future__ import annotations

from typing import Iterator, Protocol


class KVStore(Protocol):
    """Byte keys to byte values; iteration is always in ascending key order."""

    def get(self, key: bytes) -> bytes | None: ...

    def set(self, key: bytes, value: bytes) -> None: ...

    def delete(self, key: bytes) -> None: ...

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]: ...


class ReadOnlyStore(Protocol):
    def get(self, key: bytes) -> bytes | None: ...

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]: ...


def prefix_end(prefix: bytes) -> bytes | None:
    """Smallest key greater than every key that starts with `prefix` (None: no upper bound)."""
    ba = bytearray(prefix)
    while ba and ba[-1] == 0xFF:
        ba.pop()
    if not ba:
        return None
    ba[-1] += 1
    return bytes(ba)
