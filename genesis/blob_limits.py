"""BlobLimits: what the node's blob service accepts and how hard it tries peers (app.toml [blobs])."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

GIB = 1024 * 1024 * 1024


def disk_free_bytes(path: Path) -> int:
    """Free bytes (for unprivileged writers) on the filesystem holding `path` or its nearest parent."""
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


@dataclass(frozen=True)
class BlobLimits:
    """Put admission and peer-fetch limits. Defaults suit a node whose blob dir shares the disk with
    the chain database: blobs never take the last `min_free_bytes` of it."""

    # Put: who may upload (an account needs this much of the fee denom unless it is a host).
    min_uploader_balance: int = 1_000_000
    # How far ahead a signed auth may expire (seconds); limits replay of a leaked auth.
    max_auth_ttl_seconds: int = 3600
    # Bytes one uploader may have stored through Put (charged once per new blob).
    per_uploader_bytes: int = 2 * GIB
    # Bytes all uploaders together may have stored through Put.
    total_bytes: int = 32 * GIB
    # Refuse a Put (or a peer fetch) that would leave less free disk than this.
    min_free_bytes: int = 4 * GIB
    # Puts being written at once; more are refused with RESOURCE_EXHAUSTED.
    max_concurrent_puts: int = 4
    # Get of a blob missing locally: per-peer timeout, total budget, concurrent fetches.
    peer_timeout_seconds: float = 3.0
    fetch_budget_seconds: float = 8.0
    max_concurrent_fetches: int = 4
    # A failing peer is skipped for backoff_base * 2^(failures-1) seconds, at most backoff_max.
    peer_backoff_base_seconds: float = 2.0
    peer_backoff_max_seconds: float = 300.0
    # Injectable for tests: free bytes on the blob dir's filesystem.
    disk_free: Callable[[Path], int] = disk_free_bytes
