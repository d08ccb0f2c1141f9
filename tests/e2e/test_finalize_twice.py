"""Defect 2: CometBFT dies after FinalizeBlock(h) and before Commit while `sprintd start` keeps running.

The node holds its FinalizeBlock(h) answer (fault point SPRINTD_FAULT_HOLD_AFTER_FINALIZE), the test
kill -9s CometBFT only, restarts it, and CometBFT's handshake replays FinalizeBlock(h) on the same
App. Block h must end up executed once: `sprintd replay` finds no divergence, the sends of block h
are indexed with code 0, and supply == sum of balances == the supply of a replay that ran each
block once.
"""

from __future__ import annotations

import time

from abci_app.client import NodeClient
from abci_app.devnet_runner import DevnetProcesses
from abci_app.replay import StoreBlockSource, replay_chain
from abci_app.rpc_client import CometRpc
from tests.e2e.conftest import make_devnet_home, require_cometbft
from tests.helpers.crash import (
    SendLoad, assert_get_tx_matches, committed_results, kill9, node_supply_and_balances, sprintd_replay,
    start_cometbft, wait_for_file,
)

HOLD_HEIGHT = 6


def test_finalize_replayed_after_cometbft_dies_before_commit(tmp_path, monkeypatch):
    require_cometbft()
    info = make_devnet_home(tmp_path / "home")
    markers = tmp_path / "faults"
    monkeypatch.setenv("SPRINTD_FAULT_HOLD_AFTER_FINALIZE", str(HOLD_HEIGHT))
    monkeypatch.setenv("SPRINTD_FAULT_HOLD_SECONDS", "45")
    monkeypatch.setenv("SPRINTD_FAULT_DIR", str(markers))
    devnet = DevnetProcesses(info["home"]).start(ready_timeout=60)
    try:
        load = SendLoad(info, devnet.grpc_address, interval=0.1, limit=200)  # sends land in every block
        load.start()
        wait_for_file(markers / f"finalized-{HOLD_HEIGHT}", 60, devnet)
        kill9(devnet.cometbft)  # FinalizeBlock(h) ran, Commit never will: CometBFT is gone
        time.sleep(0.5)
        start_cometbft(devnet)  # handshake: app at h-1, store at h -> FinalizeBlock(h) again, Commit
        devnet.wait_for_height(HOLD_HEIGHT + 3, timeout=60)
        load.stop()
        rpc = CometRpc(devnet.rpc_url)
        block_h = committed_results(rpc, HOLD_HEIGHT, HOLD_HEIGHT)
        assert block_h, f"no send landed in block {HOLD_HEIGHT}; the load started too late"
        code, report = sprintd_replay(info["home"])  # RPC path, CometBFT running
        print(report["summary"])
        assert code == 0 and report["ok"], report["summary"]
        assert report["checked_heights"] >= HOLD_HEIGHT
        with NodeClient(devnet.grpc_address) as client:
            assert_get_tx_matches(client, block_h)
            for tx_hash in block_h:
                assert client.get_tx(tx_hash).tx_response.code == 0, f"send {tx_hash} of block {HOLD_HEIGHT} failed"
    finally:
        devnet.stop()

    height, supply, balances = node_supply_and_balances(info["home"])
    assert supply == balances, f"supply {supply} != sum of balances {balances} at height {height}"
    source = StoreBlockSource(tmp_path / "home" / "data" / "blockstore.db", tmp_path / "home" / "config" / "genesis.json")
    try:
        once = replay_chain(source, up_to=height)
    finally:
        source.close()
    assert once.ok, once.summary()
    assert once.last == height and once.supply() == supply, (
        f"node supply {supply} at height {height} != supply {once.supply()} of a replay that ran each block once")
    code, report = sprintd_replay(info["home"], "--offline")  # sprintd's own hash and tx index too
    assert code == 0 and report["ok"] and report["node_checked_height"] == height, report["summary"]
