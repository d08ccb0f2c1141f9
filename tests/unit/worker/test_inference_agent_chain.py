"""InferenceAgents of 4 hosts with the real torch runtime (tiny-lm) against the in-process chain:
every message they build is delivered in a real block. Honest hosts execute, commit/reveal their
validation secrets, check exactly the jobs their secrets draw (all proven at settlement, jobs paid);
hosts run with --cheat smaller-model or prefill are caught by a spot check and the others' votes."""

from __future__ import annotations

import hashlib

import pytest
from sprint.inference.v1 import inference_pb2 as ipb, query_pb2 as iq

from chain.tx.builder import pack_any
from tests.helpers.inference import InferenceNet
from worker.agent import duties
from worker.agent.inference_agent import InferenceAgent
from worker.agent.cheat import parse_cheat
from worker.agent.inference_runtime import TorchRuntime
from worker.agent.inference_state import InferenceState

pytest.importorskip("torch")

# 22-block epochs: commit 1-2, reveal 3-4, sprint 5-12, proof 13-14, validation 15-20, settlement 21-22
SPRINT = {"sprint_blocks": "8", "validation_blocks": "6", "settlement_blocks": "2"}


class AppClient:
    def get_tx(self, tx_hash):
        return None


class AppView:
    """The agent's ChainView answered by the in-process App's query router."""

    def __init__(self, net: InferenceNet):
        self.net, self.client = net, AppClient()

    def inference_params(self):
        return self.net.inference_params()

    def model(self, name):
        resp = self.net.iquery_raw("Model", iq.QueryModelRequest(name=name))
        return iq.QueryModelResponse.FromString(resp.value).model if resp.code == 0 else None

    def jobs(self, executor="", status=0, audit_epoch=None):
        out, start = [], 0
        while True:
            request = iq.QueryJobsRequest(executor=executor, status=status, start_after=start, limit=3)
            if audit_epoch is not None:
                request.audit_epoch = audit_epoch
            resp = self.net.iquery("Jobs", request, iq.QueryJobsResponse)
            out += resp.jobs
            if not resp.next:
                return out
            start = resp.next

    def audit(self, epoch):
        resp = self.net.iquery_raw("Audit", iq.QueryAuditRequest(epoch=epoch))
        if resp.code != 0:
            return None, []
        parsed = iq.QueryAuditResponse.FromString(resp.value)
        return parsed.audit, list(parsed.secrets)


class QueueSender:
    """Queues each tx; the test delivers all queued txs in the next block."""

    def __init__(self):
        self.queue: list[list] = []

    def send(self, messages):
        self.queue.append(list(messages))
        return hashlib.sha256(repr(messages).encode()).hexdigest().upper(), 0, ""

    def reset(self):
        pass


@pytest.fixture(scope="module")
def weights():
    from genesis.tiny_lm import generate_tiny_lm

    data = generate_tiny_lm(5)
    return {hashlib.sha256(data).hexdigest(): data}


def make_agents(net, tmp_path, blobs, cheater=None, cheat=None):
    agents, senders = [], []
    for i, host in enumerate(net.hosts):
        runtime = TorchRuntime(blobs.__getitem__, cheat=parse_cheat(cheat) if i == cheater else None,
                               echo=lambda text: None)
        sender = QueueSender()

        def put(data, blobs=blobs):
            blobs[hashlib.sha256(data).hexdigest()] = data
            return hashlib.sha256(data).hexdigest()

        agent = InferenceAgent(AppView(net), sender, host.bech32, net.worker_of(i),
                               InferenceState.load(tmp_path / f"host{i}.json"), runtime, put_blob=put,
                               echo=lambda text: None)
        agent.new_secret = lambda i=i: hashlib.sha256(b"test secret %d" % i).digest()  # reproducible draws
        agents.append(agent)
        senders.append(sender)
    return agents, senders


def step_all(net, agents, senders, extra=(), may_fail=(), late_votes_ok=False):
    """Every agent steps on the committed height; their txs (and `extra` entries) go in the next
    block, where all must succeed except those of hosts in `may_fail` (and, with `late_votes_ok`,
    single votes that came after the tally already decided in the same block)."""
    height, epoch = net.app.height, net.epoch().epoch
    for agent in agents:
        agent.step(height, epoch)
    entries = [(i, [pack_any(m) for m in msgs]) for i, s in enumerate(senders) for msgs in s.queue]
    for s in senders:
        s.queue.clear()
    block = net.run(*entries, *extra)
    signers = [i for i, _ in entries] + [None] * len(extra)
    failed = [(i, r.log) for i, r in zip(signers, block.results) if r.code != 0 and i not in may_fail
              and not (late_votes_ok and "is JOB_STATUS_FRAUD" in r.log)]
    assert failed == []
    return entries, block


def submit_all(net, prompts, max_tokens=6):
    users = [(0, net.submit_msg(0, prompt=p, max_tokens=max_tokens, temperature_milli=800, top_k=20))
             for p in prompts]
    entries = [(net.users[u], m) for u, m in users]
    return entries


def kinds(entries):
    return sorted({m.type_url.rsplit(".", 1)[-1] for _, msgs in entries for m in msgs})


def _step_until(net, agents, senders, height: int) -> None:
    """Step every agent block by block through `height`."""
    while net.next_height <= height:
        step_all(net, agents, senders)


def _drawn_checkers(net, agents, audit, weights_by_host: dict, job_id, job) -> set:
    """The hosts whose epoch-0 secret draws them to check `job`."""
    expected = set()
    for i, host in enumerate(net.hosts):
        secret = bytes.fromhex(agents[i].state.secrets[0].secret)
        threshold = duties.host_threshold(weights_by_host, job.executor, host.bech32, job.validation_ppm)
        if duties.is_drawn(secret, bytes(audit.seed), job_id, threshold):
            expected.add(host.bech32)
    return expected


@pytest.mark.parametrize("inline_limit", [32768, 64])  # 64 bytes: every result goes as a blob
def test_honest_agents_execute_check_the_drawn_jobs_and_get_paid(tmp_path, weights, inline_limit):
    net = InferenceNet(4, users=1, sprint_params=SPRINT,
                       inference_params={"expiry_blocks": "6", "max_inline_result_bytes": str(inline_limit)})
    blobs = dict(weights)
    agents, senders = make_agents(net, tmp_path, blobs)
    b = net.bounds(0)
    net.run()  # block 1: the audit snapshot of epoch 0 exists
    entries, _ = step_all(net, agents, senders)  # block 2: the four secret commits
    assert kinds(entries) == ["MsgCommitValidationSecret"] and len(entries) == 4
    _step_until(net, agents, senders, b.reveal_end)
    prompts = [b"The chain ", b"hello world", b"inference", b"sprint", b"abc", b"tiny lm says"]
    _, block = step_all(net, agents, senders, extra=submit_all(net, prompts))  # first sprint block
    ids = sorted(j.id for j in net.jobs().jobs)
    assert len(ids) == len(prompts)
    entries, _ = step_all(net, agents, senders)  # results: one tx per executor with all its jobs
    results = [m for _, msgs in entries for m in msgs if m.type_url.endswith("MsgInferenceResult")]
    assert len(results) == len(ids) and len(entries) == len({i for i, _ in entries})
    assert all(net.job(j).status == ipb.JOB_STATUS_COMPLETED for j in ids)
    as_blobs = [net.job(j).result_blob_sha256 for j in ids]
    assert all(as_blobs) == (inline_limit == 64) and all(sha in blobs for sha in as_blobs if sha)
    _step_until(net, agents, senders, b.validation_end)
    audit = net.iquery("Audit", iq.QueryAuditRequest(epoch=0), iq.QueryAuditResponse).audit
    weights_by_host = {hw.host: hw.weight for hw in audit.weights}
    for job_id in ids:
        job = net.job(job_id)
        expected = _drawn_checkers(net, agents, audit, weights_by_host, job_id, job)
        assert {c.validator for c in job.checks} == expected
        assert all(c.verdict == ipb.VERDICT_VALID for c in job.checks)
    assert sum(a.checked for a in agents) == sum(len(net.job(j).checks) for j in ids) > 0
    _step_until(net, agents, senders, b.end)
    secrets = net.iquery("Audit", iq.QueryAuditRequest(epoch=0), iq.QueryAuditResponse).secrets
    assert len(secrets) == 4 and all(len(s.secret) == 32 for s in secrets)
    for job_id in ids:
        job = net.job(job_id)
        assert job.status == ipb.JOB_STATUS_SETTLED
        assert all(c.draw == ipb.DRAW_PROOF_PROVEN for c in job.checks)


@pytest.mark.parametrize("cheat", ["smaller-model", "prefill"])
def test_a_cheating_executor_is_caught_and_voted_fraud(tmp_path, weights, cheat):
    net = InferenceNet(4, users=1, sprint_params=SPRINT, inference_params={"expiry_blocks": "6"})
    cheater = 2
    agents, senders = make_agents(net, tmp_path, dict(weights), cheater=cheater, cheat=cheat)
    b = net.bounds(0)
    net.run()
    while net.next_height <= b.reveal_end:
        step_all(net, agents, senders)
    prompts = [b"prompt %d " % k for k in range(12)]
    step_all(net, agents, senders, extra=submit_all(net, prompts, max_tokens=8))
    cheated = [j.id for j in net.jobs().jobs if j.executor == net.hosts[cheater].bech32]
    assert cheated, "the cheater was drawn for no job"
    for _ in range(6):  # results, spot checks, re-verification votes (the banned cheater's txs fail)
        step_all(net, agents, senders, may_fail={cheater}, late_votes_ok=True)
    checked = [j for j in map(net.job, cheated) if j.checks]
    caught = [j for j in checked if j.status == ipb.JOB_STATUS_FRAUD]
    assert caught, f"no cheated job was caught ({len(checked)} of {len(cheated)} checked)"
    for job in checked:
        if job.status == ipb.JOB_STATUS_FRAUD:  # the INVALID check opened it and the votes confirmed it
            assert all(c.verdict == ipb.VERDICT_INVALID for c in job.checks)
            assert sum(c.draw == ipb.DRAW_PROOF_REVERIFY for c in job.checks) >= 1
        else:  # the cheap model's tokens happened to be the sampler's picks (prefill: honest logprobs)
            assert job.status == ipb.JOB_STATUS_COMPLETED and cheat == "prefill"
            assert all(c.verdict == ipb.VERDICT_VALID for c in job.checks)
    honest = [j for j in net.jobs().jobs if j.id not in cheated]
    assert honest and all(j.status == ipb.JOB_STATUS_COMPLETED for j in honest)
    assert all(c.verdict == ipb.VERDICT_VALID for j in honest for c in j.checks)
