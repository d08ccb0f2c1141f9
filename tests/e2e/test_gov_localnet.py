"""Governance end to end on the 4-validator localnet (real CometBFT, `sprintd` CLI): a param-change
proposal (inference expiry_blocks 20 -> 40) passes the signal vote, waits out the timelock, passes
the execution vote with 3 of the 4 hosts voting yes, and takes effect exactly at its enactment
height (gRPC params at that height show the new value, one height before the old one). Short gov
periods come from the genesis params. Run under `flock /tmp/sprint-e2e.lock`."""

from __future__ import annotations

import json
import subprocess
import sys

import grpc
import pytest

from abci_app.ports import find_port_range
from tests.e2e.conftest import require_cometbft
from tests.e2e.test_sprint_localnet import set_module_params
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.e2e

N = 4
IPS = [f"127.0.0.{i + 1}" for i in range(N)]
GOV_PARAMS = {"min_deposit": {"denom": "usprint", "amount": "1000"}, "min_initial_deposit_bps": 10_000,
              "deposit_blocks": "100", "signal_blocks": "25", "timelock_blocks": "5", "execution_blocks": "25",
              "enact_delay_blocks": "5"}
VOTERS = (0, 1, 2)  # node 3's host does not vote


def sprintd(*args, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "abci_app.cli.main", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    require_cometbft()
    from abci_app.localnet_runner import Localnet

    directory = tmp_path_factory.mktemp("govnet") / "net"
    base = find_port_range(IPS)
    if base is None:
        pytest.skip("no free port range on 127.0.0.1-4")
    init = sprintd("testnet", "init", "--validators", str(N), "--output", str(directory), "--seed", "gov-e2e",
                   "--base-port", str(base), "--grpc-port", str(base + 3), "--block-time", "300ms",
                   "--timeout-propose", "1s", "--epoch-length", "3000")
    assert init.returncode == 0, init.stderr
    set_module_params(directory, "gov", GOV_PARAMS)
    local = Localnet(directory)
    try:
        local.start(workers=False, ready_timeout=90)
        yield local
    finally:
        local.stop()
        assert not local.running(), f"processes left running: {local.running()}"


def q(net, *args: str, node: int = 0) -> dict:
    result = sprintd("q", *args, "--home", str(net.home(node)), "--output", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def tx_args(net, node: int) -> list[str]:
    return ["--from", "operator", "--home", str(net.home(node)), "--keyring-backend", "test", "--yes", "--wait",
            "--output", "json"]


def vote_all(net, proposal_id: str) -> None:
    """Nodes 0-2's operators vote yes at once (one CLI process each)."""
    procs = [subprocess.Popen([sys.executable, "-m", "abci_app.cli.main", "tx", "gov", "vote", proposal_id, "yes",
                               *tx_args(net, i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in VOTERS]
    for proc in procs:
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
        assert json.loads(out)["code"] == 0, out


def proposal(net, proposal_id: str) -> dict:
    return q(net, "gov", "proposal", proposal_id)["proposal"]


def wait_status(net, proposal_id: str, status: str, timeout: float = 60) -> dict:
    return wait_until(lambda: (p := proposal(net, proposal_id))["status"] == f"PROPOSAL_STATUS_{status}" and p,
                      timeout, f"proposal {proposal_id} to reach {status}", interval=0.5)


def expiry_at(net, height: int) -> int:
    from sprint.inference.v1 import query_pb2, query_pb2_grpc

    stub = query_pb2_grpc.QueryStub(grpc.insecure_channel(net.grpc_address(1)))
    params = stub.Params(query_pb2.QueryParamsRequest(), metadata=[("x-cosmos-block-height", str(height))],
                         timeout=5).params
    return params.expiry_blocks


def test_param_change_passes_both_votes_with_three_of_four_hosts_and_takes_effect_at_its_height(net):
    assert q(net, "gov", "params")["params"]["signal_blocks"] == "25"
    assert q(net, "inference", "params")["params"]["expiry_blocks"] == "20"
    bad = sprintd("tx", "gov", "submit-proposal", "param-change", "--module", "inference", "--set", "expiry_blocks=0",
                  "--deposit", "1000usprint", *tx_args(net, 0))
    assert bad.returncode != 0 and "expiry_blocks must be >= 1" in bad.stderr, bad.stdout + bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr

    submitted = sprintd("tx", "gov", "submit-proposal", "param-change", "--module", "inference", "--set",
                        "expiry_blocks=40", "--deposit", "1000usprint", "--title", "longer expiry", *tx_args(net, 0))
    assert submitted.returncode == 0 and json.loads(submitted.stdout)["code"] == 0, submitted.stdout + submitted.stderr
    [listed] = q(net, "gov", "proposals")["proposals"]
    pid = listed["id"]
    assert listed["status"] == "PROPOSAL_STATUS_SIGNAL_VOTING"

    vote_all(net, pid)
    tally = q(net, "gov", "tally", pid)
    assert tally["running"] and tally["stage"] == "signal"
    assert int(tally["tally"]["yes"]) * 4 == int(tally["tally"]["total_power"]) * 3  # equal stakes and scores
    wait_status(net, pid, "TIMELOCK", timeout=60)
    execution = wait_status(net, pid, "EXECUTION_VOTING", timeout=30)
    assert int(execution["execution_start_height"]) == int(execution["timelock_end_height"]) + 1

    vote_all(net, pid)
    passed = wait_status(net, pid, "PASSED", timeout=60)
    enact = int(passed["enact_height"])
    assert enact == int(passed["execution_end_height"]) + 5
    enacted = wait_status(net, pid, "ENACTED", timeout=30)
    assert int(enacted["enact_height"]) == enact
    net.wait_for_height(enact + 1, nodes=[1], timeout=30)
    assert expiry_at(net, enact - 1) == 20
    assert expiry_at(net, enact) == 40
    assert q(net, "inference", "params", node=3)["params"]["expiry_blocks"] == "40"
    again = sprintd("tx", "gov", "vote", pid, "yes", *tx_args(net, 3))
    assert again.returncode != 0 and "no vote is open" in again.stderr, again.stdout + again.stderr
