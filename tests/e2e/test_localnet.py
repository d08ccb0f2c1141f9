"""A 4-validator localnet on real CometBFT (127.0.0.1-4): `sprintd testnet init/start/status/stop`.

Demonstrates: height >= 10 with identical app hashes on all nodes; a bank send submitted to node 2 is
visible through node 0's gRPC; 1 of 4 validators down -> blocks continue and the restarted one
catches up to the same app hash; 2 of 4 down -> the chain halts without diverging and resumes when
one returns. Blocks every ~0.3-0.6 s; every wait is bounded.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import grpc
import pytest

from abci_app.ports import find_port_range
from tests.e2e.conftest import require_cometbft
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.e2e

N = 4
WEIGHT = 10  # `testnet init` default: every validator's voting power
PREVOTE_STEP = 4  # CometBFT RoundStepPrevote (after RoundStepPropose = 3)
PRECOMMIT_STEP = 6  # CometBFT RoundStepPrecommit (after RoundStepPrevoteWait = 5)
IPS = [f"127.0.0.{i + 1}" for i in range(N)]



def pick_ports() -> tuple[int, int]:
    """(base port, gRPC port) free on every 127.0.0.x, below the ephemeral range."""
    base = find_port_range(IPS)
    if base is None:
        pytest.skip("no free port range on 127.0.0.1-4")
    return base, base + 3


def sprintd(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "abci_app.cli.main", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    require_cometbft()
    from abci_app.localnet_runner import Localnet

    directory = tmp_path_factory.mktemp("localnet") / "net"
    base, grpc_port = pick_ports()
    init = sprintd("testnet", "init", "--validators", str(N), "--output", str(directory), "--seed", "e2e",
                   "--base-port", str(base), "--grpc-port", str(grpc_port), "--block-time", "300ms",
                   "--timeout-propose", "1s", "--epoch-length", "3000")
    assert init.returncode == 0, init.stderr
    local = Localnet(directory)
    try:
        started = sprintd("testnet", "start", str(directory), "--ready-timeout", "90", timeout=150)
        assert started.returncode == 0, started.stderr + started.stdout
        assert "running in the background" in started.stdout
        yield local
    finally:
        stopped = sprintd("testnet", "stop", str(directory), timeout=90)
        local.stop()  # anything started in-process by the tests
        assert stopped.returncode == 0, stopped.stderr
        assert not local.running(), f"processes left running: {local.running()}"


def node_client(net, i):
    from abci_app.client import NodeClient

    return NodeClient(net.grpc_address(i), timeout=5)


def sample_app_hashes(net, nodes, rounds: int = 80) -> tuple[int, dict]:
    """Poll each node's own app (gRPC Status) until two polls of every node land on one height;
    checks that every height seen on several nodes has one app hash. Returns (height, {node: hash})."""
    clients = {i: node_client(net, i) for i in nodes}
    seen: dict[int, dict[int, bytes]] = {i: {} for i in nodes}
    try:
        for _ in range(rounds):
            for i, client in clients.items():
                status = client.status()
                seen[i][int(status.height)] = bytes(status.app_hash)
            by_height: dict[int, set] = {}
            for i in nodes:
                for height, app_hash in seen[i].items():
                    by_height.setdefault(height, set()).add(app_hash)
            diverged = {h: v for h, v in by_height.items() if len(v) > 1}
            assert not diverged, f"nodes disagree on the app hash: {diverged}"
            common = set.intersection(*(set(seen[i]) for i in nodes))
            if common:
                height = max(common)
                return height, {i: seen[i][height] for i in nodes}
            time.sleep(0.03)
    finally:
        for client in clients.values():
            client.close()
    raise AssertionError(f"never saw all of {nodes} at one height: {[sorted(seen[i])[-3:] for i in nodes]}")


def reliable_heights(net, nodes, tries: int = 10) -> list[int]:
    """Heights from CometBFT RPC, retrying a node that does not answer (slow machine) a few times."""
    out = []
    for i in nodes:
        for _ in range(tries):
            height = net.height(i)
            if height:
                break
            time.sleep(0.3)
        assert height, f"node{i} RPC does not answer"
        out.append(height)
    return out


def round_votes(net, i) -> tuple[int, int, int, int, int] | None:
    """(height, step, prevoted power, precommitted power, total power) of node i's current consensus
    round, from CometBFT's /consensus_state; None when it does not answer."""
    from abci_app.rpc_client import RpcError, RpcUnavailable

    try:
        state = net.rpc(i).call("consensus_state")["round_state"]
        height, rnd, step = (int(part) for part in state["height/round/step"].split("/"))
        votes = next(v for v in state["height_vote_set"] if int(v["round"]) == rnd)
        prevoted, total = re.search(r"(\d+)/(\d+) = ", votes["prevotes_bit_array"]).groups()
        precommitted, _ = re.search(r"(\d+)/(\d+) = ", votes["precommits_bit_array"]).groups()
    except (RpcError, RpcUnavailable, OSError, KeyError, ValueError, StopIteration, AttributeError):
        return None
    return height, step, int(prevoted), int(precommitted), int(total)


def _stuck(step: int, prevoted: int, precommitted: int, total: int, live_power: int) -> bool:
    """No block can commit in this round and the round cannot end: every live validator has cast the
    vote of the current step and that vote kind holds no more than 2/3 of the power. (A validator
    stopped mid-round may have voted before it died, so its vote can be counted too.)"""
    if step >= PRECOMMIT_STEP:
        return precommitted >= live_power and 3 * precommitted <= 2 * total
    return step >= PREVOTE_STEP and prevoted >= live_power and 3 * prevoted <= 2 * total


def halted_on(net, nodes, live_power: int) -> int | None:
    """The height `nodes` are stuck on (see _stuck: nothing more can arrive from the stopped
    validators, so no block can be committed there). None otherwise."""
    positions = [round_votes(net, i) for i in nodes]
    if None in positions or len({height for height, *_ in positions}) != 1:
        return None
    if all(_stuck(*votes, live_power) for _, *votes in positions):
        return positions[0][0]
    return None


def wait_until_halted(net, nodes, live_power: int, timeout: float = 60.0) -> list[int]:
    """Wait until `nodes` are provably stuck (see halted_on); returns their committed heights."""
    height = wait_until(lambda: halted_on(net, nodes, live_power), timeout,
                        f"nodes {nodes} to count every live validator's prevote on one height (the chain halting)")
    heights = reliable_heights(net, nodes)
    assert heights == [height - 1] * len(nodes), f"stuck on height {height} but committed {heights}"
    return heights


def test_four_validators_reach_height_10_with_identical_app_hashes(net):
    net.wait_for_height(10, timeout=60)
    headers = {i: net.rpc(i).block(10)["block"]["header"]["app_hash"] for i in range(N)}
    assert len(set(headers.values())) == 1, headers
    height, hashes = sample_app_hashes(net, list(range(N)))
    assert height >= 10 and len(set(hashes.values())) == 1

    status = sprintd("testnet", "status", str(net.dir), "--output", "json")
    assert status.returncode == 0, status.stderr
    rows = json.loads(status.stdout)
    assert [r["node"] for r in rows] == list(range(N))
    for row in rows:
        assert row["height"] >= 10 and row["peers"] == N - 1 and row["power"] == 10 and row["total_power"] == 40
        assert all(row["processes"].values()), row  # sprintd, cometbft and the worker are up
    text = sprintd("testnet", "status", str(net.dir))
    assert text.returncode == 0 and text.stdout.splitlines()[0].split()[:3] == ["node", "moniker", "processes"]


def test_validator_set_is_the_hosts_registry(net):
    """CometBFT's validators are exactly the registered hosts, with power = weight."""
    import base64

    from sprint.hosts.v1 import query_pb2, query_pb2_grpc

    with grpc.insecure_channel(net.grpc_address(1)) as channel:
        hosts = query_pb2_grpc.QueryStub(channel).Hosts(query_pb2.QueryHostsRequest(), timeout=5).hosts
    validators = net.rpc(1).validators()
    assert sorted((bytes(h.consensus_pubkey), h.weight) for h in hosts) == \
        sorted((base64.b64decode(v["pub_key"]["value"]), int(v["voting_power"])) for v in validators)
    assert sorted(h.operator for h in hosts) == sorted(n["operator"]["address"] for n in net.nodes)


def test_send_via_node2_is_visible_through_node0(net):
    from abci_app.client import sign_and_broadcast
    from abci_app.keyring import Keyring
    from chain.tx.builder import msg_send
    from chain.tx.crypto import SigningKey

    key = Keyring(net.home(2), backend="test").signing_key("operator")
    recipient = SigningKey(bytes(range(1, 33))).bech32
    node2, node0 = node_client(net, 2), node_client(net, 0)
    try:
        resp = sign_and_broadcast(node2, key, [msg_send(key.bech32, recipient, 777)], net.info["chain_id"])
        assert resp.code == 0, resp.raw_log
        committed = node2.wait_for_tx(resp.txhash, timeout=30, poll_interval=0.2)
        assert committed.tx_response.code == 0
        height = int(committed.tx_response.height)
        wait_until(lambda: node0.latest_height() >= height, 20, "node 0 to commit the tx's block")
        assert node0.balance(recipient) == 777
        assert node0.get_tx(resp.txhash).tx_response.height == height
    finally:
        node2.close()
        node0.close()


def test_one_validator_down_chain_continues_and_it_catches_up(net):
    others = [0, 1, 2]
    net.stop_node(3)
    start = max(net.heights(others))
    net.wait_for_height(start + 3, nodes=others, timeout=45)

    net.start_node(3)
    target = max(net.heights(others)) + 1
    net.wait_for_height(target, nodes=[3], timeout=60)
    height, hashes = sample_app_hashes(net, [0, 3])
    assert height >= target - 1 and hashes[0] == hashes[3]
    net.wait_for_height(target + 2, timeout=30)  # all four sign again


def test_two_validators_down_chain_halts_then_resumes(net):
    net.stop_node(2)
    net.stop_node(3)
    # a block whose precommits were already gathered may still commit; then nothing moves
    # The event: both live nodes counted each other's prevotes (half the power) on the next height and
    # nothing else can arrive, so no block can commit there; then nothing may have moved.
    halted = wait_until_halted(net, [0, 1], live_power=2 * WEIGHT)
    assert reliable_heights(net, [0, 1]) == halted, "the chain made progress with only half of the voting power"
    height, hashes = sample_app_hashes(net, [0, 1], rounds=30)
    assert hashes[0] == hashes[1] and height == halted[0]

    net.start_node(2)
    net.wait_for_height(max(halted) + 2, nodes=[0, 1, 2], timeout=60)
    net.start_node(3, worker=True)
    final = max(net.heights([0, 1, 2])) + 1
    net.wait_for_height(final, timeout=60)
    height, hashes = sample_app_hashes(net, list(range(N)))
    assert len(set(hashes.values())) == 1
