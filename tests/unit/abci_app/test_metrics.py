"""The node's Prometheus endpoint serves live counters from the App."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from abci_app.metrics import MetricsServer
from abci_app.ports import free_port
from tests.helpers.chain import make_keys, make_send, new_app, run_block



def test_metrics_endpoint_reports_height_and_tx_counters():
    from chain.store.memory import MemoryDB

    keys = make_keys(4)
    app = new_app(MemoryDB())
    run_block(app, [], 1)
    run_block(app, [make_send(keys[0], keys[1].bech32, 5, sequence=0)], 2)
    port = free_port()
    server = MetricsServer(app, f"127.0.0.1:{port}")
    server.start()
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        assert "sprint_block_height 2" in body
        assert "sprint_txs_committed_total 1" in body
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/other", timeout=5)
    finally:
        server.stop()
