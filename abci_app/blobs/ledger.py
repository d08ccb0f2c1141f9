"""UploadLedger: bytes stored through Put per uploader, in one small JSON file in the blob dir.

    {"version": 1, "uploaders": {"sprint1…": 1234, …}}

Crash safety: a Put reserves its bytes (file rewritten atomically: temp file, fsync, rename, fsync
dir) before writing the blob and gives them back only if the blob is not stored. A crash between
the two leaves the uploader charged for bytes it may not have: quotas err on the safe side. An
operator resets every quota by deleting the file while the node is stopped.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

LEDGER_FILE = "uploads.json"


class QuotaError(Exception):
    """A reservation would exceed a quota; the message says which."""


class UploadLedger:
    """Per-uploader stored bytes with a total, persisted at `path`. Thread-safe."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._uploaders: dict[str, int] = self._load()

    def _load(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            raise RuntimeError(f"blob upload ledger {self.path} is unreadable ({err}); fix or delete it "
                               "(deleting resets every uploader's quota)") from err
        uploaders = data.get("uploaders") if isinstance(data, dict) else None
        if not isinstance(uploaders, dict) or not all(isinstance(v, int) and v >= 0 for v in uploaders.values()):
            raise RuntimeError(f"blob upload ledger {self.path} is malformed; fix or delete it")
        return dict(uploaders)

    def used(self, uploader: str) -> int:
        with self._lock:
            return self._uploaders.get(uploader, 0)

    def total(self) -> int:
        with self._lock:
            return sum(self._uploaders.values())

    def reserve(self, uploader: str, size: int, per_uploader: int, total: int) -> None:
        """Charge `size` bytes to `uploader` (persisted before returning); QuotaError when the
        uploader's or the node's total would exceed its limit."""
        with self._lock:
            used, all_used = self._uploaders.get(uploader, 0), sum(self._uploaders.values())
            if used + size > per_uploader:
                raise QuotaError(f"uploader {uploader} has {used} bytes stored; {size} more would exceed its "
                                 f"quota of {per_uploader} bytes")
            if all_used + size > total:
                raise QuotaError(f"the node's blob quota of {total} bytes is used ({all_used} stored); "
                                 f"cannot take {size} more")
            self._uploaders[uploader] = used + size
            self._save()

    def release(self, uploader: str, size: int) -> None:
        """Give back a reservation whose blob was not stored."""
        with self._lock:
            left = max(0, self._uploaders.get(uploader, 0) - size)
            if left:
                self._uploaders[uploader] = left
            else:
                self._uploaders.pop(uploader, None)
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"version": 1, "uploaders": dict(sorted(self._uploaders.items()))}).encode()
        fd, tmp = tempfile.mkstemp(prefix=".tmp-ledger-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
