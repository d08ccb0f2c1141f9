"""A training grant end to end on the 4-validator localnet with workers (real CometBFT, `sprintd` CLI,
torch workers; docs/governance.md, docs/training.md §12).

The "training_fund" module account holds FUND at genesis (a bank balance of its module address, with
the declared supply raised by as much). Node 3's operator proposes a tiny-lm fine-tune through
`sprintd tx gov submit-proposal training-grant` with exactly the minimum deposit (the CLI puts the
24 KB dataset on its node's blob service); the operators of nodes 0-2 vote yes in the signal and in
the execution vote. At the stated enactment height exactly BUDGET moves from the fund into the
training escrow and the job is queued with payer_module training_fund; the workers train and verify
it to COMPLETED; the output model is registered (owned by the proposer); at the completion height
the hosts receive exactly what the job records as paid and the rest of the budget goes back to the
fund, not to any account. No inference job runs, so nothing else pays into the fund. Run under
`flock /tmp/sprint-e2e.lock`."""

from __future__ import annotations

import json
import subprocess
import sys

import grpc
import pytest

from abci_app.ports import find_port_range
from tests.e2e.conftest import require_cometbft
from tests.e2e.test_sprint_localnet import IPS, N, set_module_params, set_sprint_params, sprint_params, sprintd
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.e2e

FUND = 50_000_000  # usprint held by "training_fund" at genesis
MIN_DEPOSIT = 1000
GOV_PARAMS = {"min_deposit": {"denom": "usprint", "amount": str(MIN_DEPOSIT)}, "min_initial_deposit_bps": 10_000,
              "deposit_blocks": "100", "signal_blocks": "20", "timelock_blocks": "3", "execution_blocks": "20",
              "enact_delay_blocks": "3"}
# 20 steps of 4 x 32 tokens, a checkpoint every 2 steps: 10 intervals in 2 segments of 5; a committee of 2.
JOB = {"steps": 20, "batch": 4, "seq": 32, "interval": 2, "lr": "3e-3"}
TRAINING_PARAMS = {"intervals_per_segment": 5, "segment_blocks": "80", "reveal_blocks": "60", "vote_blocks": "60",
                   "reverify_blocks": "40", "queue_blocks": "400", "default_committee_size": 2}
SPRINT = {"commit_blocks": "100000"}  # the first epoch's commit phase outlasts the test: no settlement
PROPOSER, VOTERS = 3, (0, 1, 2)
OUTPUT_MODEL = "tiny-grant"
TRAIN_BYTES = 24_576


def module_bech32(name: str) -> str:
    from chain.modules.bank.keys import module_address
    from chain.tx.crypto import encode_address

    return encode_address(module_address(name))


def fund_training_fund(directory, amount: int) -> None:
    """Give "training_fund" `amount` usprint in every node's genesis: its module account, its balance,
    and the declared supply raised by the same amount (the genesis supply invariant holds)."""
    address = module_bech32("training_fund")
    for genesis_path in sorted(directory.glob("node*/config/genesis.json")):
        genesis = json.loads(genesis_path.read_text())
        app_state = genesis["app_state"]
        accounts = app_state["auth"]["accounts"]
        number = max(int(a["account_number"]) for a in accounts) + 1
        accounts.append({"address": address, "account_number": str(number), "sequence": "0"})
        app_state["bank"]["balances"].append({"address": address, "coins": [{"denom": "usprint",
                                                                             "amount": str(amount)}]})
        for coin in app_state["bank"]["supply"]:
            if coin["denom"] == "usprint":
                coin["amount"] = str(int(coin["amount"]) + amount)
        genesis_path.write_text(json.dumps(genesis, indent=2))


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    require_cometbft()
    from abci_app.localnet_runner import Localnet
    from worker.training.tolerance import DEFAULT_TOLERANCE_PPM

    directory = tmp_path_factory.mktemp("grantnet") / "net"
    base = find_port_range(IPS)
    if base is None:
        pytest.skip("no free port range on 127.0.0.1-4")
    init = sprintd("testnet", "init", "--validators", str(N), "--output", str(directory), "--seed", "grant-e2e",
                   "--base-port", str(base), "--grpc-port", str(base + 3), "--block-time", "300ms",
                   "--timeout-propose", "2s")
    assert init.returncode == 0, init.stderr
    set_sprint_params(directory, {**sprint_params(), **SPRINT})
    set_module_params(directory, "gov", GOV_PARAMS)
    set_module_params(directory, "training", {**TRAINING_PARAMS, "default_tolerance_ppm": DEFAULT_TOLERANCE_PPM})
    fund_training_fund(directory, FUND)
    local = Localnet(directory)
    for i in range(N):
        local.worker_args[i] = ["--threads", "1", "--device", "cpu", "--precision", "fp32"]
    try:
        local.start(workers=False, ready_timeout=90)  # started once the grant has passed (CPU for the votes)
        yield local
    finally:
        local.stop()
        assert not local.running(), f"processes left running: {local.running()}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from worker.training.corpus import english_corpus

    path = tmp_path_factory.mktemp("grantcorpus") / "train.txt"
    path.write_bytes(english_corpus(TRAIN_BYTES, 1))
    return path


# ---------------------------------------------------------------------- CLI and queries


def tx_args(net, node: int) -> list[str]:
    return ["--from", "operator", "--home", str(net.home(node)), "--keyring-backend", "test", "--yes", "--wait",
            "--output", "json"]


def q(net, *args: str, node: int = 0) -> dict:
    result = sprintd("q", *args, "--home", str(net.home(node)), "--output", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def vote_all(net, proposal_id: str) -> None:
    """Nodes 0-2's operators vote yes at once (one CLI process each)."""
    procs = [subprocess.Popen([sys.executable, "-m", "abci_app.cli.main", "tx", "gov", "vote", proposal_id, "yes",
                               *tx_args(net, i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in VOTERS]
    for proc in procs:
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
        assert json.loads(out)["code"] == 0, out


def wait_status(net, proposal_id: str, status: str, timeout: float = 60) -> dict:
    def reached():
        p = q(net, "gov", "proposal", proposal_id)["proposal"]
        return p["status"] == f"PROPOSAL_STATUS_{status}" and p

    return wait_until(reached, timeout, f"proposal {proposal_id} to reach {status}", interval=0.5)


def balance_at(net, address: str, height: int) -> int:
    """The usprint balance of `address` in the state at `height` (gRPC with the height header)."""
    import cosmpy.protos  # noqa: F401
    from cosmos.bank.v1beta1 import query_pb2, query_pb2_grpc

    stub = query_pb2_grpc.QueryStub(grpc.insecure_channel(net.grpc_address(0)))
    resp = stub.Balance(query_pb2.QueryBalanceRequest(address=address, denom="usprint"),
                        metadata=[("x-cosmos-block-height", str(height))], timeout=5)
    return int(resp.balance.amount or 0)


def training_job(net, job_id: int):
    from sprint.training.v1 import query_pb2, query_pb2_grpc

    stub = query_pb2_grpc.QueryStub(grpc.insecure_channel(net.grpc_address(0)))
    return stub.Job(query_pb2.QueryJobRequest(id=job_id), timeout=5).job


def registered_model(net, name: str):
    from sprint.inference.v1 import query_pb2, query_pb2_grpc

    stub = query_pb2_grpc.QueryStub(grpc.insecure_channel(net.grpc_address(0)))
    return stub.Model(query_pb2.QueryModelRequest(name=name), timeout=5).model


def job_cost(net) -> int:
    """train_cost + verify_cost of JOB with the chain's training params (chain/modules/training/cost.py)."""
    from sprint.training.v1 import query_pb2, query_pb2_grpc, training_pb2

    from chain.modules.training.cost import job_costs, load_gflop, param_count
    from genesis.tiny_lm import TINY_LM

    stub = query_pb2_grpc.QueryStub(grpc.insecure_channel(net.grpc_address(0)))
    params = stub.Params(query_pb2.QueryParamsRequest(), timeout=5).params
    hyper = training_pb2.Hyperparams(batch_size=JOB["batch"], seq_len=JOB["seq"], total_steps=JOB["steps"],
                                     checkpoint_interval=JOB["interval"])
    train, verify = job_costs(params, load_gflop(param_count(TINY_LM), hyper), params.default_sample_ppm,
                              params.default_committee_size)
    return train + verify


def status_name(job) -> str:
    from sprint.training.v1 import training_pb2

    return training_pb2.TrainingJobStatus.Name(job.status).removeprefix("TRAINING_JOB_STATUS_")


def workers_alive(net) -> None:
    for i in range(N):
        if net.pid(i, "worker") is None:
            raise AssertionError(f"worker {i} died:\n{(net.home(i) / 'logs' / 'worker.log').read_text()[-3000:]}")


# ---------------------------------------------------------------------- the test


def submit_grant(net, corpus, budget: int) -> str:
    """`sprintd tx gov submit-proposal training-grant` from node 3's operator; the proposal id."""
    result = sprintd("tx", "gov", "submit-proposal", "training-grant", "--model", "tiny-lm", "--dataset-file",
                     str(corpus), "--steps", str(JOB["steps"]), "--batch-size", str(JOB["batch"]), "--seq-len",
                     str(JOB["seq"]), "--checkpoint-interval", str(JOB["interval"]), "--lr", JOB["lr"],
                     "--output-model", OUTPUT_MODEL, "--budget", f"{budget}usprint", "--deposit",
                     f"{MIN_DEPOSIT}usprint", "--title", "fine-tune tiny-lm", *tx_args(net, PROPOSER))
    assert result.returncode == 0 and json.loads(result.stdout)["code"] == 0, result.stdout + result.stderr
    assert "dataset blob" in result.stderr, result.stderr  # uploaded (or found) on node 3's blob service
    [listed] = q(net, "gov", "proposals")["proposals"]
    assert listed["status"] == "PROPOSAL_STATUS_SIGNAL_VOTING", listed  # the minimum deposit opened the vote
    return listed["id"]


def pass_both_votes(net, pid: str) -> int:
    """Signal and execution vote, 3 of 4 hosts yes; the enactment height stored on the PASSED proposal."""
    vote_all(net, pid)
    tally = q(net, "gov", "tally", pid)
    assert tally["running"] and tally["stage"] == "signal"
    assert int(tally["tally"]["yes"]) * 4 == int(tally["tally"]["total_power"]) * 3
    wait_status(net, pid, "TIMELOCK", timeout=60)
    wait_status(net, pid, "EXECUTION_VOTING", timeout=30)
    vote_all(net, pid)
    for i in range(N):  # the workers start while the execution vote runs out
        net.start_worker(i)
    passed = wait_status(net, pid, "PASSED", timeout=60)
    enact = int(passed["enact_height"])
    assert enact == int(passed["execution_end_height"]) + int(GOV_PARAMS["enact_delay_blocks"])
    return enact


def test_a_training_grant_funds_a_job_that_workers_train_to_completion(net, corpus):
    fund, escrow = module_bech32("training_fund"), module_bech32("training")
    operators = [node["operator"]["address"] for node in net.nodes]
    proposer = operators[PROPOSER]
    cost = job_cost(net)
    budget = 3 * cost
    assert balance_at(net, fund, 1) == FUND and balance_at(net, escrow, 1) == 0

    pid = submit_grant(net, corpus, budget)
    enact = pass_both_votes(net, pid)
    enacted = wait_status(net, pid, "ENACTED", timeout=30)
    assert int(enacted["enact_height"]) == enact
    job_id = int(enacted["training_job_id"])
    net.wait_for_height(enact, nodes=[0], timeout=30)
    # exactly the budget moved from the fund into the escrow, at the stated height and not before
    assert (balance_at(net, fund, enact - 1), balance_at(net, escrow, enact - 1)) == (FUND, 0)
    assert (balance_at(net, fund, enact), balance_at(net, escrow, enact)) == (FUND - budget, budget)
    job = training_job(net, job_id)
    assert (job.submitter, job.payer_module, job.budget, job.submit_height) == (proposer, "training_fund", budget,
                                                                               enact)
    assert job.train_cost + job.verify_cost == cost and job.base_model == "tiny-lm"
    print(f"grant: proposal {pid} enacted at height {enact}; job {job_id} budget {budget} (cost {cost}); "
          f"fund {FUND} -> {FUND - budget}")

    job = wait_until(lambda: status_name(j := training_job(net, job_id)) in ("COMPLETED", "FAILED") and j, 180,
                     f"training job {job_id} to finish", interval=1.0, alive=lambda: workers_alive(net))
    assert status_name(job) == "COMPLETED", (job.fail_reason, job)
    assert job.output_model == OUTPUT_MODEL and job.bounty_paid == 0 and job.reassignments == 0
    model = registered_model(net, OUTPUT_MODEL)
    assert (model.owner, model.weights_sha256) == (proposer, job.output_weights_sha256)

    end, paid = job.finished_height, job.paid_provers + job.paid_verifiers
    assert 0 < paid <= cost and job.refunded == budget - paid
    net.wait_for_height(end, nodes=[0], timeout=30)
    assert balance_at(net, escrow, end - 1) == budget and balance_at(net, escrow, end) == 0
    assert balance_at(net, fund, end - 1) == FUND - budget
    assert balance_at(net, fund, end) == FUND - paid  # the unused budget went back to the fund
    # the hosts got exactly the recorded pay at completion; no operator (the proposer included) got the refund
    gained = {op: balance_at(net, op, end) - balance_at(net, op, end - 1) for op in operators}
    assert sum(gained.values()) == paid and gained[job.host] == job.paid_provers, gained  # a prover never votes
    assert balance_at(net, fund, max(net.heights([0]))) == FUND - paid
    print(f"completed at height {end}: paid provers {job.paid_provers}, verifiers {job.paid_verifiers}, "
          f"refunded {job.refunded} to the fund; fund {FUND} -> {FUND - paid}; host gains {list(gained.values())}")
