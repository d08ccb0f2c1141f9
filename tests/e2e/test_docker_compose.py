"""The docker-compose testnet really runs: the README's walkthrough on a real Docker engine.

Builds the images (scripts/build_images.sh: local base images when no registry is reachable, then
the node and worker images), runs `sprintd testnet init --hostnames ...` and `docker compose up -d`,
and checks: all 12 services healthy or running; heights rising with identical app hashes on the 4
validators; a bank send through validator 0's published gRPC seen by the other nodes; the workers
completing a Sprint epoch (settled powers equal CometBFT's validator set); `docker compose stop` of a
worker exiting 0 with its state saved; `down` / `up` resuming the same chain.

Outside CI the module skips when no Docker engine (with the compose plugin) answers; in CI (CI=true)
.ci/run starts one first (scripts/ensure_docker.sh) and the test fails instead of skipping.
Every container, network and volume belongs to a project named sprint-e2e-<pid>, removed at the end.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import grpc
import pytest

from abci_app.ports import free_port
from tests.e2e.test_sprint_localnet import set_sprint_params, sprint_params
from tests.helpers.wait import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
HOSTNAMES = ["validator0", "validator1", "validator2", "validator3"]
N = len(HOSTNAMES)
# 26-block epochs at ~0.5 s blocks: a worker that starts late still meets the next commit phase soon
EPOCH_PARAMS = {"commit_blocks": "4", "reveal_blocks": "3", "sprint_blocks": "10", "proof_blocks": "3",
                "validation_blocks": "4", "settlement_blocks": "2"}
STOPPED_WORKER = 3


def _run(args: list[str], timeout: float, check: bool = True, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def _docker_ready() -> str | None:
    """None when `docker info` and `docker compose version` work, else why not."""
    try:
        if subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode != 0:
            return "the Docker engine does not answer (`docker info` failed)"
        if subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=20).returncode != 0:
            return "the docker compose v2 plugin is missing"
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"docker is not usable: {err}"
    return None


def require_docker() -> None:
    reason = _docker_ready()
    if reason is None:
        return
    if not os.environ.get("CI"):
        pytest.skip(f"{reason}; run scripts/ensure_docker.sh (CI runs this test always)")
    # CI: .ci/run already ran it; once more here so that a bare `pytest` in CI also gets docker
    subprocess.run([str(ROOT / "scripts/ensure_docker.sh")], timeout=1800)
    reason = _docker_ready()
    if reason is not None:
        pytest.fail(f"docker is required in CI: {reason}")


class Compose:
    """`docker compose` on the testnet's own compose file, as project sprint-e2e-<pid>."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.project = f"sprint-e2e-{os.getpid()}"
        self.rpc_port, self.grpc_port = free_port(), free_port()
        self.env = {**os.environ, "SPRINT_RPC_PORT": str(self.rpc_port), "SPRINT_GRPC_PORT": str(self.grpc_port)}
        self.info = json.loads((directory / "testnet.json").read_text())

    def __call__(self, *args: str, timeout: float = 180, check: bool = True) -> subprocess.CompletedProcess:
        return _run(["docker", "compose", "-p", self.project, "-f", str(self.dir / "docker-compose.yml"), *args],
                    timeout, check, env=self.env, cwd=self.dir)

    @property
    def grpc(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def container(self, service: str) -> dict:
        cid = self("ps", "-a", "-q", service).stdout.strip()
        assert cid, f"no container for {service}"
        return json.loads(_run(["docker", "inspect", cid], 30).stdout)[0]

    def ip(self, service: str) -> str:
        networks = self.container(service)["NetworkSettings"]["Networks"]
        return next(iter(networks.values()))["IPAddress"]

    def rpc(self, i: int, path: str) -> dict:
        """CometBFT RPC of validator i, on its container address (validator 0 also on the host port)."""
        host = f"127.0.0.1:{self.rpc_port}" if i == 0 else f"{self.ip(HOSTNAMES[i])}:26657"
        with urllib.request.urlopen(f"http://{host}/{path}", timeout=5) as resp:
            return json.loads(resp.read())["result"]

    def height(self, i: int) -> int:
        try:
            return int(self.rpc(i, "status")["sync_info"]["latest_block_height"])
        except OSError:
            return 0

    def wait_for_height(self, height: int, timeout: float, nodes=range(N)) -> None:
        wait_until(lambda: all(self.height(i) >= height for i in nodes), timeout, f"height {height} on {list(nodes)}",
                   interval=0.5)

    def logs(self, service: str) -> str:
        return self("logs", "--no-color", service, check=False).stdout


def sprintd(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "abci_app.cli.main", *args], timeout)


@pytest.fixture(scope="module")
def testnet(tmp_path_factory):
    require_docker()
    started = time.monotonic()
    _run([str(ROOT / "scripts/build_images.sh")], 1500, cwd=ROOT)
    print(f"images built in {time.monotonic() - started:.0f}s")
    directory = tmp_path_factory.mktemp("compose") / "testnet"
    sprintd("testnet", "init", "--hostnames", ",".join(HOSTNAMES), "--output", str(directory),
            "--block-time", "500ms")
    set_sprint_params(directory, {**sprint_params(), **EPOCH_PARAMS})
    compose = Compose(directory)
    try:
        compose("up", "-d", timeout=300)
        yield compose
    finally:
        compose("down", "--volumes", "--remove-orphans", "--timeout", "20", timeout=180, check=False)
        left = _run(["docker", "ps", "-a", "-q", "--filter", f"label=com.docker.compose.project={compose.project}"],
                    30, check=False).stdout.split()
        assert not left, f"containers left behind: {left}"


def _states(compose: Compose) -> dict[str, str]:
    """service -> health status (or plain state when it has no healthcheck)."""
    out = {}
    for line in compose("ps", "-a", "--format", "json").stdout.splitlines():
        for row in (json.loads(line) if line.startswith("[") else [json.loads(line)]):
            out[row["Service"]] = row.get("Health") or row["State"]
    return out


def test_all_services_up_heights_rise_and_app_hashes_agree(testnet):
    def all_up():
        states = _states(testnet)
        return len(states) == 3 * N and all(s in ("healthy", "running") for s in states.values()) and states

    states = wait_until(all_up, 180, "all 12 services healthy or running", interval=2)
    for name in HOSTNAMES:
        assert states[name] == "healthy" and states[f"{name}-node"] == "healthy"
    assert all(states[f"{name}-worker"] == "running" for name in HOSTNAMES)

    testnet.wait_for_height(5, timeout=120)
    first = [testnet.height(i) for i in range(N)]
    testnet.wait_for_height(max(first) + 3, timeout=60)
    target = max(first) + 2
    hashes = {i: testnet.rpc(i, f"block?height={target}")["block"]["header"]["app_hash"] for i in range(N)}
    assert len(set(hashes.values())) == 1, hashes
    peers = [int(testnet.rpc(i, "net_info")["n_peers"]) for i in range(N)]
    assert peers == [N - 1] * N, peers


def test_bank_send_through_validator0_grpc_is_seen_by_every_node(testnet):
    from abci_app.client import NodeClient, sign_and_broadcast
    from abci_app.keyring import Keyring
    from chain.tx.builder import msg_send
    from chain.tx.crypto import SigningKey

    key = Keyring(testnet.dir / "node0", backend="test").signing_key("operator")
    recipient = SigningKey(bytes(range(7, 39))).bech32
    with NodeClient(testnet.grpc, timeout=10) as node0:
        resp = sign_and_broadcast(node0, key, [msg_send(key.bech32, recipient, 4321)], testnet.info["chain_id"])
        assert resp.code == 0, resp.raw_log
        height = int(node0.wait_for_tx(resp.txhash, timeout=30, poll_interval=0.3).tx_response.height)
    for i in range(1, N):
        with NodeClient(f"{testnet.ip(HOSTNAMES[i] + '-node')}:9090", timeout=10) as node:
            wait_until(lambda: node.latest_height() >= height, 30, f"validator {i} to commit block {height}",
                       interval=0.5)
            assert node.balance(recipient) == 4321
    # the CLI through the published port sees it too
    out = sprintd("q", "bank", "balance", recipient, "--node", testnet.grpc).stdout
    assert "4321" in out


def test_workers_complete_a_sprint_epoch_and_powers_follow(testnet):
    from abci_app.client import NodeClient
    from sprint.hosts.v1 import query_pb2 as hq, query_pb2_grpc as hg
    from sprint.sprint.v1 import query_pb2, query_pb2_grpc, sprint_pb2

    operators = [node["operator"]["address"] for node in testnet.info["nodes"]]
    with NodeClient(testnet.grpc, timeout=10) as client:
        sprint = query_pb2_grpc.QueryStub(client.channel)

        def summary(epoch, host):
            try:
                return sprint.ProofSummary(query_pb2.QueryProofSummaryRequest(epoch=epoch, host=host), timeout=5).summary
            except grpc.RpcError as err:
                if err.code() == grpc.StatusCode.NOT_FOUND:  # the host sent nothing that epoch
                    return None
                raise

        def accepted_epoch():
            """The epoch before the current one, once all four hosts' proofs were accepted in it (a
            worker that came up late may miss the first epoch)."""
            number = sprint.Epoch(query_pb2.QueryEpochRequest(), timeout=5).epoch.number - 1
            s = [summary(number, h) for h in operators] if number > 0 else [None]
            return number if all(x is not None and x.status == sprint_pb2.PROOF_STATUS_ACCEPTED for x in s) else None

        epoch = wait_until(accepted_epoch, 360, "a settled epoch with all four hosts accepted", interval=3)
        info = sprint.Epoch(query_pb2.QueryEpochRequest(number=epoch), timeout=5).epoch
        testnet.wait_for_height(info.validation_end + 3, timeout=60, nodes=[0])
        weights = {w.host: w.power for w in sprint.Weights(query_pb2.QueryWeightsRequest(), timeout=5).weights}
        hosts = hg.QueryStub(client.channel).Hosts(hq.QueryHostsRequest(), timeout=5).hosts
        pubkeys = {h.operator: bytes(h.consensus_pubkey) for h in hosts}
        for host in operators:
            s = summary(epoch, host)
            assert s.settled_weight == s.nonce_count > 0, s
    comet = {base64.b64decode(v["pub_key"]["value"]): int(v["voting_power"])
             for v in testnet.rpc(0, "validators")["validators"]}
    assert comet == {pubkeys[h]: p for h, p in weights.items() if p > 0}
    assert len(comet) == N


def test_docker_compose_stop_of_a_worker_exits_zero_with_state_saved(testnet):
    service = f"{HOSTNAMES[STOPPED_WORKER]}-worker"
    state = testnet.dir / f"node{STOPPED_WORKER}" / "worker" / "sprint-state.json"
    started = time.monotonic()
    testnet("stop", service, timeout=60)
    took = time.monotonic() - started
    container = testnet.container(service)["State"]
    logs = testnet.logs(service)
    assert container["ExitCode"] == 0 and not container["OOMKilled"], (container, logs[-2000:])
    assert took < 10, f"docker compose stop took {took:.1f}s: the worker ignored SIGTERM"
    assert "stopping (SIGTERM): state saved" in logs, logs[-2000:]
    assert "NumPy" not in logs, "torch warned that NumPy is missing"
    assert json.loads(state.read_text())["epochs"], "the state file holds no epoch"
    testnet("start", service, timeout=60)


def test_stop_is_clean_and_down_up_resumes_the_same_chain(testnet):
    before = max(testnet.height(i) for i in range(N))
    block1 = testnet.rpc(0, "block?height=1")["block_id"]["hash"]
    # every service stops on SIGTERM by itself, within the grace period, with exit code 0
    started = time.monotonic()
    testnet("stop", "--timeout", "20", timeout=180)
    took = time.monotonic() - started
    codes = {}
    for name in HOSTNAMES:
        for service in (name, f"{name}-node", f"{name}-worker"):
            state = testnet.container(service)["State"]
            codes[service] = (state["Status"], state["ExitCode"])
    unclean = {service: code for service, code in codes.items() if code != ("exited", 0)}
    assert not unclean, {service: (code, testnet.logs(service)[-1500:]) for service, code in unclean.items()}
    assert took < 20, f"docker compose stop took {took:.1f}s: a service waited for SIGKILL"
    testnet("down", "--timeout", "20", timeout=180)
    assert not testnet("ps", "-a", "-q").stdout.strip()
    testnet("up", "-d", timeout=300)
    testnet.wait_for_height(before + 3, timeout=180)
    assert testnet.rpc(0, "block?height=1")["block_id"]["hash"] == block1, "a new chain started"
    target = before + 2
    hashes = {i: testnet.rpc(i, f"block?height={target}")["block"]["header"]["app_hash"] for i in range(N)}
    assert len(set(hashes.values())) == 1, hashes
