"""kill -9 the node while txs are in flight; restart; CometBFT replays; nothing committed is lost."""

from __future__ import annotations

import base64
import hashlib
import threading
import time

from abci_app.client import NodeClient
from abci_app.devnet_runner import DevnetProcesses
from abci_app.keyring import Keyring
from abci_app.rpc_client import CometRpc, RpcError, RpcUnavailable
from chain.tx.builder import TxSpec, build_signed_tx, msg_send
from tests.e2e.conftest import make_devnet_home, require_cometbft


def _presign(info: dict, count: int) -> list[bytes]:
    key = Keyring(info["home"], backend="test").signing_key("alice")
    bob = info["accounts"][1]["address"]
    return [build_signed_tx(key, TxSpec([msg_send(key.bech32, bob, 1 + i)], info["chain_id"], 0, i,
                                        gas_limit=100_000, fee_amount=2_500)) for i in range(count)]


def _flood(rpc_url: str, txs: list[bytes], stop: threading.Event) -> None:
    """Send txs until told to stop; a slow or refusing node is retried, not a reason to quit."""
    rpc = CometRpc(rpc_url, timeout=2)
    for tx in txs:
        while not stop.is_set():
            try:
                rpc.broadcast_tx_sync(tx)
                break
            except RpcError:
                break  # e.g. "tx already exists in cache": move on to the next tx
            except RpcUnavailable:
                time.sleep(0.05)
        if stop.is_set():
            return
        time.sleep(0.01)


def _committed_hashes(rpc: CometRpc, up_to: int) -> list[str]:
    hashes = []
    for height in range(1, up_to + 1):
        for tx_b64 in rpc.block(height)["block"]["data"]["txs"] or []:
            hashes.append(hashlib.sha256(base64.b64decode(tx_b64)).hexdigest().upper())
    return hashes


def test_kill_node_mid_flight_then_replay(tmp_path):
    require_cometbft()
    info = make_devnet_home(tmp_path / "home")
    txs = _presign(info, 1500)
    devnet = DevnetProcesses(info["home"]).start(ready_timeout=60)
    stop = threading.Event()
    try:
        flood = threading.Thread(target=_flood, args=(devnet.rpc_url, txs, stop))
        flood.start()
        client = NodeClient(devnet.grpc_address)
        deadline = time.monotonic() + 30
        while client.get_tx(hashlib.sha256(txs[20]).hexdigest().upper()) is None:
            assert time.monotonic() < deadline, "txs were not committed before the kill"
            time.sleep(0.1)
        seen_before_kill = [hashlib.sha256(tx).hexdigest().upper() for tx in txs
                            if client.get_tx(hashlib.sha256(tx).hexdigest().upper()) is not None]
        devnet.node.kill()  # SIGKILL while the flood is still sending
        assert devnet.node.wait(timeout=10) == -9
        assert flood.is_alive(), "the flood finished before the kill: nothing was in flight"
        stop.set()
        flood.join(timeout=10)
        client.close()
    finally:
        devnet.stop()

    restarted = DevnetProcesses(info["home"]).start(ready_timeout=90)
    try:
        height = restarted.latest_height()
        restarted.wait_for_height(height + 2, timeout=30)  # the chain continues
        client = NodeClient(restarted.grpc_address)
        print(f"committed before kill: {len(seen_before_kill)}; height after restart {height}")
        for tx_hash in seen_before_kill:
            assert client.get_tx(tx_hash) is not None, f"committed tx {tx_hash} lost after kill -9"
        rpc = CometRpc(restarted.rpc_url)
        in_blocks = _committed_hashes(rpc, restarted.latest_height() - 1)
        assert len(in_blocks) >= len(seen_before_kill)
        for tx_hash in in_blocks:
            found = client.get_tx(tx_hash)
            assert found is not None and found.tx_response.code == 0, f"block tx {tx_hash} missing from the app"
        client.close()
    finally:
        restarted.stop()
