"""In-memory database backend for tests: same interface as the LevelDB backend."""

from __future__ import annotations

import bisect
import threading
from typing import Iterator


class MemoryDB:
    """A sorted dict with atomic batch writes and immutable snapshots."""

    def __init__(self) -> None:
        self._data: dict[bytes, bytes] = {}
        self._keys: list[bytes] = []
        self._lock = threading.Lock()

    def get(self, key: bytes) -> bytes | None:
        return self._data.get(key)

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        snapshot = self.snapshot()
        yield from snapshot.iterate(prefix)

    def write_batch(self, puts: dict[bytes, bytes | None], sync: bool = True) -> None:
        """Apply all puts (None = delete) at once."""
        with self._lock:
            data = dict(self._data)
            for key, value in puts.items():
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
            self._data = data
            self._keys = sorted(data)

    def snapshot(self) -> "MemorySnapshot":
        with self._lock:
            return MemorySnapshot(self._data, self._keys)

    def close(self) -> None:
        pass


class MemorySnapshot:
    """A frozen view: write_batch replaces the dict rather than mutating it."""

    def __init__(self, data: dict[bytes, bytes], keys: list[bytes]):
        self._data = data
        self._keys = keys

    def get(self, key: bytes) -> bytes | None:
        return self._data.get(key)

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        start = bisect.bisect_left(self._keys, prefix)
        for key in self._keys[start:]:
            if not key.startswith(prefix):
                break
            yield key, self._data[key]

    def close(self) -> None:
        pass
