"""Write-back cache layers: one per block, branched per transaction for snapshot/revert."""

from __future__ import annotations

from typing import Iterator

from chain.errors import StoreError, TxError
from chain.gas import OutOfGas
from chain.store.kv import ReadOnlyStore

# Exceptions of the state machine itself that may come up through a parent layer (a GasStore parent
# runs out of gas): passed through as they are, never reported as store failures.
_PASS_THROUGH = (StoreError, TxError, OutOfGas)


class CacheStore:
    """Buffers writes over a parent store. `write()` pushes them down; dropping the object reverts.

    A deleted key is recorded as None so it shadows the parent's value. Any failure of a parent read
    (other than _PASS_THROUGH) is raised as StoreError, so callers can tell a broken
    backend (node-local) from a bug in the state machine (deterministic).
    """

    def __init__(self, parent: ReadOnlyStore):
        self.parent = parent
        self.writes: dict[bytes, bytes | None] = {}

    def get(self, key: bytes) -> bytes | None:
        if key in self.writes:
            return self.writes[key]
        try:
            return self.parent.get(key)
        except _PASS_THROUGH:
            raise
        except Exception as err:
            raise StoreError(f"store read failed: {type(err).__name__}: {err}") from err

    def set(self, key: bytes, value: bytes) -> None:
        if not isinstance(key, bytes) or not isinstance(value, bytes):
            raise TypeError("store keys and values must be bytes")
        self.writes[key] = value

    def delete(self, key: bytes) -> None:
        self.writes[key] = None

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Merge the parent's entries with buffered writes, ascending by key."""
        try:
            merged = dict(self.parent.iterate(prefix))
        except _PASS_THROUGH:
            raise
        except Exception as err:
            raise StoreError(f"store iteration failed: {type(err).__name__}: {err}") from err
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
