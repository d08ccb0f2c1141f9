"""Write-back cache layers: one per block, branched per transaction for snapshot/revert."""

from __future__ import annotations

from typing import Iterator

from chain.store.kv import ReadOnlyStore


class CacheStore:
    """Buffers writes over a parent store. `write()` pushes them down; dropping the object reverts.

    A deleted key is recorded as None so it shadows the parent's value.
    """

    def __init__(self, parent: ReadOnlyStore):
        self.parent = parent
        self.writes: dict[bytes, bytes | None] = {}

    def get(self, key: bytes) -> bytes | None:
        if key in self.writes:
            return self.writes[key]
        return self.parent.get(key)

    def set(self, key: bytes, value: bytes) -> None:
        if not isinstance(key, bytes) or not isinstance(value, bytes):
            raise TypeError("store keys and values must be bytes")
        self.writes[key] = value

    def delete(self, key: bytes) -> None:
        self.writes[key] = None

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Merge the parent's entries with buffered writes, ascending by key."""
        merged = dict(self.parent.iterate(prefix))
        for key in sorted(k for k in self.writes if k.startswith(prefix)):
            value = self.writes[key]
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        for key in sorted(merged):
            yield key, merged[key]

    def branch(self) -> "CacheStore":
        return CacheStore(self)

    def write(self) -> None:
        """Apply buffered writes to the parent (which must be a CacheStore) and clear them."""
        parent_writes = self.parent.writes  # type: ignore[attr-defined]
        parent_writes.update(self.writes)
        self.writes = {}

    def sorted_writes(self) -> list[tuple[bytes, bytes | None]]:
        return sorted(self.writes.items())
