"""Caps on open server streams, per client (peer IP) and in total.

Used from the gRPC event loop only (acquire and release run on that one thread), so plain counters
suffice; a lock keeps it correct if a caller ever uses it from several threads.
"""

from __future__ import annotations

import threading


def peer_host(peer: str) -> str:
    """The client's host from a gRPC peer string: "ipv4:1.2.3.4:5" -> "1.2.3.4",
    "ipv6:[::1]:5" -> "::1"; anything else (e.g. "unix:/path") is returned whole."""
    kind, _, rest = (peer or "").partition(":")
    if kind == "ipv4":
        return rest.rpartition(":")[0] or rest
    if kind == "ipv6":
        host = rest.rpartition(":")[0] or rest
        return host.strip("[]")
    return peer or "unknown"


class StreamLimiter:
    """Counts open streams; `acquire` answers None when a slot was taken, else why not."""

    def __init__(self, per_client: int, total: int):
        if per_client < 1 or total < 1:
            raise ValueError("stream caps must be >= 1")
        self.per_client = per_client
        self.total = total
        self._open: dict[str, int] = {}
        self._count = 0
        self.refused = 0  # streams refused since start (a metric)
        self._lock = threading.Lock()

    @property
    def open_streams(self) -> int:
        return self._count

    def acquire(self, client: str) -> str | None:
        """Take a slot for `client`; None on success, else the refusal message."""
        with self._lock:
            if self._count >= self.total:
                self.refused += 1
                return (f"too many open block streams on this node ({self.total}); "
                        "close unused streams or retry later")
            held = self._open.get(client, 0)
            if held >= self.per_client:
                self.refused += 1
                return (f"too many open block streams from {client} ({self.per_client} per client); "
                        "reuse one stream per process")
            self._open[client] = held + 1
            self._count += 1
            return None

    def release(self, client: str) -> None:
        """Give back a slot taken by `acquire`."""
        with self._lock:
            held = self._open.get(client, 0)
            if held <= 1:
                self._open.pop(client, None)
            else:
                self._open[client] = held - 1
            if held:
                self._count -= 1
