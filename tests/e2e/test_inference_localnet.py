"""Inference end to end: 4 validators + 4 torch workers on real CometBFT, two of them cheating.

Users submit 50 inferences to the genesis tiny-lm. Every job gets a result. Node 2's worker runs
`--cheat smaller-model` (a cheaper model answers), node 3's `--cheat prefill` (a cheaper model picks the
tokens, the real model computes their logprobs); both are caught by spot checks and a >50%-weight
re-verification, slashed, banned, and lose the epoch's rewards. The honest hosts (node 1 executes in
bf16 and is checked by fp32 workers) are never penalized: no slash, no fraud, nothing withheld.
"""

from __future__ import annotations


import grpc
import pytest

from abci_app.ports import find_port_range
from tests.e2e.conftest import require_cometbft
from tests.e2e.test_sprint_localnet import IPS, N, set_module_params, set_sprint_params, sprint_params, sprintd
from tests.helpers.wait import wait_until as shared_wait_until

pytestmark = pytest.mark.e2e

CHEATS = {2: "smaller-model", 3: "prefill"}
BF16_HOST = 1
JOBS = 50
PHASES = {"commit_blocks": "4", "reveal_blocks": "3", "sprint_blocks": "8", "proof_blocks": "3",
          "validation_blocks": "8", "settlement_blocks": "4"}
INFERENCE_PARAMS = {"expiry_blocks": "40", "reverify_blocks": "10"}
FINAL = {"JOB_STATUS_COMPLETED", "JOB_STATUS_SETTLED", "JOB_STATUS_FRAUD", "JOB_STATUS_REVERIFYING"}


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    require_cometbft()
    from abci_app.localnet_runner import Localnet

    directory = tmp_path_factory.mktemp("infernet") / "net"
    base = find_port_range(IPS)
    if base is None:
        pytest.skip("no free port range on 127.0.0.1-4")
    init = sprintd("testnet", "init", "--validators", str(N), "--output", str(directory), "--seed", "infer-e2e",
                   "--base-port", str(base), "--grpc-port", str(base + 3), "--block-time", "300ms",
                   "--timeout-propose", "2s")
    assert init.returncode == 0, init.stderr
    set_sprint_params(directory, {**sprint_params(), **PHASES})
    set_module_params(directory, "inference", INFERENCE_PARAMS)
    args = {i: ["--threads", "1", "--device", "cpu", "--inference-dtype", "fp32"] for i in range(N)}
    args[BF16_HOST][-1] = "bf16"
    for i, mode in CHEATS.items():
        args[i] += ["--cheat", mode]
    local = Localnet(directory, worker_args=args)
    try:
        local.start(workers=True, ready_timeout=90)
        yield local
    finally:
        local.stop()
        assert not local.running(), f"processes left running: {local.running()}"


class Views:
    """gRPC query stubs on node 0."""

    def __init__(self, net):
        from sprint.inference.v1 import query_pb2_grpc as inference
        from sprint.reputation.v1 import query_pb2_grpc as reputation
        from sprint.rewards.v1 import query_pb2_grpc as rewards
        from sprint.sprint.v1 import query_pb2_grpc as sprint
        from sprint.staking.v1 import query_pb2_grpc as staking

        channel = grpc.insecure_channel(net.grpc_address(0))
        self.net = net
        self.inference, self.sprint = inference.QueryStub(channel), sprint.QueryStub(channel)
        self.reputation, self.rewards = reputation.QueryStub(channel), rewards.QueryStub(channel)
        self.staking = staking.QueryStub(channel)

    def epoch(self, number=None):
        from sprint.sprint.v1 import query_pb2

        request = query_pb2.QueryEpochRequest() if number is None else query_pb2.QueryEpochRequest(number=number)
        return self.sprint.Epoch(request, timeout=5).epoch

    def committed_secrets(self, epoch: int) -> set[str]:
        from sprint.inference.v1 import query_pb2

        try:
            audit = self.inference.Audit(query_pb2.QueryAuditRequest(epoch=epoch), timeout=5)
        except grpc.RpcError:
            return set()
        return {s.host for s in audit.secrets if s.commitment}

    def jobs(self, requester: str) -> list:
        from sprint.inference.v1 import query_pb2

        return list(self.inference.Jobs(query_pb2.QueryJobsRequest(requester=requester, limit=1000), timeout=5).jobs)

    def bonded(self, operator: str) -> int:
        from sprint.staking.v1 import query_pb2

        return int(self.staking.Stake(query_pb2.QueryStakeRequest(operator=operator), timeout=5).bonded)

    def reputation_of(self, host: str):
        from sprint.reputation.v1 import query_pb2

        return self.reputation.Host(query_pb2.QueryHostRequest(host=host), timeout=5).reputation

    def outcomes(self, epoch: int) -> dict:
        from sprint.rewards.v1 import query_pb2

        resp = self.rewards.Outcomes(query_pb2.QueryOutcomesRequest(epoch=epoch), timeout=5)
        return {o.host: o for o in resp.outcomes}


def workers_alive(net) -> None:
    for i in range(N):
        if net.pid(i, "worker") is None:
            log = (net.home(i) / "logs" / "worker.log").read_text()[-3000:]
            raise AssertionError(f"worker {i} died:\n{log}")


def wait_until(predicate, timeout: float, what: str, net=None):
    """tests.helpers.wait.wait_until every 0.5 s, failing at once when a worker of `net` has died."""
    alive = (lambda: workers_alive(net)) if net is not None else None
    return shared_wait_until(predicate, timeout, what, interval=0.5, alive=alive)


def submit_jobs(net, user_nodes=(0, 1), per_user=JOBS // 2) -> list[str]:
    """Each user (a node's operator account) submits its jobs in one multi-message tx."""
    from abci_app.client import NodeClient
    from abci_app.keyring import Keyring
    from sprint.inference.v1 import inference_pb2, tx_pb2
    from worker.agent.tx_sender import TxSender

    users = []
    for i in user_nodes:
        key = Keyring(net.home(i), backend="test").signing_key("operator")
        msgs = [tx_pb2.MsgSubmitInference(
            requester=key.bech32, model="tiny-lm", prompt=f"user {i} asks question {n}: what is".encode(),
            max_tokens=12, sampling=inference_pb2.SamplingParams(temperature_milli=800, top_k=40),
            max_fee=100 * (40 + 12)) for n in range(per_user)]
        client = NodeClient(net.grpc_address(i))
        txhash, code, log = TxSender(client, key, net.info["chain_id"]).send(msgs)
        assert code == 0, log
        client.wait_for_tx(txhash, timeout=30)
        users.append(key.bech32)
    return users


def operators(net) -> list[str]:
    return [node["operator"]["address"] for node in net.nodes]


def test_fifty_inferences_complete_and_both_cheaters_are_caught(net):
    views = Views(net)
    hosts = operators(net)
    bonded_before = {h: views.bonded(h) for h in hosts}
    # Start in an epoch whose commit phase every worker's validation secret made it into.
    first = views.epoch().number + 1
    start = wait_until(lambda: (e := views.epoch()).number >= first and len(views.committed_secrets(e.number)) == N
                       and e, timeout=150, what="an epoch with all four validation secrets committed", net=net)
    users = submit_jobs(net)
    jobs = wait_until(lambda: (js := views.jobs(users[0]) + views.jobs(users[1]))
                      and all(j.output_token_count > 0 and inference_status(j) in FINAL for j in js) and js,
                      timeout=120, what="results for all 50 jobs", net=net)
    assert len(jobs) == JOBS
    # Settlement of the jobs' audit epoch: checks proven, fees paid, rewards released or forfeited.
    audit = max(j.audit_epoch for j in jobs)
    info = views.epoch(audit) if audit <= views.epoch().number else None
    end = info.end_height if info else start.end_height + (audit - start.number) * (start.end_height - start.start_height + 1)
    net.wait_for_height(end + 2, nodes=[0], timeout=150)
    outcomes = views.outcomes(audit)
    jobs = views.jobs(users[0]) + views.jobs(users[1])

    by_executor: dict[str, list] = {}
    for job in jobs:
        by_executor.setdefault(job.executor, []).append(job)
    for i, host in enumerate(hosts):
        statuses = sorted(inference_status(j)[11:] for j in by_executor.get(host, []))
        print(f"host {i} ({CHEATS.get(i, 'honest')}): {len(statuses)} jobs {statuses}")
    for i, mode in CHEATS.items():
        cheater = hosts[i]
        assert by_executor.get(cheater), f"no job was drawn to the {mode} cheater"
        frauds = [j for j in by_executor[cheater] if inference_status(j) == "JOB_STATUS_FRAUD"]
        assert frauds, f"the {mode} cheater was never caught: {[inference_status(j) for j in by_executor[cheater]]}"
        rep = views.reputation_of(cheater)
        assert rep.frauds >= 1 and rep.honest_epochs == 0, rep
        assert views.bonded(cheater) < bonded_before[cheater], f"the {mode} cheater was not slashed"
        caught_epochs = [o for e in range(start.number, audit + 1) for h, o in views.outcomes(e).items()
                         if h == cheater and o.caught]
        assert caught_epochs and all(o.released == 0 for o in caught_epochs), caught_epochs
    for i, host in enumerate(hosts):
        if i in CHEATS:
            continue
        assert views.bonded(host) >= bonded_before[host], f"honest host {i} was slashed"
        rep = views.reputation_of(host)
        assert rep.frauds == 0, rep
        mine = by_executor.get(host, [])
        assert all(inference_status(j) != "JOB_STATUS_FRAUD" for j in mine), f"honest host {i} judged fraudulent"
        outcome = outcomes[host]
        assert not outcome.caught and outcome.withheld == 0 and outcome.forfeited == 0, outcome
        assert outcome.released > 0, outcome
    checked = sum(1 for j in by_executor.get(hosts[BF16_HOST], []) if j.checks)
    print(f"bf16 host: {len(by_executor.get(hosts[BF16_HOST], []))} jobs, {checked} checked by fp32 hosts, 0 flagged")


def inference_status(job) -> str:
    from sprint.inference.v1 import inference_pb2

    return inference_pb2.JobStatus.Name(job.status)
