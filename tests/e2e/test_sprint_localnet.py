"""The Sprint end to end: 4 validators + 4 torch workers on real CometBFT (tiny `test` model, short
epochs), one worker cheating.

Demonstrates: after an epoch in which every host took part, CometBFT's /validators powers equal the
chain's settled powers (weights after the cap); the cheating host (`--cheat fabricate`, then
`--cheat inflate N%`) ends the epoch REJECTED with zero power and a slash, while the honest three keep
producing blocks; an honest worker killed with SIGKILL mid-sprint resumes from its state file and
ends with every nonce it found on chain, each batch tx committed with code 0.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time

import grpc
import pytest

from abci_app.ports import find_port_range
from tests.e2e.conftest import require_cometbft

pytestmark = pytest.mark.e2e

N = 4
CHEATER = 3
RESTARTED = 1
IPS = [f"127.0.0.{i + 1}" for i in range(N)]
SPRINT_PARAMS = {
    "commit_blocks": "5", "reveal_blocks": "3", "sprint_blocks": "20", "proof_blocks": "4",
    "validation_blocks": "6", "settlement_blocks": "3", "pow_config": "test", "max_power_bps": 4000,
}


def sprint_params() -> dict:
    """The e2e phases plus the `test` config's threshold and its recommended acceptance test."""
    from worker.sprint.config import get_config, recommended

    want = recommended("test")
    return {**SPRINT_PARAMS, "distance_threshold_micro": str(get_config("test").threshold_micro),
            "validation_sample": want.validation_sample, "max_sample_mismatches": want.max_sample_mismatches,
            "distance_tolerance_micro": str(want.distance_tolerance_micro)}


def sprintd(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "abci_app.cli.main", *args], capture_output=True, text=True,
                          timeout=timeout)


def set_module_params(directory, module: str, overrides: dict) -> None:
    """Write the same `module` params into every node's genesis (they must stay identical)."""
    for genesis_path in sorted(directory.glob("node*/config/genesis.json")):
        genesis = json.loads(genesis_path.read_text())
        genesis["app_state"].setdefault(module, {}).setdefault("params", {}).update(overrides)
        genesis_path.write_text(json.dumps(genesis, indent=2))


def set_sprint_params(directory, overrides: dict) -> None:
    set_module_params(directory, "sprint", overrides)


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    require_cometbft()
    from abci_app.localnet_runner import Localnet

    directory = tmp_path_factory.mktemp("sprintnet") / "net"
    base = find_port_range(IPS)
    if base is None:
        pytest.skip("no free port range on 127.0.0.1-4")
    init = sprintd("testnet", "init", "--validators", str(N), "--output", str(directory), "--seed", "sprint-e2e",
                   "--base-port", str(base), "--grpc-port", str(base + 3), "--block-time", "300ms",
                   "--timeout-propose", "2s")
    assert init.returncode == 0, init.stderr
    set_sprint_params(directory, sprint_params())
    args = {i: ["--threads", "1", "--device", "cpu"] for i in range(N)}
    args[CHEATER] += ["--cheat", "fabricate"]
    local = Localnet(directory, worker_args=args)
    try:
        local.start(workers=True, ready_timeout=90)
        yield local
    finally:
        local.stop()
        assert not local.running(), f"processes left running: {local.running()}"


class Chain:
    """gRPC views of node 0."""

    def __init__(self, net):
        from sprint.sprint.v1 import query_pb2_grpc

        self.net = net
        self.channel = grpc.insecure_channel(net.grpc_address(0))
        self.sprint = query_pb2_grpc.QueryStub(self.channel)

    def epoch(self):
        from sprint.sprint.v1 import query_pb2

        return self.sprint.Epoch(query_pb2.QueryEpochRequest(), timeout=5).epoch

    def summary(self, epoch: int, host: str):
        from sprint.sprint.v1 import query_pb2

        try:
            return self.sprint.ProofSummary(query_pb2.QueryProofSummaryRequest(epoch=epoch, host=host),
                                            timeout=5).summary
        except grpc.RpcError as err:
            if err.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise

    def proofs(self, epoch: int, host: str) -> dict[int, int]:
        from sprint.sprint.v1 import query_pb2

        resp = self.sprint.Proofs(query_pb2.QueryProofsRequest(epoch=epoch, host=host), timeout=5)
        return dict(zip(resp.nonces, resp.distances))

    def weights(self):
        from sprint.sprint.v1 import query_pb2

        return self.sprint.Weights(query_pb2.QueryWeightsRequest(), timeout=5)

    def bonded(self, operator: str) -> int:
        from sprint.staking.v1 import query_pb2, query_pb2_grpc

        stub = query_pb2_grpc.QueryStub(self.channel)
        return int(stub.Stake(query_pb2.QueryStakeRequest(operator=operator), timeout=5).bonded)

    def wait_for_height(self, height: int, timeout: float) -> None:
        self.net.wait_for_height(height, nodes=[0], timeout=timeout)


def operators(net) -> list[str]:
    return [node["operator"]["address"] for node in net.nodes]


def wait_for_epoch_where_all_revealed(chain: Chain, hosts: list[str], timeout: float, first: int = 0) -> int:
    """The first epoch >= `first` (in its sprint phase or later) in which every host revealed."""
    from sprint.sprint.v1 import sprint_pb2

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers_alive(chain.net)
        epoch = chain.epoch()
        if epoch.number >= first and epoch.phase >= sprint_pb2.PHASE_SPRINT:
            summaries = [chain.summary(epoch.number, h) for h in hosts]
            if all(s is not None and s.revealed for s in summaries):
                return epoch.number
            chain.wait_for_height(epoch.end_height + 1, timeout=deadline - time.monotonic())
        else:
            time.sleep(0.3)
    raise AssertionError("no epoch in which all four hosts revealed their seed shares")


def workers_alive(net) -> None:
    for i in range(N):
        if net.pid(i, "worker") is None:
            log = (net.home(i) / "logs" / "worker.log").read_text()[-3000:]
            raise AssertionError(f"worker {i} died:\n{log}")


def settle(chain: Chain, number: int, timeout: float):
    """Wait for epoch `number`'s settlement plus the two blocks CometBFT needs to apply updates."""
    from sprint.sprint.v1 import query_pb2

    info = chain.sprint.Epoch(query_pb2.QueryEpochRequest(number=number), timeout=5).epoch
    chain.wait_for_height(info.validation_end + 3, timeout=timeout)
    return info


def comet_powers(net, height: int | None = None) -> dict[bytes, int]:
    return {base64.b64decode(v["pub_key"]["value"]): int(v["voting_power"]) for v in net.rpc(0).validators(height)}


def test_sprint_sets_validator_power_and_catches_a_fabricating_cheater(net):
    from sprint.sprint.v1 import sprint_pb2

    chain = Chain(net)
    hosts = operators(net)
    bonded_before = chain.bonded(hosts[CHEATER])
    epoch = wait_for_epoch_where_all_revealed(chain, hosts, timeout=150)
    # Kill an honest worker mid-sprint; it must resume without duplicate or lost submissions.
    info = chain.epoch()
    assert info.number == epoch and info.phase == sprint_pb2.PHASE_SPRINT, "the sprint went by unobserved"
    chain.wait_for_height(min(net.height(0) + 2, info.sprint_end - 3), timeout=30)
    net.kill_worker(RESTARTED)
    net.start_worker(RESTARTED)
    settle(chain, epoch, timeout=120)

    summaries = {h: chain.summary(epoch, h) for h in hosts}
    cheat = summaries[hosts[CHEATER]]
    assert cheat.status == sprint_pb2.PROOF_STATUS_REJECTED, cheat
    assert cheat.settled_weight == 0 and cheat.reject_weight * 2 > cheat.eligible_weight
    assert chain.bonded(hosts[CHEATER]) < bonded_before, "the cheater was not slashed"
    for i, host in enumerate(hosts):
        if i != CHEATER:
            s = summaries[host]
            assert s.status == sprint_pb2.PROOF_STATUS_ACCEPTED, s
            assert s.settled_weight == s.nonce_count > 0

    weights = {w.host: w for w in chain.weights().weights}
    pubkeys = {n["operator"]["address"]: None for n in net.nodes}
    from sprint.hosts.v1 import query_pb2 as hq, query_pb2_grpc as hg

    for host in hg.QueryStub(chain.channel).Hosts(hq.QueryHostsRequest(), timeout=5).hosts:
        pubkeys[host.operator] = bytes(host.consensus_pubkey)
    powers = comet_powers(net)
    expected = {pubkeys[h]: w.power for h, w in weights.items() if w.power > 0}
    assert powers == expected, (powers, expected)
    assert pubkeys[hosts[CHEATER]] not in powers
    total = sum(w.weight for w in weights.values())
    for w in weights.values():
        assert w.power == min(w.weight, max(1, total * SPRINT_PARAMS["max_power_bps"] // 10000))

    height = net.height(0)
    net.wait_for_height(height + 5, nodes=[0, 1, 2], timeout=60)  # the honest three keep producing blocks

    _check_restarted_worker(net, chain, epoch, hosts[RESTARTED])


def test_an_inflating_cheater_is_caught_as_well(net):
    """The same host now searches honestly but claims 5% more nonces than it found."""
    from sprint.sprint.v1 import sprint_pb2

    chain = Chain(net)
    hosts = operators(net)
    net.kill_worker(CHEATER)
    net.worker_args[CHEATER] = ["--threads", "1", "--device", "cpu", "--cheat", "inflate 5%"]
    net.start_worker(CHEATER)
    bonded_before = chain.bonded(hosts[CHEATER])
    epoch = wait_for_epoch_where_all_revealed(chain, hosts, timeout=150, first=chain.epoch().number + 1)
    settle(chain, epoch, timeout=120)

    cheat = chain.summary(epoch, hosts[CHEATER])
    assert cheat.status == sprint_pb2.PROOF_STATUS_REJECTED and cheat.settled_weight == 0, cheat
    assert chain.bonded(hosts[CHEATER]) < bonded_before, "the inflating cheater was not slashed"
    state = json.loads((net.home(CHEATER) / "worker" / "sprint-state.json").read_text())["epochs"][str(epoch)]
    honest = len(state["found"]) - state["fabricated"]
    assert 0 < state["fabricated"] <= -(-honest * 5 // 100), "the worker did not inflate by 5%"
    for i, host in enumerate(hosts):
        if i != CHEATER:
            assert chain.summary(epoch, host).status == sprint_pb2.PROOF_STATUS_ACCEPTED
    assert comet_powers(net).get(_pubkey(chain, hosts[CHEATER]), 0) == 0
    height = net.height(0)
    net.wait_for_height(height + 3, nodes=[0, 1, 2], timeout=60)


def _pubkey(chain: Chain, operator: str) -> bytes:
    from sprint.hosts.v1 import query_pb2 as hq, query_pb2_grpc as hg

    return bytes(hg.QueryStub(chain.channel).Host(hq.QueryHostRequest(operator=operator), timeout=5)
                 .host.consensus_pubkey)


def _check_restarted_worker(net, chain: Chain, epoch: int, host: str) -> None:
    from abci_app.client import NodeClient

    state = json.loads((net.home(RESTARTED) / "worker" / "sprint-state.json").read_text())
    mine = state["epochs"][str(epoch)]
    on_chain = chain.proofs(epoch, host)
    found = {int(n): d for n, d in mine["found"].items()}
    assert found == on_chain, "found nonces and on-chain proofs differ after the restart"
    with NodeClient(net.grpc_address(0)) as client:
        for tx_hash in mine["submitted_txs"]:
            result = client.get_tx(tx_hash)
            assert result is not None and result.tx_response.code == 0, (tx_hash, result)
    logs = net.home(RESTARTED) / "logs"
    assert (logs / "worker.log.1").exists(), "the worker was not restarted (its first log was not rotated)"
    assert "sprint:" in (logs / "worker.log").read_text(), "the restarted worker did not search"
