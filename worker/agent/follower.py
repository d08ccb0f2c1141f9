"""Follows committed blocks through the node's server-streaming subscription (no polling)."""

from __future__ import annotations

import logging
import threading

from abci_app.client import NodeClient, NodeError

log = logging.getLogger("sprint.worker.follower")

RESUBSCRIBE_SECONDS = 0.5


class BlockFollower(threading.Thread):
    """Background thread keeping `latest` = newest committed height pushed by the node."""

    def __init__(self, grpc_address: str):
        super().__init__(name="block-follower", daemon=True)
        self.client = NodeClient(grpc_address, timeout=10)
        self.latest = 0
        self._cond = threading.Condition()
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                for block in self.client.subscribe_blocks(self.latest + 1):
                    with self._cond:
                        self.latest = block.height
                        self._cond.notify_all()
                    if self._stopped.is_set():
                        return
            except NodeError as err:
                if self._stopped.is_set():
                    return
                log.warning("block subscription broke (%s); resubscribing", err)
                self._stopped.wait(RESUBSCRIBE_SECONDS)

    def wait_beyond(self, height: int, timeout: float) -> int:
        """The latest height once it exceeds `height`, or the current one after `timeout`."""
        with self._cond:
            self._cond.wait_for(lambda: self.latest > height or self._stopped.is_set(), timeout=timeout)
            return self.latest

    def stop(self) -> None:
        self._stopped.set()
        with self._cond:
            self._cond.notify_all()
        self.client.close()
