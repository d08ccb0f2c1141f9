"""Content-addressed blob files: <root>/<first 2 hex>/<sha256>, written atomically.

A blob is named by the lower-case hex sha256 of its bytes. Writes go to a temp file in the same
directory, are hashed while written, fsynced, then renamed into place, so a reader never sees a
partial blob and a crash leaves at most a stray `.tmp-*` file.
Not consensus state: each node keeps its own.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator

DEFAULT_MAX_BLOB_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
BLOBS_DIR = "data/blobs"
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


class BlobError(ValueError):
    """Bad blob input (name, size or content); the message says what and how to fix it."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_sha256(name: str) -> str:
    """`name` if it is 64 lower-case hex characters, else BlobError."""
    if not isinstance(name, str) or not _SHA256_RE.fullmatch(name):
        raise BlobError(f"invalid blob name {str(name)[:80]!r}: expected the 64-character lower-case hex sha256")
    return name


class BlobWriter:
    """Streams one blob into the store; `commit()` verifies the hash and size, then publishes it."""

    def __init__(self, store: "BlobStore", sha256: str, size: int):
        check_sha256(sha256)
        if size > store.max_bytes:
            raise BlobError(f"blob of {size} bytes exceeds the node's limit of {store.max_bytes} bytes")
        self.store, self.sha256, self.size = store, sha256, size
        self.written = 0
        self._hash = hashlib.sha256()
        directory = store.path(sha256).parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".tmp-", dir=directory)
        self._file, self._tmp = os.fdopen(fd, "wb"), Path(name)

    def write(self, chunk: bytes) -> None:
        self.written += len(chunk)
        if self.written > self.size:
            self.abort()
            raise BlobError(f"blob {self.sha256[:16]}... has more bytes than the declared size {self.size}")
        self._hash.update(chunk)
        self._file.write(chunk)

    def commit(self) -> bool:
        """Publish the blob; True when newly stored, False when the store already had it."""
        try:
            if self.written != self.size:
                raise BlobError(f"blob {self.sha256[:16]}... has {self.written} bytes, not the declared {self.size}")
            actual = self._hash.hexdigest()
            if actual != self.sha256:
                raise BlobError(f"blob bytes hash to {actual}, not the declared {self.sha256}")
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            target = self.store.path(self.sha256)
            if target.exists():
                self._tmp.unlink(missing_ok=True)
                return False
            os.replace(self._tmp, target)
            _fsync_dir(target.parent)
            return True
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._tmp.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobStore:
    """Blobs under `root` (a node's is <home>/data/blobs), each at most `max_bytes`."""

    def __init__(self, root: str | Path, max_bytes: int = DEFAULT_MAX_BLOB_BYTES):
        self.root = Path(root)
        self.max_bytes = max_bytes

    @classmethod
    def for_home(cls, home: str | Path, max_bytes: int = DEFAULT_MAX_BLOB_BYTES) -> "BlobStore":
        return cls(Path(home) / BLOBS_DIR, max_bytes)

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        """Size in bytes, or None when absent."""
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def writer(self, sha256: str, size: int) -> BlobWriter:
        return BlobWriter(self, sha256, size)

    def put(self, data: bytes, sha256: str | None = None) -> tuple[str, bool]:
        """Store `data` (checked against `sha256` when given); returns (sha256, created)."""
        name = sha256 or sha256_hex(data)
        writer = self.writer(name, len(data))
        writer.write(data)
        return name, writer.commit()

    def read(self, sha256: str) -> bytes | None:
        """The blob's bytes, or None when absent."""
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def chunks(self, sha256: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The blob in chunks (FileNotFoundError when absent; opened before the first chunk)."""
        handle = self.path(sha256).open("rb")

        def generate():
            with handle:
                while chunk := handle.read(chunk_bytes):
                    yield chunk

        return generate()

    def verify(self, sha256: str) -> bool:
        """True when the stored file still hashes to its name (False when absent or corrupt)."""
        digest = hashlib.sha256()
        try:
            for chunk in self.chunks(sha256):
                digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256


def store_blobs(home: str | Path, blobs: dict[str, bytes]) -> None:
    """Write `blobs` (sha256 -> bytes) into the node's blob store (<home>/data/blobs)."""
    store = BlobStore.for_home(home)
    for sha256, data in sorted(blobs.items()):
        store.put(data, sha256)
