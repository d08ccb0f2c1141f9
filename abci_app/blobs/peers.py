"""Fetching a blob this node lacks from other hosts' endpoints, with bounded time and threads.

Only endpoints that pass the chain's `host:port` rule are dialled, always as `dns:///host:port`
(so no endpoint can name a unix socket or another resolver). Each peer gets a short timeout and
the whole fetch a total budget; a peer that fails is skipped for an exponentially growing
backoff, so a dead or blackholed host costs one timeout, not one per Get. At most
`max_concurrent_fetches` fetches run at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Callable, Iterable

import grpc

from abci_app.blobs.client import BlobClientError, get_blob
from abci_app.blobs.limits import BlobLimits
from chain.modules.hosts.endpoint import is_valid_endpoint

log = logging.getLogger("sprint.blobs")
MAX_TRACKED_PEERS = 1024
MIN_ATTEMPT_SECONDS = 0.2


class FetchBusy(Exception):
    """Too many peer fetches are in flight."""


def dial_target(endpoint: str) -> str:
    """The gRPC target for a validated `host:port` endpoint."""
    return f"dns:///{endpoint}"


class PeerBackoff:
    """Per-endpoint failure counts and the monotonic time before which the endpoint is skipped."""

    def __init__(self, base: float, cap: float, clock: Callable[[], float] = time.monotonic):
        self.base, self.cap, self.clock = base, cap, clock
        self._lock = threading.Lock()
        self._state: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def available(self, endpoint: str) -> bool:
        with self._lock:
            state = self._state.get(endpoint)
            return state is None or self.clock() >= state[1]

    def failed(self, endpoint: str) -> None:
        with self._lock:
            failures = self._state.pop(endpoint, (0, 0.0))[0] + 1
            delay = min(self.cap, self.base * (2 ** min(failures - 1, 30)))
            self._state[endpoint] = (failures, self.clock() + delay)
            while len(self._state) > MAX_TRACKED_PEERS:
                self._state.popitem(last=False)

    def succeeded(self, endpoint: str) -> None:
        with self._lock:
            self._state.pop(endpoint, None)


class PeerFetcher:
    """fetch(name) -> bytes | None from the first peer that has blob `name`."""

    def __init__(self, peers: Callable[[], Iterable[str]], limits: BlobLimits, max_bytes: int,
                 skip: Callable[[str], bool] = lambda endpoint: False):
        self.peers, self.limits, self.max_bytes, self.skip = peers, limits, max_bytes, skip
        self.backoff = PeerBackoff(limits.peer_backoff_base_seconds, limits.peer_backoff_max_seconds)
        self._slots = threading.BoundedSemaphore(limits.max_concurrent_fetches)

    def candidates(self) -> list[str]:
        """Peers worth trying now: valid form, not this node, not backing off, each once."""
        seen, out = set(), []
        for endpoint in self.peers():
            if endpoint in seen or not is_valid_endpoint(endpoint) or not endpoint or self.skip(endpoint):
                continue
            seen.add(endpoint)
            if self.backoff.available(endpoint):
                out.append(endpoint)
        return out

    def fetch(self, name: str) -> bytes | None:
        """The verified bytes of `name` from a peer, or None when no peer had it within the budget;
        FetchBusy when all fetch slots are taken."""
        if not self._slots.acquire(timeout=0.5):
            raise FetchBusy(f"{self.limits.max_concurrent_fetches} peer fetches are already running; retry shortly")
        try:
            return self._fetch(name, time.monotonic() + self.limits.fetch_budget_seconds)
        finally:
            self._slots.release()

    def _fetch(self, name: str, deadline: float) -> bytes | None:
        for endpoint in self.candidates():
            left = deadline - time.monotonic()
            if left < MIN_ATTEMPT_SECONDS:
                log.info("blob fetch budget spent blob=%s", name[:16])
                return None
            try:
                data = get_blob(dial_target(endpoint), name, local_only=True,
                                timeout=min(self.limits.peer_timeout_seconds, left), max_bytes=self.max_bytes)
            except BlobClientError as err:
                if err.code == grpc.StatusCode.NOT_FOUND:
                    self.backoff.succeeded(endpoint)
                else:
                    self.backoff.failed(endpoint)
                    log.info("blob fetch from peer failed blob=%s peer=%s err=%s", name[:16], endpoint, err)
                continue
            self.backoff.succeeded(endpoint)
            log.info("blob fetched from peer blob=%s peer=%s size=%d", name[:16], endpoint, len(data))
            return data
        return None
