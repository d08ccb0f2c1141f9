"""Every block stream shares one BlockCommitted message per commit instead of rebuilding it."""

from __future__ import annotations

from abci_app.grpc.events_service import LatestBlock
from chain.store import meta


class CountingStore:
    def __init__(self):
        self.reads = 0

    def get(self, key: bytes):
        self.reads += 1
        if key == meta.APP_HASH_KEY:
            return b"\x01" * 32
        return None


def test_one_message_per_height_whatever_the_number_of_streams():
    latest, store = LatestBlock(), CountingStore()
    first = [latest.get(store, 7) for _ in range(200)]
    reads_for_one = store.reads
    assert all(message is first[0] for message in first) and first[0].height == 7
    assert latest.get(store, 8).height == 8 and store.reads == 2 * reads_for_one
