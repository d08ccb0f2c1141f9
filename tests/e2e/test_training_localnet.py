"""Verified training end to end: 4 validators + 4 torch workers on real CometBFT (docs/training.md).

One localnet for the whole file. The workers start once the first job is assigned: its host's worker
trains in fp32, the next node's in bf16 (honest, checked by fp32 re-execution), the other two run
`--cheat skip-intervals` and `--cheat noise`. The Sprint stays in a long commit phase (no settlement:
host weights stay at genesis, no nonce search takes the CPU from training). Bans last BAN_BLOCKS, so
the cheating workers restart in two later rounds with the other three modes (truncated-batch,
stale-gradient, low-precision); tests/unit/worker/test_training_agent_cheats.py shows all five at
worker level too.

1. Bad submissions through the real node are refused with a code and change nothing.
2. A tiny-lm fine-tune on a 24 KB English-like text, submitted with `sprintd tx training submit --wait`,
   and three more jobs (so every host, both cheaters included, gets one). Meanwhile the fp32 prover's
   worker is paused at a SAMPLED segment: a reveal that does not match the committed root is refused;
   the worker is killed (-9), restarted, and reveals from its disk; a vote from a host off the
   committee is refused.
3. Every job completes: each cheater's job is caught (fraud, slashed, banned, re-assigned) and finished
   by an honest host; the bf16 host is never flagged; the killed prover's job needed no re-assignment.
4. The output model's held-out loss is lower than the base model's by at least MARGIN_BITS bits per
   byte, and an inference job on it returns text whose byte frequencies are closer to the corpus.
5. Rounds 2 and 3: four more jobs each (one per host); each cheater, in its new mode, is caught again
   (fraud, slashed, banned) and its job finished by an honest host.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import signal
import time

import grpc
import pytest

from abci_app.ports import find_port_range
from tests.e2e.conftest import require_cometbft
from tests.e2e.test_sprint_localnet import IPS, N, set_module_params, set_sprint_params, sprint_params, sprintd
from tests.helpers.wait import wait_until as shared_wait_until

pytestmark = pytest.mark.e2e

# Roles of the four workers, in this order: the host the first job (the CLI's) is assigned to trains
# in fp32 (it is paused and killed in test 2), the others in node order (set by test 2).
ROLES = ("fp32", "bf16", "skip-intervals", "noise")
CHEAT_MODES = ROLES[2:]
SEGMENT_INTERVALS = 4
# Capacity 8 GFLOP per weight: a genesis host (weight 10) holds one job at a time (main 77 GFLOP, bait
# 46), so a batch of jobs spreads over the free hosts whatever their scores.
TRAINING_PARAMS = {
    "intervals_per_segment": SEGMENT_INTERVALS, "segment_blocks": "120", "reveal_blocks": "80",
    "vote_blocks": "60", "reverify_blocks": "40", "queue_blocks": "2000", "default_sample_ppm": 250_000,
    "default_committee_size": 2, "max_reassignments": 8, "capacity_gflop_per_weight": "8",
}
BAN_BLOCKS = 40  # short, so the cheaters serve again in the later rounds
# Later rounds: the cheating workers restart with the other modes (role -> mode of round 2, of round 3).
ROUNDS = ({"skip-intervals": "truncated-batch", "noise": "stale-gradient"},
          {"skip-intervals": "low-precision", "noise": "low-precision"})
# The first epoch's commit phase outlasts the test: no settlement, no nonce search.
SPRINT = {"commit_blocks": "100000"}
MAIN = {"steps": 200, "batch": 8, "seq": 64, "interval": 10, "lr": "3e-3"}
BAIT = {"steps": 120, "batch": 8, "seq": 64, "interval": 10, "lr_nano": 3_000_000}
MARGIN_BITS = 2.0
TRAIN_BYTES, HELD_OUT_BYTES = 24_576, 4_096
VERDICT_VALID, VERDICT_INVALID = 1, 2  # sprint.inference.v1.Verdict
STATE: dict = {}  # what the tests of this file hand to each other (they run in order)


# ---------------------------------------------------------------------- the localnet


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    require_cometbft()
    from abci_app.localnet_runner import Localnet

    directory = tmp_path_factory.mktemp("trainnet") / "net"
    base = find_port_range(IPS)
    if base is None:
        pytest.skip("no free port range on 127.0.0.1-4")
    init = sprintd("testnet", "init", "--validators", str(N), "--output", str(directory), "--seed", "train-e2e",
                   "--base-port", str(base), "--grpc-port", str(base + 3), "--block-time", "300ms",
                   "--timeout-propose", "2s")
    assert init.returncode == 0, init.stderr
    set_sprint_params(directory, {**sprint_params(), **SPRINT})
    set_module_params(directory, "staking", {"ban_blocks": str(BAN_BLOCKS)})
    from worker.training.tolerance import DEFAULT_TOLERANCE_PPM

    # the tolerance the worker library calibrated (honest bf16 vs fp32 below it, every cheat above)
    set_module_params(directory, "training", {**TRAINING_PARAMS, "default_tolerance_ppm": DEFAULT_TOLERANCE_PPM})
    local = Localnet(directory)
    try:
        local.start(workers=False, ready_timeout=90)  # test 2 starts them once it knows the roles
        yield local
    finally:
        for i in range(N):  # a paused worker would ignore SIGTERM until the stop timeout
            _signal_worker(local, i, signal.SIGCONT)
        local.stop()
        assert not local.running(), f"processes left running: {local.running()}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(training file, held-out bytes): deterministic English-like text, disjoint seeds."""
    from worker.training.corpus import english_corpus

    path = tmp_path_factory.mktemp("corpus") / "train.txt"
    path.write_bytes(english_corpus(TRAIN_BYTES, 1))
    return path, english_corpus(HELD_OUT_BYTES, 2)


class Chain:
    """gRPC query stubs on node 0."""

    def __init__(self, net):
        from sprint.hosts.v1 import query_pb2_grpc as hosts
        from sprint.inference.v1 import query_pb2_grpc as inference
        from sprint.staking.v1 import query_pb2_grpc as staking
        from sprint.training.v1 import query_pb2_grpc as training

        channel = grpc.insecure_channel(net.grpc_address(0))
        self.net = net
        self.training, self.hosts = training.QueryStub(channel), hosts.QueryStub(channel)
        self.staking, self.inference = staking.QueryStub(channel), inference.QueryStub(channel)

    def jobs(self) -> list:
        from sprint.training.v1 import query_pb2

        return list(self.training.Jobs(query_pb2.QueryJobsRequest(limit=100), timeout=5).jobs)

    def job(self, job_id: int):
        from sprint.training.v1 import query_pb2

        return self.training.Job(query_pb2.QueryJobRequest(id=job_id), timeout=5).job

    def params(self):
        from sprint.training.v1 import query_pb2

        return self.training.Params(query_pb2.QueryParamsRequest(), timeout=5).params

    def bonded(self, operator: str) -> int:
        from sprint.staking.v1 import query_pb2

        return int(self.staking.Stake(query_pb2.QueryStakeRequest(operator=operator), timeout=5).bonded)

    def host(self, operator: str):
        from sprint.hosts.v1 import query_pb2

        return self.hosts.Host(query_pb2.QueryHostRequest(operator=operator), timeout=5).host

    def inference_job(self, job_id: int):
        from sprint.inference.v1 import query_pb2

        return self.inference.Job(query_pb2.QueryJobRequest(id=job_id), timeout=5).job


def role(name: str) -> int:
    """The node whose worker plays `name` (see ROLES)."""
    return STATE["roles"][name]


def cheaters() -> dict[int, str]:
    return {role(mode): mode for mode in CHEAT_MODES}


def start_workers(net, fp32_node: int) -> None:
    """Give `fp32_node` the fp32 role and the other nodes the rest in order; start the four workers."""
    order = [fp32_node] + [i for i in range(N) if i != fp32_node]
    STATE["roles"] = dict(zip(ROLES, order))
    for name, i in STATE["roles"].items():
        args = ["--threads", "1", "--device", "cpu", "--inference-dtype", "fp32"]
        args += ["--precision", "bf16" if name == "bf16" else "fp32"]
        net.worker_args[i] = args + (["--cheat", name] if name in CHEAT_MODES else [])
        net.start_worker(i)


def operators(net) -> list[str]:
    return [node["operator"]["address"] for node in net.nodes]


def workers_alive(net) -> None:
    for i in range(N):
        if net.pid(i, "worker") is None:
            log = (net.home(i) / "logs" / "worker.log").read_text()[-3000:]
            raise AssertionError(f"worker {i} died:\n{log}")


def wait_until(predicate, timeout: float, what: str, net=None, interval: float = 0.5):
    """The shared wait, failing at once when a worker died; a timeout also shows every training job."""
    alive = (lambda: workers_alive(net)) if net is not None else None
    try:
        return shared_wait_until(predicate, timeout, what, interval=interval, alive=alive)
    except AssertionError as err:
        if net is None:
            raise
        raise AssertionError(f"{err}\njobs: {describe_jobs(Chain(net))}") from None


def describe_jobs(chain) -> list[str]:
    """One line per training job: id, status, host, segments (index:host-suffix:status), fail reason."""
    return [f"{j.id} {status_name(j)} host={j.host[-6:]} reassigned={j.reassignments} excluded="
            f"{[h[-6:] for h in j.excluded]} segments={[(s.index, s.host[-6:], segment_status(s)) for s in j.segments_log]}"
            f" {j.fail_reason}" for j in chain.jobs()]


def _signal_worker(net, i: int, sig: int) -> None:
    pid = net.pid(i, "worker")
    if pid is not None:
        os.kill(pid, sig)


def key_of(net, i: int, name: str = "operator"):
    from abci_app.keyring import Keyring

    key_name = name if name == "operator" else net.nodes[i]["worker"]["key"]
    return Keyring(net.home(i), backend="test").signing_key(key_name)


def broadcast(net, key, messages: list, node: int = 0):
    """Sign `messages` with `key` (fixed gas: no simulation) and broadcast: the CheckTx response."""
    from abci_app.cli.framework import pack
    from abci_app.client import NodeClient, plan_tx

    with NodeClient(net.grpc_address(node)) as client:
        raw = plan_tx(client, key, [pack(m) for m in messages], net.info["chain_id"], gas=2_000_000).sign(key)
        return client.broadcast(raw)


def status_name(job) -> str:
    from sprint.training.v1 import training_pb2

    return training_pb2.TrainingJobStatus.Name(job.status).removeprefix("TRAINING_JOB_STATUS_")


def segment_status(seg) -> str:
    from sprint.training.v1 import training_pb2

    return training_pb2.SegmentStatus.Name(seg.status).removeprefix("SEGMENT_STATUS_")


# ---------------------------------------------------------------------- 1. bad input


def bait_message(submitter: str, dataset: bytes, output_model: str, budget: int, **overrides):
    from sprint.training.v1 import training_pb2, tx_pb2

    hyper = training_pb2.Hyperparams(lr_nano=BAIT["lr_nano"], beta1_nano=900_000_000, beta2_nano=999_000_000,
                                     eps_nano=10, weight_decay_nano=10_000_000, batch_size=BAIT["batch"],
                                     seq_len=BAIT["seq"], total_steps=BAIT["steps"],
                                     checkpoint_interval=BAIT["interval"])
    for name, value in overrides.pop("hyper", {}).items():
        setattr(hyper, name, value)
    fields = dict(submitter=submitter, base_model="tiny-lm", dataset_sha256=hashlib.sha256(dataset).hexdigest(),
                  dataset_size=len(dataset), hyper=hyper, output_model=output_model, budget=budget)
    fields.update(overrides)
    return tx_pb2.MsgSubmitTrainingJob(**fields)


def job_cost(chain, msg) -> int:
    """train_cost + verify_cost of `msg` with the chain's params (chain/modules/training/cost.py)."""
    from chain.modules.training.cost import job_costs, load_gflop, param_count
    from genesis.tiny_lm import TINY_LM

    params = chain.params()
    train, verify = job_costs(params, load_gflop(param_count(TINY_LM), msg.hyper), params.default_sample_ppm,
                              params.default_committee_size)
    return train + verify


def put_dataset(net, dataset: bytes, node: int = 0) -> None:
    from worker import blob_client

    blob_client.put(net.grpc_address(node), dataset, signer=key_of(net, node), chain_id=net.info["chain_id"])


def test_bad_submissions_are_refused_by_the_node_without_state_change(net, corpus):
    chain = Chain(net)
    key = key_of(net, 1)
    dataset = corpus[0].read_bytes()
    put_dataset(net, dataset)
    good = bait_message(key.bech32, dataset, "never-made", 0)
    cost = job_cost(chain, good)
    cases = [
        (bait_message(key.bech32, dataset, "never-made", 10 * cost, base_model="no-such-model"), "no-such-model"),
        (bait_message(key.bech32, dataset, "never-made", cost - 1), "budget"),
        (bait_message(key.bech32, dataset, "never-made", 10 * cost, hyper={"lr_nano": 2_000_000_000}), "lr"),
        (bait_message(key.bech32, dataset, "never-made", 10 * cost, hyper={"checkpoint_interval": 7}),
         "checkpoint_interval"),
    ]
    from abci_app.client import NodeClient

    with NodeClient(net.grpc_address(0)) as client:
        balance = client.balance(key.bech32)
        for msg, word in cases:
            resp = broadcast(net, key, [msg])
            assert resp.code != 0 and word in resp.raw_log, (msg, resp.code, resp.raw_log)
            print(f"refused with code {resp.code}: {resp.raw_log}")
        net.wait_for_height(max(net.heights([0])) + 2, nodes=[0])
        assert client.balance(key.bech32) == balance
    assert chain.jobs() == []


# ---------------------------------------------------------------------- 2. jobs, a paused prover


def submit_main(net, dataset_path):
    """`sprintd tx training submit ... --wait` from node 0's operator, in the background."""
    import subprocess
    import sys

    argv = [sys.executable, "-m", "abci_app.cli.main", "tx", "training", "submit", "--model", "tiny-lm",
            "--dataset-file", str(dataset_path), "--steps", str(MAIN["steps"]), "--batch-size", str(MAIN["batch"]),
            "--seq-len", str(MAIN["seq"]), "--checkpoint-interval", str(MAIN["interval"]), "--lr", MAIN["lr"],
            "--output-model", "tiny-lm-ft", "--from", "operator", "--home", str(net.home(0)),
            "--keyring-backend", "test", "--yes", "--wait", "--timeout", "480", "--output", "json"]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def submit_baits(net, chain, dataset: bytes, count: int = 3, prefix: str = "bait") -> set[int]:
    """`count` more jobs in one tx from node 1's operator (one per free host); their ids."""
    from abci_app.client import NodeClient

    key = key_of(net, 1)
    before = {j.id for j in chain.jobs()}
    # a committee of every other host: a cheater is caught even when another cheater on its committee is
    # banned before it votes (a committee of 2 with one silent member would let it pass)
    msgs = [bait_message(key.bech32, dataset, f"{prefix}-{n}", 0, committee_size=3) for n in range(count)]
    for msg in msgs:
        msg.budget = 2 * job_cost(chain, msg)
    resp = broadcast(net, key, msgs)
    assert resp.code == 0, resp.raw_log
    with NodeClient(net.grpc_address(0)) as client:
        assert client.wait_for_tx(resp.txhash, timeout=30).tx_response.code == 0
    return {j.id for j in chain.jobs()} - before


def own_segments(job, operator: str) -> list:
    return [s for s in job.segments_log if s.host == operator and segment_status(s) != "VOIDED"]


def pause_at_sampled(net, chain, job_id: int, i: int):
    """Pause (SIGSTOP) worker i as soon as a segment it committed to `job_id` is COMMITTED or SAMPLED
    and unrevealed; returns that segment once it is SAMPLED with the worker paused. A segment that
    got revealed before the pause took is skipped (the worker resumes) and the next one is tried."""
    operator, tried = operators(net)[i], set()
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        fresh = [s for s in own_segments(chain.job(job_id), operator)
                 if segment_status(s) in ("COMMITTED", "SAMPLED") and s.index not in tried]
        if not fresh:
            time.sleep(0.05)
            continue
        _signal_worker(net, i, signal.SIGSTOP)
        index = fresh[0].index
        tried.add(index)
        net.wait_for_height(max(net.heights([0])) + 3, nodes=[0])  # drawn, and any reveal in flight landed
        seg = next(s for s in chain.job(job_id).segments_log if s.index == index and s.host == operator)
        if segment_status(seg) == "SAMPLED":
            return seg
        _signal_worker(net, i, signal.SIGCONT)
    raise AssertionError(f"worker {i} revealed every segment of job {job_id} before it could be paused")


def bad_reveal(net, chain, job, seg):
    """A reveal of the right leaves, losses and end states but proofs that match no root."""
    from sprint.training.v1 import training_pb2, tx_pb2

    from chain.modules.training.reveals import required_intervals
    from chain.modules.training.verification import holding_segment

    reveals = []
    for k in required_intervals(job, seg):
        holder = holding_segment(job, k)
        pos = k - holder.first_interval
        end = pos == holder.interval_count - 1
        weights, optim = ((holder.end_weights_sha256, holder.end_optim_sha256) if end
                          else (hashlib.sha256(b"w%d" % k).hexdigest(), hashlib.sha256(b"o%d" % k).hexdigest()))
        reveals.append(training_pb2.StateReveal(interval=k, weights_sha256=weights, optim_sha256=optim,
                                                loss_micro=holder.losses_micro[pos], proof=[b"\x11" * 32] * 2))
    worker = key_of(net, role("fp32"), "worker")
    msg = tx_pb2.MsgRevealTrainingStates(worker=worker.bech32, job_id=job.id, segment=seg.index, reveals=reveals)
    return broadcast(net, worker, [msg])


def off_committee_vote(net, job, seg):
    """A VALID vote on REVEALED `seg` signed by the worker of a host that is not on its committee."""
    from sprint.inference.v1 import inference_pb2
    from sprint.training.v1 import tx_pb2

    hosts = operators(net)
    outsider = next(i for i, h in enumerate(hosts) if h not in seg.committee and h != seg.host)
    worker = key_of(net, outsider, "worker")
    msg = tx_pb2.MsgVoteTrainingSegment(worker=worker.bech32, job_id=job.id, segment=seg.index,
                                        verdict=inference_pb2.VERDICT_VALID,
                                        distances_ppm=[0] * len(seg.sampled_intervals))
    return outsider, broadcast(net, worker, [msg])


def segment_now(chain, job_id: int, seg):
    return next(s for s in chain.job(job_id).segments_log if s.index == seg.index and s.host == seg.host)


def test_jobs_start_and_a_paused_prover_lets_no_bad_reveal_or_vote_through(net, corpus):
    chain = Chain(net)
    hosts = operators(net)
    STATE["bonded"] = {h: chain.bonded(h) for h in hosts}
    STATE["cli"] = submit_main(net, corpus[0])
    (main,) = wait_until(lambda: (js := chain.jobs()) and js[0].host and js, 90, "the CLI's job assigned")
    start_workers(net, hosts.index(main.host))
    submit_baits(net, chain, corpus[0].read_bytes())
    jobs = wait_until(lambda: (js := chain.jobs()) and len(js) == 4 and all(j.host for j in js) and js, 60,
                      "all four jobs assigned", net)
    assert sorted(j.host for j in jobs) == sorted(hosts), [(j.id, j.host) for j in jobs]
    prover = role("fp32")
    others = [i for i in range(N) if i != prover]
    for i in others:  # the committees wait: the prover's segments stay REVEALED until they vote
        _signal_worker(net, i, signal.SIGSTOP)
    try:
        mine = main
        STATE["restarted_job"] = mine.id
        seg = pause_at_sampled(net, chain, mine.id, prover)
        resp = bad_reveal(net, chain, chain.job(mine.id), seg)
        assert resp.code != 0 and "does not match the root" in resp.raw_log, resp
        net.wait_for_height(max(net.heights([0])) + 2, nodes=[0])
        assert segment_status(segment_now(chain, mine.id, seg)) == "SAMPLED"
        assert not segment_now(chain, mine.id, seg).reveals
        # a crash: the prover's worker restarts and reveals from the states it kept on disk
        net.kill_worker(prover)
        net.start_worker(prover)
        seg = wait_until(lambda: segment_status(s := segment_now(chain, mine.id, seg)) == "REVEALED" and s, 120,
                         f"the restarted worker of node {prover} to reveal segment {seg.index}")
        outsider, resp = off_committee_vote(net, chain.job(mine.id), seg)
        assert resp.code != 0 and "not on the committee" in resp.raw_log, resp
        net.wait_for_height(max(net.heights([0])) + 2, nodes=[0])
        after = segment_now(chain, mine.id, seg)
        assert segment_status(after) == "REVEALED" and all(v.voter != hosts[outsider] for v in after.votes)
    finally:
        for i in others:
            _signal_worker(net, i, signal.SIGCONT)


# ---------------------------------------------------------------------- 3. completion, cheaters, bf16


def all_votes(seg) -> list:
    return list(seg.votes) + list(seg.reverification.votes)


def note_bans(chain) -> None:
    """Remember every ban seen as (host, banned_until): bans end after BAN_BLOCKS, tests check them later."""
    from sprint.hosts.v1 import hosts_pb2

    for operator in operators(chain.net):
        host = chain.host(operator)
        if host.status == hosts_pb2.HOST_STATUS_BANNED:
            STATE.setdefault("bans", set()).add((operator, host.banned_until))


def finished(chain, ids=None) -> list | None:
    """The jobs (all, or `ids`) once every one is COMPLETED or FAILED; notes bans on the way."""
    note_bans(chain)
    jobs = [j for j in chain.jobs() if ids is None or j.id in ids]
    return jobs if jobs and all(status_name(j) in ("COMPLETED", "FAILED") for j in jobs) else None


def assert_cheater_caught(chain, jobs, i: int, mode: str, since: int = 0) -> None:
    cheater = operators(chain.net)[i]
    caught = [j for j in jobs if cheater in j.excluded]
    assert caught, f"the {mode} cheater was never excluded from a job: {[(j.id, list(j.excluded)) for j in jobs]}"
    for job in caught:
        frauds = [s for s in job.segments_log if s.host == cheater and segment_status(s) == "FRAUD"]
        assert frauds, f"job {job.id}: no FRAUD segment of the {mode} cheater"
        assert job.reassignments >= 1 and status_name(job) == "COMPLETED", job
        finishers = {s.host for s in job.segments_log if segment_status(s) == "PASSED"}
        assert finishers and not finishers & {operators(chain.net)[c] for c in cheaters()}, (job.id, finishers)
        invalid = [v for s in frauds for v in all_votes(s) if v.verdict == VERDICT_INVALID]
        print(f"{mode} cheater on job {job.id}: segments {[s.index for s in frauds]} FRAUD, INVALID votes with "
              f"distances {[list(v.distances_ppm) for v in invalid]}; finished by {sorted(finishers)}")
    assert chain.bonded(cheater) < STATE["bonded"][cheater], f"the {mode} cheater was not slashed"
    bans = [until for host, until in STATE.get("bans", ()) if host == cheater and until > since]
    assert bans, f"the {mode} cheater was never seen banned after height {since}"


def test_every_job_completes_cheaters_are_caught_and_bf16_is_never_flagged(net):
    chain = Chain(net)
    hosts = operators(net)
    jobs = wait_until(lambda: finished(chain), 420, "every training job to finish", net, interval=1.0)
    assert [status_name(j) for j in jobs] == ["COMPLETED"] * 4, [(j.id, status_name(j), j.fail_reason) for j in jobs]
    out, err = STATE["cli"].communicate(timeout=120)
    assert STATE["cli"].returncode == 0, err[-2000:]
    done = json.loads(out)
    assert done["status"] == "TRAINING_JOB_STATUS_COMPLETED" and done["output_model"] == "tiny-lm-ft", done
    for i, mode in cheaters().items():
        assert_cheater_caught(chain, jobs, i, mode)
    bf16 = hosts[role("bf16")]
    mine = [s for j in jobs for s in j.segments_log if s.host == bf16]
    assert mine and all(segment_status(s) == "PASSED" for s in mine), [segment_status(s) for s in mine]
    assert all(v.verdict == VERDICT_VALID for s in mine for v in all_votes(s)), "an fp32 verifier flagged the bf16 host"
    assert not any(bf16 in j.excluded for j in jobs)
    assert chain.bonded(bf16) >= STATE["bonded"][bf16]
    distances = [d for s in mine for v in all_votes(s) for d in v.distances_ppm]
    print(f"bf16 host: {len(mine)} segments passed, distances {sorted(distances)} ppm")
    restarted = chain.job(STATE["restarted_job"])
    assert restarted.reassignments == 0 and hosts[role("fp32")] not in restarted.excluded, restarted
    STATE["output"] = next(j for j in jobs if j.output_model == "tiny-lm-ft")


# ---------------------------------------------------------------------- 4. the output model


def bits_per_byte(weights: bytes, text: bytes, seq: int = 64) -> float:
    """Mean next-byte cross-entropy (bits) of the tiny-lm with `weights` over `text` in windows of `seq`."""
    import torch
    import torch.nn.functional as F

    from genesis.tiny_lm import TINY_LM
    from worker.inference.model import load_model_bytes

    model = load_model_bytes(TINY_LM, weights).eval()
    rows = [text[o:o + seq + 1] for o in range(0, len(text) - seq - 1, seq)]
    tokens = torch.tensor([list(r) for r in rows], dtype=torch.long)
    with torch.no_grad():
        logits = model(tokens[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
    return float(loss) / math.log(2)


def byte_l1(sample: bytes, reference: bytes) -> float:
    """L1 distance between the byte-frequency distributions of `sample` and `reference` (0..2)."""
    from collections import Counter

    a, b = Counter(sample), Counter(reference)
    return sum(abs(a[x] / len(sample) - b[x] / len(reference)) for x in range(256))


def generate(net, chain, model: str) -> bytes:
    """`sprintd tx inference submit --wait` on `model`: the output bytes."""
    result = sprintd("tx", "inference", "submit", "--model", model, "--prompt", "The host ", "--max-tokens", "100",
                     "--temperature", "0.8", "--from", "operator", "--home", str(net.home(0)), "--keyring-backend",
                     "test", "--yes", "--wait", "--timeout", "120", "--output", "json", timeout=180)
    assert result.returncode == 0, result.stderr
    job = chain.inference_job(int(json.loads(result.stdout)["job_id"]))
    assert job.output_token_count > 0, job
    return bytes(job.result.output_tokens) if not job.result_blob_sha256 else _result_blob(net, job)


def _result_blob(net, job) -> bytes:
    from sprint.inference.v1 import inference_pb2

    from worker import blob_client

    result = inference_pb2.InferenceResult.FromString(blob_client.fetch(net.grpc_address(0), job.result_blob_sha256))
    return bytes(result.output_tokens)


def test_the_output_model_beats_the_base_model_on_held_out_text_and_in_inference(net, corpus):
    from genesis.tiny_lm import INIT_SEED, generate_tiny_lm
    from worker import blob_client

    chain = Chain(net)
    job = STATE["output"]
    trained = blob_client.fetch(net.grpc_address(0), job.output_weights_sha256)
    base_bpb = bits_per_byte(generate_tiny_lm(INIT_SEED), corpus[1])
    out_bpb = bits_per_byte(trained, corpus[1])
    print(f"held-out loss: base {base_bpb:.3f} bits/byte, fine-tuned {out_bpb:.3f} bits/byte")
    assert out_bpb <= base_bpb - MARGIN_BITS, (base_bpb, out_bpb)
    text = corpus[0].read_bytes()
    base_l1 = byte_l1(generate(net, chain, "tiny-lm"), text)
    out = generate(net, chain, "tiny-lm-ft")
    out_l1 = byte_l1(out, text)
    print(f"byte-frequency L1 to the corpus: base {base_l1:.3f}, fine-tuned {out_l1:.3f}; sample {out[:80]!r}")
    assert out_l1 < base_l1, (base_l1, out_l1)


# ---------------------------------------------------------------------- 5. the other cheat modes


def restart_worker(net, i: int, cheat: str) -> None:
    """Node i's worker again, now with `--cheat cheat`."""
    net.kill_worker(i)
    args = net.worker_args[i]
    net.worker_args[i] = (args[:args.index("--cheat")] if "--cheat" in args else args) + ["--cheat", cheat]
    net.start_worker(i)


@pytest.mark.parametrize("round_no", [2, 3])
def test_the_other_cheat_modes_are_caught_in_later_rounds(net, corpus, round_no):
    from sprint.hosts.v1 import hosts_pb2

    chain = Chain(net)
    hosts = operators(net)
    modes = {role(name): mode for name, mode in ROUNDS[round_no - 2].items()}
    for i, mode in modes.items():
        restart_worker(net, i, mode)
    wait_until(lambda: note_bans(chain) or all(chain.host(hosts[i]).status != hosts_pb2.HOST_STATUS_BANNED
                                               for i in modes), 120, "the cheaters' bans to end", net)
    since = net.heights([0])[0]
    STATE["bonded"] = {h: chain.bonded(h) for h in hosts}
    ids = submit_baits(net, chain, corpus[0].read_bytes(), count=N, prefix=f"round{round_no}")
    jobs = wait_until(lambda: finished(chain, ids), 300, f"round {round_no}'s jobs to finish", net, interval=1.0)
    assert [status_name(j) for j in jobs] == ["COMPLETED"] * N, describe_jobs(chain)
    for i, mode in modes.items():
        assert_cheater_caught(chain, jobs, i, mode, since)
