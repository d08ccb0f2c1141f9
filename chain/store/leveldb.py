"""LevelDB backend (plyvel): atomic WriteBatch commits and snapshot reads."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import plyvel


class LevelDB:
    def __init__(self, path: str | Path):
        Path(path).mkdir(parents=True, exist_ok=True)
        self._db = plyvel.DB(str(path), create_if_missing=True)

    def get(self, key: bytes) -> bytes | None:
        return self._db.get(key)

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        with self._db.iterator(prefix=prefix) as it:
            yield from it

    def write_batch(self, puts: dict[bytes, bytes | None], sync: bool = True) -> None:
        """Apply all puts (None = delete) in one atomic LevelDB WriteBatch."""
        with self._db.write_batch(sync=sync, transaction=True) as batch:
            for key, value in puts.items():
                if value is None:
                    batch.delete(key)
                else:
                    batch.put(key, value)

    def snapshot(self) -> "LevelSnapshot":
        return LevelSnapshot(self._db.snapshot())

    def close(self) -> None:
        self._db.close()


class LevelSnapshot:
    def __init__(self, snapshot):
        self._snap = snapshot

    def get(self, key: bytes) -> bytes | None:
        return self._snap.get(key)

    def iterate(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        with self._snap.iterator(prefix=prefix) as it:
            yield from it

    def close(self) -> None:
        self._snap.close()
