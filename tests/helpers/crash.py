"""Helpers for crash-safety e2e tests: kill -9 and restart sprintd / CometBFT of a devnet separately,
a bounded bank-send load over gRPC, and the checks run afterwards (GetTx vs CometBFT's recorded
results, supply == sum of balances, `sprintd replay`)."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from abci_app.client import NodeClient, NodeError
from abci_app.devnet_runner import DevnetProcesses, _child_env
from abci_app.keyring import Keyring
from abci_app.rpc_client import CometRpc
from chain.tx.builder import TxSpec, build_signed_tx, msg_send

SEND_GAS, SEND_FEE = 100_000, 2_500


# --- processes ----------------------------------------------------------------------------------
# DevnetProcesses starts both children together; these restart one of them (same argv, env and log).


def kill9(proc: subprocess.Popen | None) -> None:
    """SIGKILL a child we started and reap it."""
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


def start_node(devnet: DevnetProcesses, abci_timeout: float = 60, env: dict | None = None) -> None:
    """(Re)start `sprintd start` for the devnet's home (extra environment `env`, e.g. fault points)
    and wait for its ABCI port."""
    from abci_app.devnet_runner import _split_host_port, port_open

    argv = [devnet.python, "-m", "abci_app.cli.main", "start", "--home", str(devnet.home)]
    devnet.node = devnet._spawn(argv, devnet.node_log, env={**_child_env(), **(env or {})})
    host, port = _split_host_port(devnet.abci_address)
    deadline = time.monotonic() + abci_timeout
    while not port_open(host, port):  # CometBFT may be down here: only the node must be alive
        assert devnet.node.poll() is None, f"sprintd exited with {devnet.node.returncode}; see {devnet.node_log}"
        assert time.monotonic() < deadline, f"sprintd did not open {host}:{port}; see {devnet.node_log}"
        time.sleep(0.1)


def start_cometbft(devnet: DevnetProcesses) -> None:
    """(Re)start `cometbft start` for the devnet's home (its handshake replays what the app lacks)."""
    import os

    argv = [devnet.cometbft_binary, "start", "--home", str(devnet.home)]
    devnet.cometbft = devnet._spawn(argv, devnet.cometbft_log, env=dict(os.environ))


def wait_for_file(path: Path, timeout: float, devnet: DevnetProcesses) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        devnet.check_alive()
        assert time.monotonic() < deadline, f"{path} did not appear within {timeout:.0f}s; see {devnet.node_log}"
        time.sleep(0.05)


# --- load ---------------------------------------------------------------------------------------


class SendLoad(threading.Thread):
    """Signs and broadcasts bank sends (sender -> recipient) through gRPC BroadcastTx, at most one
    per `interval` and `limit` in all, re-reading the committed sequence whenever a send is refused
    or the node is down. `accepted` holds every tx hash CheckTx answered code 0 for."""

    def __init__(self, info: dict, grpc_address: str, sender: str = "alice", recipient_index: int = 1,
                 interval: float = 0.05, limit: int = 5000):
        super().__init__(daemon=True, name="send-load")
        self.key = Keyring(info["home"], backend="test").signing_key(sender)
        self.recipient = info["accounts"][recipient_index]["address"]
        self.chain_id, self.grpc_address = info["chain_id"], grpc_address
        self.interval, self.limit = interval, limit
        self.accepted: list[str] = []
        self.refused = 0
        self.stop_event = threading.Event()
        self._account: tuple[int, int] | None = None

    def stop(self, timeout: float = 15) -> None:
        self.stop_event.set()
        self.join(timeout)

    def run(self) -> None:
        client = NodeClient(self.grpc_address, timeout=3)
        try:
            sent = 0
            while sent < self.limit and not self.stop_event.wait(self.interval):
                sent += self._send_one(client)
        finally:
            client.close()

    def _send_one(self, client: NodeClient) -> int:
        try:
            if self._account is None:
                info = client.account(self.key.bech32)
                self._account = (info.account_number, info.sequence)
            number, sequence = self._account
            spec = TxSpec([msg_send(self.key.bech32, self.recipient, 1)], self.chain_id, number, sequence,
                          gas_limit=SEND_GAS, fee_amount=SEND_FEE)
            tx = build_signed_tx(self.key, spec)
            resp = client.broadcast(tx)
        except NodeError:
            self._account = None  # node or CometBFT down: resync once it is back
            self.stop_event.wait(0.2)
            return 0
        if resp.code != 0:
            self.refused += 1
            self._account = None  # e.g. sequence mismatch after a restart emptied the mempool
            self.stop_event.wait(0.2)
            return 0
        self.accepted.append(hashlib.sha256(tx).hexdigest().upper())
        self._account = (number, sequence + 1)
        return 1


# --- checks -------------------------------------------------------------------------------------


def committed_results(rpc: CometRpc, first: int, last: int) -> dict[str, tuple[int, dict]]:
    """{tx hash: (height, the result CometBFT recorded in /block_results)} for blocks first..last."""
    out = {}
    for height in range(first, last + 1):
        txs = rpc.block(height)["block"]["data"]["txs"] or []
        if not txs:
            continue
        results = rpc.call("block_results", height=str(height))["txs_results"] or []
        assert len(results) == len(txs), f"block {height}: {len(txs)} txs but {len(results)} results"
        for raw, result in zip(txs, results):
            out[hashlib.sha256(base64.b64decode(raw)).hexdigest().upper()] = (height, result)
    return out


def assert_get_tx_matches(client: NodeClient, committed: dict[str, tuple[int, dict]]) -> None:
    """Every committed tx is served by GetTx with the height and result CometBFT recorded."""
    for tx_hash, (height, result) in committed.items():
        found = client.get_tx(tx_hash)
        assert found is not None, f"tx {tx_hash} of block {height} is missing from the node's index"
        resp = found.tx_response
        got = (resp.height, resp.code, resp.codespace, resp.gas_wanted, resp.gas_used)
        want = (height, int(result.get("code") or 0), result.get("codespace") or "",
                int(result.get("gas_wanted") or 0), int(result.get("gas_used") or 0))
        assert got == want, f"tx {tx_hash}: GetTx (height, code, codespace, gas_wanted, gas_used) {got} != recorded {want}"


def node_supply_and_balances(home: str | Path) -> tuple[int, dict[str, int], dict[str, int]]:
    """(committed height, supply per denom, sum of balances per denom) read from a stopped node's LevelDB."""
    from abci_app.node_config import NodeConfig
    from chain.app import App
    from chain.store.leveldb import LevelDB

    db = LevelDB(NodeConfig.load(home).db_path(home))
    try:
        app = App(db, sync_writes=False)
        bank = app.keepers.bank
        return app.height, dict(bank.all_supply(app.committed)), bank.total_balances(app.committed)
    finally:
        db.close()


def sprintd_replay(home: str | Path, *args: str, timeout: float = 120) -> tuple[int, dict]:
    """Run `sprintd replay --home HOME ARGS --output json`; (exit code, parsed report)."""
    result = subprocess.run([sys.executable, "-m", "abci_app.cli.main", "replay", "--home", str(home), *args,
                             "--output", "json"], capture_output=True, text=True, timeout=timeout)
    assert result.stdout.strip(), f"sprintd replay printed nothing (exit {result.returncode}): {result.stderr}"
    return result.returncode, json.loads(result.stdout)
