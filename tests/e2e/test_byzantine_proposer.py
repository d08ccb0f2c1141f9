"""One byzantine proposer in a 4-validator localnet on real CometBFT: gas-limit attacks (issue 9).

Node BYZANTINE runs tests/helpers/byzantine_node.py instead of `sprintd start`: every block it
proposes carries, in turn, a signed tx with gas_limit 2^63, one with 2^64-1, one over the auth
param max_tx_gas, and max_tx_gas-sized txs whose total exceeds the genesis block.max_gas. Before the
fix the first one was accepted by ProcessProposal and made FinalizeBlock raise (gas_wanted is int64
in ABCI): consensus failure on every node, and the same failure on every handshake replay.

Demonstrates: the honest nodes reject every such proposal and the chain keeps committing past
several byzantine turns; no crafted tx is in any committed block; CheckTx answers
ErrInvalidGasLimit (41) to the same txs; all apps agree on the app hash; an honest node killed
with SIGKILL (sprintd and cometbft) replays and catches up. No workers. Every wait is bounded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import sys
import time

import pytest

from abci_app.ports import find_port_range
from chain.errors import ErrInvalidGasLimit
from tests.e2e.conftest import require_cometbft
from tests.helpers.byzantine_node import ATTACKS, read_records
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.e2e

N = 4
BYZANTINE = 3
HONEST = [i for i in range(N) if i != BYZANTINE]
RESTARTED = 1
BLOCK_MAX_GAS = 30_000_000  # 3 x the default max_tx_gas: the block-gas attack needs 4 txs
SINGLE_TX_ATTACKS = ("gas_2^63", "gas_2^64-1", "over_max_tx_gas")
IPS = [f"127.0.0.{i + 1}" for i in range(N)]


def set_block_max_gas(net_dir, max_gas: int) -> None:
    """Write consensus_params.block.max_gas into every node's genesis.json (before the first start)."""
    for i in range(N):
        path = net_dir / f"node{i}" / "config" / "genesis.json"
        genesis = json.loads(path.read_text())
        genesis["consensus_params"]["block"]["max_gas"] = str(max_gas)
        path.write_text(json.dumps(genesis, indent=2))


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    require_cometbft()
    from abci_app.localnet_runner import Localnet
    from genesis.testnet import init_testnet

    base = find_port_range(IPS)
    if base is None:
        pytest.skip("no free port range on 127.0.0.1-4")
    directory = tmp_path_factory.mktemp("byzantine") / "net"
    init_testnet(directory, validators=N, seed="byzantine", base_port=base, grpc_port=base + 3,
                 timeout_commit="300ms", timeout_propose="1s", epoch_length=3000)
    set_block_max_gas(directory, BLOCK_MAX_GAS)
    local = Localnet(directory, node_argv={BYZANTINE: [sys.executable, "-m", "tests.helpers.byzantine_node"]})
    try:
        local.start(workers=False, ready_timeout=60)
        yield local
    finally:
        local.stop()
        assert not local.running(), f"processes left running: {local.running()}"


def attacks_proposed(net) -> dict[str, list[bytes]]:
    """{attack: [tx bytes, ...]} of every crafted tx the byzantine node has proposed so far."""
    out: dict[str, list[bytes]] = {}
    for record in read_records(net.home(BYZANTINE)):
        out.setdefault(record["attack"], []).extend(bytes.fromhex(tx) for tx in record["txs"])
    return out


def attacks_rejected(net) -> set[str]:
    """The attacks whose proposal an honest app logged rejecting in ProcessProposal."""
    logs = "".join(net.log_path(i, "node").read_text(errors="replace") for i in HONEST)
    return {r["attack"] for r in read_records(net.home(BYZANTINE))
            if f"rejecting proposal at height {r['height']}:" in logs}


def committed_tx_hashes(net, node: int, upto: int) -> dict[str, int]:
    """{sha256 hex of tx: height} of every tx in blocks 1..upto, read from `node`'s block store."""
    out = {}
    rpc = net.rpc(node, timeout=5)
    for height in range(1, upto + 1):
        for tx in rpc.block(height)["block"]["data"]["txs"] or []:
            out[hashlib.sha256(base64.b64decode(tx)).hexdigest()] = height
    return out


def app_hashes_at_common_height(net, nodes, timeout: float = 20.0) -> tuple[int, dict[int, str]]:
    """Poll each node's app (ABCI Info via RPC) until all of `nodes` were seen at one height; returns
    (height, {node: app hash hex}). Any height seen on several nodes must have one app hash."""
    seen: dict[int, dict[int, str]] = {i: {} for i in nodes}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for i in nodes:
            info = net.rpc(i, timeout=5).abci_info()["response"]
            app_hash = base64.b64decode(info.get("last_block_app_hash") or "").hex().upper()
            seen[i][int(info.get("last_block_height") or 0)] = app_hash
        for height in set().union(*(seen[i] for i in nodes)):
            hashes = {seen[i][height] for i in nodes if height in seen[i]}
            assert len(hashes) == 1, f"apps disagree at height {height}: {hashes}"
        common = set.intersection(*(set(seen[i]) for i in nodes)) - {0}
        if common:
            height = max(common)
            return height, {i: seen[i][height] for i in nodes}
        time.sleep(0.05)
    raise AssertionError(f"never saw all of {nodes} at one height: {[sorted(seen[i])[-3:] for i in nodes]}")


def test_chain_survives_every_byzantine_proposal_and_commits_none_of_its_txs(net):
    start = max(net.heights())
    net.wait_for_height(start + 3 * N, timeout=60)
    wait_until(lambda: attacks_rejected(net) == set(ATTACKS), 45,
               f"the honest nodes to reject proposals with each of {ATTACKS}")
    net.wait_for_height(max(net.heights()) + 2, timeout=30)  # blocks keep coming after the last attack

    crafted = {hashlib.sha256(tx).hexdigest(): attack
               for attack, txs in attacks_proposed(net).items() for tx in txs}
    committed = committed_tx_hashes(net, HONEST[0], min(net.heights()))
    leaked = {crafted[h]: height for h, height in committed.items() if h in crafted}
    assert not leaked, f"byzantine txs were committed: {leaked}"


def test_checktx_answers_invalid_gas_limit_to_the_same_txs(net):
    wait_until(lambda: set(attacks_proposed(net)) >= set(SINGLE_TX_ATTACKS), 45,
               f"the byzantine node to propose {SINGLE_TX_ATTACKS}")
    proposed = attacks_proposed(net)
    rpc = net.rpc(HONEST[0], timeout=5)
    for attack in SINGLE_TX_ATTACKS:
        result = rpc.broadcast_tx_sync(proposed[attack][0])
        assert result["code"] == ErrInvalidGasLimit.code, f"{attack}: {result}"
        assert result["codespace"] == "sdk", f"{attack}: {result}"
        assert "gas limit" in result["log"], f"{attack}: {result['log']}"


def test_all_apps_agree_on_the_app_hash(net):
    height, hashes = app_hashes_at_common_height(net, list(range(N)))
    assert len(set(hashes.values())) == 1, hashes
    # The app hash of `height` is the one the next block's header commits to.
    net.wait_for_height(height + 1, nodes=[HONEST[0]], timeout=30)
    header = net.rpc(HONEST[0], timeout=5).block(height + 1)["block"]["header"]
    assert header["app_hash"].upper() == hashes[0]


def test_honest_node_killed_with_sigkill_replays_and_catches_up(net):
    for proc in ("cometbft", "node"):
        pid = net.pid(RESTARTED, proc)
        assert pid is not None, f"node{RESTARTED} {proc} is not running"
        os.kill(pid, signal.SIGKILL)
    net.stop_node(RESTARTED)  # reaps the killed processes and removes their pid files
    others = [i for i in range(N) if i != RESTARTED]
    net.wait_for_height(max(net.heights(others)) + N, nodes=others, timeout=60)  # a byzantine turn or more

    net.start_node(RESTARTED)
    target = max(net.heights(others)) + 1
    net.wait_for_height(target, nodes=[RESTARTED], timeout=60)
    height, hashes = app_hashes_at_common_height(net, list(range(N)))
    assert height >= target - 1 and len(set(hashes.values())) == 1, hashes
    leaked = set(committed_tx_hashes(net, RESTARTED, height)) & {
        hashlib.sha256(tx).hexdigest() for txs in attacks_proposed(net).values() for tx in txs}
    assert not leaked, f"byzantine txs were committed: {sorted(leaked)}"
