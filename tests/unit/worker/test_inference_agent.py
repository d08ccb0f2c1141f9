"""InferenceAgent: its pure decisions and its per-block behaviour against a fake chain view, tx
sender and runtime (no node, no torch): batching, crash-safe secrets, duty draws, retries."""

from __future__ import annotations

import hashlib
import json

import pytest
from sprint.inference.v1 import inference_pb2 as ipb, tx_pb2 as itx
from sprint.sprint.v1 import sprint_pb2

from chain.tx.crypto import decode_address
from tests.helpers.chain import make_keys
from worker.agent import duties, inference_agent
from worker.agent.inference_agent import (
    IN_FLIGHT_BLOCKS, InferenceAgent, Outcome, drawn_jobs, executable_jobs, landing, result_message,
    secret_action, state_path_for, votable_jobs,
)
from worker.agent.inference_state import MAX_ATTEMPTS, InferenceState, SecretState
from worker.agent.state import InFlight

KEYS = make_keys(4)
ME, OTHER, THIRD, USER = (k.bech32 for k in KEYS)
SEED = hashlib.sha256(b"sprint seed").digest()


def job(job_id, *, status=ipb.JOB_STATUS_PENDING, executor=OTHER, deadline=100, ppm=1_000_000, checks=(),
        audit_epoch=1, reverify_deadline=0):
    out = ipb.Job(id=job_id, requester=USER, model="tiny-lm", prompt=b"hello", prompt_size=5, max_tokens=4,
                  executor=executor, sampling_seed=hashlib.sha256(b"s%d" % job_id).digest(),
                  deadline_height=deadline, status=status, validation_ppm=ppm, audit_epoch=audit_epoch)
    for validator in checks:
        out.checks.add(validator=validator, verdict=ipb.VERDICT_VALID)
    out.reverification.deadline_height = reverify_deadline
    return out


def audit(epoch=1, seed=SEED, weights=((ME, 10), (OTHER, 10), (THIRD, 10))):
    return ipb.EpochAudit(epoch=epoch, seed=seed, weights=[ipb.HostWeight(host=h, weight=w) for h, w in weights])


# ---------------------------------------------------------------------- pure decisions


def test_secret_action_commits_once_and_reveals_in_settlement():
    st = SecretState(3)
    assert secret_action(sprint_pb2.PHASE_COMMIT, None, st, 10) == "commit"
    st.commit_tx = InFlight("AA", 10)
    assert secret_action(sprint_pb2.PHASE_COMMIT, None, st, 11) is None  # in flight
    assert secret_action(sprint_pb2.PHASE_COMMIT, None, st, 10 + IN_FLIGHT_BLOCKS) == "commit"  # lost: again
    committed = ipb.ValidationSecret(host=ME, epoch=3, commitment=b"c" * 32)
    assert secret_action(sprint_pb2.PHASE_COMMIT, committed, st, 11) is None
    assert secret_action(sprint_pb2.PHASE_SPRINT, committed, st, 11) is None
    assert secret_action(sprint_pb2.PHASE_SETTLEMENT, committed, st, 20) is None  # no secret kept
    st.secret = "ab" * 32
    assert secret_action(sprint_pb2.PHASE_SETTLEMENT, committed, st, 20) == "reveal"
    assert secret_action(sprint_pb2.PHASE_SETTLEMENT, None, st, 20) is None  # never committed
    revealed = ipb.ValidationSecret(host=ME, epoch=3, commitment=b"c" * 32, secret=b"s" * 32)
    assert secret_action(sprint_pb2.PHASE_SETTLEMENT, revealed, st, 20) is None


def test_executable_jobs_drop_the_hopeless_and_order_by_deadline():
    jobs = [job(1, deadline=30), job(2, deadline=21), job(3, deadline=20), job(4, deadline=25),
            job(5, deadline=40, status=ipb.JOB_STATUS_COMPLETED)]
    assert [j.id for j in executable_jobs(jobs, height=20)] == [2, 4, 1]


def test_drawn_jobs_follow_the_duty_formula():
    secret = bytes(range(32))
    snap = audit()
    jobs = [job(i, status=ipb.JOB_STATUS_COMPLETED, ppm=600_000) for i in range(1, 201)]
    picked = {j.id for j in drawn_jobs(jobs, snap, secret, ME)}
    weights = {ME: 10, OTHER: 10, THIRD: 10}
    threshold = 600_000 * 10 * 2**64 // (10**6 * 20)  # executor OTHER excluded from W
    assert duties.host_threshold(weights, OTHER, ME, 600_000) == threshold
    assert picked == {i for i in range(1, 201) if duties.draw_value(secret, SEED, i) < threshold}
    assert 30 < len(picked) < 90  # p x w/W = 0.3 of 200


def test_drawn_jobs_skip_own_checked_and_unseeded():
    secret = bytes(32)
    done = job(1, status=ipb.JOB_STATUS_COMPLETED, checks=[ME])
    mine = job(2, status=ipb.JOB_STATUS_COMPLETED, executor=ME)
    sure = job(3, status=ipb.JOB_STATUS_COMPLETED, ppm=1_000_000)
    # ME holds all the weight but the executor's: at p = 1 the threshold is 2^64, always drawn
    snap = audit(weights=((ME, 10), (OTHER, 30)))
    assert [j.id for j in drawn_jobs([done, mine, sure], snap, secret, ME)] == [3]
    assert drawn_jobs([sure], audit(seed=b"", weights=((ME, 10), (OTHER, 30))), secret, ME) == []
    assert drawn_jobs([sure], audit(weights=((ME, 0), (OTHER, 30))), secret, ME) == []


def test_votable_jobs():
    jobs = [job(1, status=ipb.JOB_STATUS_REVERIFYING, reverify_deadline=50),
            job(2, status=ipb.JOB_STATUS_REVERIFYING, executor=ME, reverify_deadline=40),
            job(3, status=ipb.JOB_STATUS_REVERIFYING, checks=[ME], reverify_deadline=40),
            job(4, status=ipb.JOB_STATUS_REVERIFYING, reverify_deadline=45),
            job(5, status=ipb.JOB_STATUS_COMPLETED)]
    assert [j.id for j in votable_jobs(jobs, ME)] == [4, 1]


def test_result_message_inline_or_blob():
    result = ipb.InferenceResult(output_tokens=[104, 105], output_text="hi")
    for t in (104, 105):
        result.logprobs.add(token=t, logprob_micro=-1000, top_tokens=[t], top_logprobs_micro=[-1000])
    put = []
    inline = result_message(ME, job(7), result, 10_000, put.append)
    assert inline.result == result and not inline.result_blob_sha256 and inline.output_token_count == 2
    assert inline.sampling_seed == job(7).sampling_seed and put == []

    def store(data):
        put.append(data)
        return hashlib.sha256(data).hexdigest()

    blob = result_message(ME, job(7), result, 10, store)
    assert put == [result.SerializeToString()] and not blob.HasField("result")
    assert blob.result_blob_sha256 == hashlib.sha256(put[0]).hexdigest()
    assert blob.result_size == len(put[0]) and blob.output_token_count == 2


def test_state_path_is_next_to_the_sprint_state(tmp_path):
    assert state_path_for(tmp_path / "sprint-state.json") == tmp_path / "sprint-state-inference.json"


# ---------------------------------------------------------------------- the agent on fakes


class FakeClient:
    def __init__(self):
        self.txs: dict[str, int] = {}  # committed tx hash -> code

    def get_tx(self, tx_hash):
        if tx_hash not in self.txs:
            return None
        return type("R", (), {"tx_response": type("T", (), {"code": self.txs[tx_hash]})()})()


class FakeView:
    def __init__(self):
        self.client = FakeClient()
        self.all_jobs: list = []
        self.audits: dict[int, tuple] = {}

    def inference_params(self):
        return ipb.Params(top_logprobs=2, max_inline_result_bytes=32768)

    def model(self, name):
        return ipb.Model(name=name) if name == "tiny-lm" else None

    def jobs(self, executor="", status=0, audit_epoch=None):
        return [j for j in self.all_jobs if (not executor or j.executor == executor)
                and (not status or j.status == status) and (audit_epoch is None or j.audit_epoch == audit_epoch)]

    def audit(self, epoch):
        return self.audits.get(epoch, (None, []))


class FakeSender:
    def __init__(self, state_path=None):
        self.sent: list[list] = []
        self.refuse = lambda msgs: False
        self.state_path = state_path
        self.state_at_send: list[dict] = []

    def send(self, messages):
        if self.state_path is not None:
            self.state_at_send.append(json.loads(self.state_path.read_text()))
        if self.refuse(messages):
            return "", 5, "refused by the fake"
        self.sent.append(list(messages))
        return hashlib.sha256(b"%d" % len(self.sent)).hexdigest().upper(), 0, ""

    def reset(self):
        pass


class FakeRuntime:
    def __init__(self, invalid=()):
        self.invalid = set(invalid)
        self.executed: list[int] = []
        self.checked: list[int] = []

    def model_info(self, view, name):
        return view.model(name)

    def execute_many(self, jobs, info, top_logprobs):
        out = []
        for job_ in jobs:
            self.executed.append(job_.id)
            result = ipb.InferenceResult(output_tokens=[65, 66, 67], output_text="ABC")
            for t in result.output_tokens:
                result.logprobs.add(token=t, logprob_micro=-5, top_tokens=[t, 0], top_logprobs_micro=[-5, -9])
            out.append(result)
        return out

    def check(self, job_, info, top_logprobs):
        self.checked.append(job_.id)
        if job_.id in self.invalid:
            return Outcome(False, 2_500_000, 3)
        return Outcome(True, 1200, 0)


def make_agent(tmp_path, runtime=None):
    view, path = FakeView(), tmp_path / "inference.json"
    sender = FakeSender(path)
    lines = []
    agent = InferenceAgent(view, sender, ME, ME, InferenceState.load(path), runtime or FakeRuntime(),
                           put_blob=lambda data: hashlib.sha256(data).hexdigest(), echo=lines.append)
    return agent, view, sender, lines


PHASE_ENDS = ("commit_end", "reveal_end", "sprint_end", "proof_end", "validation_end")


def epoch_info(number=1, phase=sprint_pb2.PHASE_SPRINT):
    """An EpochInfo whose next block lies in `phase` whatever the height (windows before it are empty)."""
    ends = {name: 0 if i + 1 < phase else 10**9 for i, name in enumerate(PHASE_ENDS)}
    return sprint_pb2.EpochInfo(number=number, phase=phase, start_height=0, end_height=10**9, **ends)


def test_landing_is_the_phase_of_the_next_block():
    epoch = sprint_pb2.EpochInfo(number=2, start_height=12, commit_end=13, reveal_end=15, sprint_end=17,
                                 proof_end=19, validation_end=21, end_height=22)
    assert [landing(epoch, h) for h in range(12, 23)] == [
        (2, sprint_pb2.PHASE_COMMIT), (2, sprint_pb2.PHASE_REVEAL), (2, sprint_pb2.PHASE_REVEAL),
        (2, sprint_pb2.PHASE_SPRINT), (2, sprint_pb2.PHASE_SPRINT), (2, sprint_pb2.PHASE_PROOF),
        (2, sprint_pb2.PHASE_PROOF), (2, sprint_pb2.PHASE_VALIDATION), (2, sprint_pb2.PHASE_VALIDATION),
        (2, sprint_pb2.PHASE_SETTLEMENT), (3, sprint_pb2.PHASE_COMMIT)]


def test_pending_jobs_of_a_block_go_out_in_one_tx(tmp_path):
    agent, view, sender, lines = make_agent(tmp_path)
    view.all_jobs = [job(1, executor=ME, deadline=30), job(2, executor=ME, deadline=25), job(3, executor=OTHER),
                     job(4, executor=ME, deadline=10)]  # 4 is past saving
    agent.step(20, epoch_info())
    assert len(sender.sent) == 1
    assert [(type(m), m.job_id) for m in sender.sent[0]] == [(itx.MsgInferenceResult, 2), (itx.MsgInferenceResult, 1)]
    assert all(m.worker == ME and m.output_token_count == 3 and len(m.result.logprobs) == 3 for m in sender.sent[0])
    assert any(line.startswith("job 2 executed in") and line.endswith("3 tokens") for line in lines)
    # the intent was on disk before the broadcast
    assert set(sender.state_at_send[0]["sent"]) == {"1", "2"}
    # next block: still PENDING on chain but in flight -> nothing re-sent, nothing recomputed
    agent.step(21, epoch_info())
    assert len(sender.sent) == 1 and agent.runtime.executed == [2, 1]


def test_a_restart_does_not_resend_in_flight_results_but_retries_lost_ones(tmp_path):
    agent, view, sender, _ = make_agent(tmp_path)
    view.all_jobs = [job(1, executor=ME, deadline=50)]
    agent.step(20, epoch_info())
    again, view2, sender2, _ = make_agent(tmp_path)
    view2.all_jobs = view.all_jobs
    again.step(21, epoch_info())
    assert sender2.sent == []
    again.step(20 + IN_FLIGHT_BLOCKS, epoch_info())  # never landed: send again
    assert [m.job_id for m in sender2.sent[0]] == [1]


def test_a_failed_batch_is_retried_message_by_message_and_given_up_after_max_attempts(tmp_path):
    agent, view, sender, lines = make_agent(tmp_path)
    view.all_jobs = [job(1, executor=ME, deadline=90), job(2, executor=ME, deadline=90)]
    sender.refuse = lambda msgs: any(m.job_id == 2 for m in msgs)
    agent.step(20, epoch_info())
    assert [[m.job_id for m in tx] for tx in sender.sent] == [[1]]  # batch refused, 1 went alone
    for height in range(21, 21 + 3 * MAX_ATTEMPTS):
        view.all_jobs = [j for j in view.all_jobs if j.id == 2]  # 1 landed
        agent.step(height, epoch_info())
    assert len(sender.sent) == 1  # 2 was refused every time and is given up
    assert any("giving up on the result" in line for line in lines)


def test_an_included_but_failed_tx_is_resent_alone(tmp_path):
    agent, view, sender, _ = make_agent(tmp_path)
    view.all_jobs = [job(1, executor=ME, deadline=90), job(2, executor=ME, deadline=90)]
    agent.step(20, epoch_info())
    tx_hash = agent.state.sent[1].tx_hash
    view.client.txs[tx_hash] = 11  # DeliverTx failed: both still PENDING
    agent.step(21, epoch_info())
    assert [[m.job_id for m in tx] for tx in sender.sent] == [[1, 2], [1], [2]]


def test_validation_secret_is_saved_before_the_commit_and_revealed_in_settlement(tmp_path):
    agent, view, sender, _ = make_agent(tmp_path)
    view.audits[3] = (audit(epoch=3), [])
    agent.step(30, epoch_info(3, sprint_pb2.PHASE_COMMIT))
    (msg,) = sender.sent[0]
    secret = agent.state.secrets[3].secret
    assert isinstance(msg, itx.MsgCommitValidationSecret) and msg.epoch == 3
    assert msg.commitment == duties.commitment(3, decode_address(ME), bytes.fromhex(secret))
    assert sender.state_at_send[0]["secrets"]["3"]["secret"] == secret
    view.audits[3] = (audit(epoch=3), [ipb.ValidationSecret(host=ME, epoch=3, commitment=msg.commitment)])
    agent.step(31, epoch_info(3, sprint_pb2.PHASE_COMMIT))
    assert len(sender.sent) == 1
    restarted, view2, sender2, _ = make_agent(tmp_path)
    view2.audits = view.audits
    restarted.step(45, epoch_info(3, sprint_pb2.PHASE_SETTLEMENT))
    (reveal,) = sender2.sent[0]
    assert isinstance(reveal, itx.MsgRevealValidationSecret) and reveal.secret.hex() == secret


def test_no_commit_outside_the_snapshot(tmp_path):
    agent, view, sender, _ = make_agent(tmp_path)
    view.audits[3] = (audit(epoch=3, weights=((OTHER, 10),)), [])
    agent.step(30, epoch_info(3, sprint_pb2.PHASE_COMMIT))
    assert sender.sent == []


def test_spot_checks_only_drawn_jobs_in_the_audit_window_and_votes_on_reverifications(tmp_path):
    agent, view, sender, lines = make_agent(tmp_path)
    secret = bytes(range(32))
    agent.state.secret(1).secret = secret.hex()
    view.audits[1] = (audit(epoch=1), [])
    completed = [job(i, status=ipb.JOB_STATUS_COMPLETED, ppm=500_000, audit_epoch=1) for i in range(1, 41)]
    other_epoch = job(50, status=ipb.JOB_STATUS_COMPLETED, ppm=1_000_000, audit_epoch=2)
    reverify = job(60, status=ipb.JOB_STATUS_REVERIFYING, executor=THIRD, reverify_deadline=40)
    view.all_jobs = completed + [other_epoch, reverify]
    drawn = [j.id for j in drawn_jobs(completed, audit(epoch=1), secret, ME)]
    assert drawn  # with 40 jobs at 0.25 each, some are drawn (fixed secret)

    agent.step(12, epoch_info(1, sprint_pb2.PHASE_REVEAL))  # votes in any phase; checks wait for the sprint
    assert [[m.job_id for m in tx] for tx in sender.sent] == [[60]] and agent.runtime.checked == [60]
    agent.step(13, epoch_info(1, sprint_pb2.PHASE_VALIDATION))  # the vote is still in flight
    assert agent.runtime.checked == [60] + drawn
    tx = sender.sent[1]
    assert [m.job_id for m in tx] == drawn
    tx = sender.sent[0] + tx
    assert all(isinstance(m, itx.MsgValidateInference) and m.verdict == ipb.VERDICT_VALID for m in tx)
    assert tx[0].max_logprob_diff_micro == 1200
    assert any(line.startswith(f"checked job {drawn[0]} of {OTHER}: VALID") for line in lines)
    assert any(line.startswith(f"re-verified job 60 of {THIRD}: VALID") for line in lines)


def test_an_invalid_check_carries_the_numbers(tmp_path):
    agent, view, sender, lines = make_agent(tmp_path, FakeRuntime(invalid={7}))
    agent.state.secret(1).secret = bytes(32).hex()
    view.audits[1] = (audit(epoch=1, weights=((ME, 10), (OTHER, 10))), [])  # I hold all of W: always drawn
    view.all_jobs = [job(7, status=ipb.JOB_STATUS_COMPLETED)]
    agent.step(20, epoch_info(1, sprint_pb2.PHASE_SPRINT))
    (msg,) = sender.sent[0]
    assert (msg.verdict, msg.max_logprob_diff_micro, msg.mismatched_tokens) == (ipb.VERDICT_INVALID, 2_500_000, 3)
    assert any("INVALID (max logprob diff 2500000, 3 mismatched tokens)" in line for line in lines)


def test_work_stops_when_the_next_block_arrives(tmp_path, monkeypatch):
    monkeypatch.setattr(inference_agent, "EXECUTE_BATCH", 2)
    agent, view, sender, _ = make_agent(tmp_path)
    view.all_jobs = [job(i, executor=ME, deadline=90) for i in range(1, 6)]
    agent.step(20, epoch_info(), done=lambda: len(agent.runtime.executed) >= 2)
    assert agent.waiting and [m.job_id for m in sender.sent[0]] == [1, 2]
    agent.step(21, epoch_info())
    assert not agent.waiting and [m.job_id for m in sender.sent[1]] == [3, 4, 5]


@pytest.mark.parametrize("mode", ["smaller-model", "prefill"])
def test_inference_cheats_are_accepted(mode):
    from worker.agent.cheat import Cheat, parse_cheat

    assert parse_cheat(mode) == Cheat(mode)


def test_sprint_agent_survives_a_failing_inference_step():
    from abci_app.client import NodeError
    from worker.agent.sprint_agent import SprintAgent

    class Boom:
        def __init__(self, err):
            self.err, self.calls = err, []

        def step(self, height, epoch, done):
            self.calls.append(height)
            raise self.err

    agent = SprintAgent.__new__(SprintAgent)
    lines = []
    agent.echo, agent.inference = lines.append, None
    agent._inference_step(5, epoch_info(), lambda: False)  # no inference attached: nothing happens
    agent.inference = Boom(RuntimeError("CUDA out of memory"))
    agent._inference_step(6, epoch_info(), lambda: False)
    assert agent.inference.calls == [6] and lines == ["height 6: inference step failed (CUDA out of memory)"]
    agent.inference = Boom(NodeError("node restarting"))
    with pytest.raises(NodeError):  # the main loop reports node errors and retries the next block
        agent._inference_step(7, epoch_info(), lambda: False)
