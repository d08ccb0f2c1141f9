"""Bench helpers: a throwaway single-validator devnet, its signing keys, and /proc readings.

Imported as `bench._devnet` (a bench script drops bench/ from sys.path, see bench/hostile_load.py).
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_MAX_WALK_FILES = 1_000_000


@contextmanager
def throwaway_devnet(accounts: list[str], chain_id: str, amount: int = 10**15,
                     timeout_commit: str = "300ms", ready_timeout: float = 90.0) -> Iterator[tuple]:
    """Create a devnet home in a temp dir on free loopback ports, start sprintd + cometbft (no
    worker) and yield (info, DevnetProcesses, {name: SigningKey}). Stops both processes and deletes
    the home on exit, including on Ctrl-C or an exception."""
    from abci_app.devnet_runner import DevnetProcesses
    from abci_app.keyring import Keyring
    from abci_app.ports import free_port
    from genesis.devnet import create_devnet_home

    with tempfile.TemporaryDirectory(prefix="sprint-bench-") as tmp:
        info = create_devnet_home(Path(tmp) / "home", chain_id=chain_id, accounts=accounts, amount=amount,
                                  p2p_port=free_port(), rpc_port=free_port(), abci_port=free_port(),
                                  grpc_port=free_port(), timeout_commit=timeout_commit)
        keyring = Keyring(info["home"], backend="test")
        keys = {name: keyring.signing_key(name) for name in accounts}
        devnet = DevnetProcesses(info["home"])
        try:
            devnet.start(ready_timeout=ready_timeout)
            yield info, devnet, keys
        finally:
            devnet.stop()


def rss_bytes(pid: int | None) -> int | None:
    """Resident set size of a process from /proc/<pid>/status (None when it is gone)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds a process has used, from /proc/<pid>/stat (None when gone)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime
    except (OSError, ValueError, IndexError):
        return None


def dir_bytes(path: str | Path) -> int:
    """Total size of the regular files under `path` (0 when missing; stops after 1M files)."""
    total, seen = 0, 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            seen += 1
            if seen > _MAX_WALK_FILES:
                return total
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total
