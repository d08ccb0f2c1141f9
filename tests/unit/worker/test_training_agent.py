"""TrainingAgent: its pure decisions (worker/agent/training_plan.py) from job protos, the training
flags, the on-disk store's bounds, and the per-block behaviour against a fake view, sender and
compute (no node, no torch)."""

from __future__ import annotations

import time

import pytest
from sprint.inference.v1 import inference_pb2 as ipb
from sprint.training.v1 import training_pb2 as tpb

from tests.helpers.chain import make_keys
from worker.agent import training_plan as plan
from worker.agent.training_agent import TrainingAgent
from worker.agent.training_compute import SegmentResult
from worker.agent.training_options import TRAINING_CHEATS, parse_training_cheat, resolve_precision
from worker.agent.training_store import TrainingStore

KEYS = make_keys(4)
ME, OTHER, THIRD, USER = (k.bech32 for k in KEYS)
IPS = 4
T, V = tpb.TRAINING_JOB_STATUS_TRAINING, tpb.TRAINING_JOB_STATUS_VERIFYING
S = tpb.SegmentStatus


def job(*, status=T, host=ME, intervals=10, segments=(), resume=0, deadline=100, tolerance=5000):
    out = tpb.TrainingJob(id=7, submitter=USER, base_model="tiny-lm", dataset_sha256="ab" * 32, status=status,
                          host=host, intervals=intervals, segments=-(-intervals // IPS), resume_interval=resume,
                          resume_weights_sha256="r1" if resume else "", resume_optim_sha256="r2" if resume else "",
                          segment_deadline=deadline, tolerance_ppm=tolerance)
    for seg in segments:
        out.segments_log.add().CopyFrom(seg)
    return out


def seg(index, status=S.SEGMENT_STATUS_PASSED, host=ME, sampled=(), committee=(), reveals=(), votes=()):
    first = index * IPS
    out = tpb.Segment(index=index, host=host, first_interval=first, interval_count=min(IPS, 10 - first),
                      end_weights_sha256=f"w{index}", end_optim_sha256=f"o{index}", status=status,
                      sampled_intervals=list(sampled), committee=list(committee), vote_deadline=50,
                      reveal_deadline=40)
    for k in reveals:
        out.reveals.add(interval=k, weights_sha256=f"W{k}", optim_sha256=f"O{k}")
    for voter in votes:
        out.votes.add(voter=voter, verdict=ipb.VERDICT_VALID)
    return out


# ---------------------------------------------------------------------- pure decisions


def test_next_segment_follows_the_live_log_and_the_resume_point():
    assert plan.next_segment(job(), IPS) == 0
    assert plan.next_segment(job(segments=[seg(0), seg(1, S.SEGMENT_STATUS_SAMPLED)]), IPS) == 2
    assert plan.next_segment(job(segments=[seg(0), seg(1), seg(2)]), IPS) is None  # all committed
    voided = job(segments=[seg(0), seg(1, S.SEGMENT_STATUS_VOIDED, host=OTHER)], resume=4)
    assert plan.next_segment(voided, IPS) == 1  # re-assigned after segment 0 passed
    fraud = job(segments=[seg(0, S.SEGMENT_STATUS_FRAUD, host=OTHER), seg(1, S.SEGMENT_STATUS_VOIDED, host=OTHER)])
    assert plan.next_segment(fraud, IPS) == 0  # caught cheating in segment 0: start again from the base
    assert plan.start_of_segment(fraud, IPS, 0, "base") == plan.StateRef(-1, "base", "")
    assert plan.next_segment(job(status=V, segments=[seg(0)]), IPS) is None


def test_start_of_segment_is_base_resume_or_previous_end():
    assert plan.start_of_segment(job(), IPS, 0, "base") == plan.StateRef(-1, "base", "")
    assert plan.start_of_segment(job(resume=4, segments=[seg(0)]), IPS, 1, "base") == plan.StateRef(3, "r1", "r2")
    assert plan.start_of_segment(job(segments=[seg(0)]), IPS, 1, "base") == plan.StateRef(3, "w0", "o0")
    with pytest.raises(ValueError, match="segment 1 is not committed"):
        plan.start_of_segment(job(segments=[seg(0)]), IPS, 2, "base")


def test_reveal_leaves_add_each_start_except_at_the_resume_interval():
    sampled = seg(1, S.SEGMENT_STATUS_SAMPLED, sampled=(4, 6))
    assert plan.reveal_leaves(job(segments=[seg(0), sampled]), sampled) == [3, 4, 5, 6]
    assert plan.reveal_leaves(job(resume=4, segments=[seg(0), sampled]), sampled) == [4, 5, 6]
    first = seg(0, S.SEGMENT_STATUS_SAMPLED, sampled=(0, 1))
    assert plan.reveal_leaves(job(segments=[first]), first) == [0, 1]
    assert plan.reveals_due(job(segments=[seg(0), sampled]), ME) == [sampled]
    assert plan.reveals_due(job(segments=[seg(0), sampled]), OTHER) == []


def test_votes_only_for_committee_members_and_open_reverifications():
    revealed = seg(0, S.SEGMENT_STATUS_REVEALED, host=OTHER, sampled=(1,), committee=(ME, THIRD), reveals=(0, 1))
    j = job(host=OTHER, segments=[revealed])
    assert plan.votes_due(j, ME) == [(revealed, "committee")]
    assert plan.votes_due(j, USER) == []  # not on the committee
    assert plan.votes_due(j, OTHER) == []  # the prover never votes on itself
    voted = seg(0, S.SEGMENT_STATUS_REVEALED, host=OTHER, committee=(ME,), votes=(ME,))
    assert plan.votes_due(job(host=OTHER, segments=[voted]), ME) == []
    reverifying = seg(0, S.SEGMENT_STATUS_REVERIFYING, host=OTHER, committee=(THIRD,))
    assert plan.votes_due(job(host=OTHER, segments=[reverifying]), ME) == []  # not a voter at opening
    reverifying.reverification.voters.extend([ME, THIRD])
    assert plan.votes_due(job(host=OTHER, segments=[reverifying]), ME) == [(reverifying, "reverify")]
    reverifying.reverification.votes.add(voter=ME, verdict=ipb.VERDICT_INVALID)
    assert plan.votes_due(job(host=OTHER, segments=[reverifying]), ME) == []


def test_sampled_start_and_end_come_from_the_reveals():
    s = seg(1, S.SEGMENT_STATUS_REVEALED, host=OTHER, sampled=(4, 6), reveals=(3, 4, 5, 6))
    j = job(host=OTHER, segments=[seg(0), s])
    assert plan.sampled_start(j, s, 4, "base") == plan.StateRef(3, "W3", "O3")
    assert plan.sampled_end(s, 6) == plan.StateRef(6, "W6", "O6")
    assert plan.sampled_start(job(host=OTHER, resume=4), s, 4, "base") == plan.StateRef(3, "r1", "r2")
    assert plan.sampled_start(job(host=THIRD, resume=4), s, 4, "base") == plan.StateRef(3, "W3", "O3")
    assert plan.sampled_start(j, s, 0, "base") == plan.StateRef(-1, "base", "")
    with pytest.raises(ValueError, match="start of interval 8"):
        plan.sampled_start(j, s, 8, "base")


def test_verdict_is_invalid_above_the_tolerance_only():
    assert plan.verdict([0, 5000], 5000) == ipb.VERDICT_VALID
    assert plan.verdict([0, 5001], 5000) == ipb.VERDICT_INVALID
    assert plan.loss_micro([1.0, 2.0]) == 1_500_000 and plan.loss_micro([]) == 0


def test_needed_intervals_keep_unverified_segments_and_the_last_end():
    j = job(segments=[seg(0), seg(1, S.SEGMENT_STATUS_REVEALED)])
    assert plan.needed_intervals(j, IPS, ME) == set(range(3, 8))
    assert plan.needed_intervals(job(segments=[seg(0)]), IPS, ME) == {3}


def test_training_flags():
    from worker.training.cheats import CHEATS

    assert TRAINING_CHEATS == CHEATS
    assert parse_training_cheat("skip-intervals 30%").fraction_ppm == 300_000
    assert parse_training_cheat("noise") == parse_training_cheat("noise:100%")
    assert parse_training_cheat("fabricate") is None and parse_training_cheat(None) is None
    with pytest.raises(ValueError):
        parse_training_cheat("skip-intervals 0%")
    assert resolve_precision("auto", "cpu") == "fp32" and resolve_precision("auto", "cuda:0") == "bf16"


def test_store_is_atomic_hash_checked_and_bounded(tmp_path):
    store = TrainingStore(tmp_path)
    w, o = store.put_state(7, 3, b"weights", b"optim", 42)
    assert store.state(7, 3, w, o) == (b"weights", b"optim")
    assert store.state(7, 3, "00" * 32, o) is None
    assert store.leaves(7) == {3: (w, o, 42)}
    store.put_state(7, 4, b"w4", b"o4", 1)
    assert store.prune(7, {4}) == 1 and store.state(7, 3) is None and store.state(7, 4) is not None
    assert 3 in store.leaves(7)  # leaves stay: audit paths need the whole segment
    store.drop_job(7)
    assert store.job_ids() == []


# ---------------------------------------------------------------------- the agent, with fakes


class FakeView:
    def __init__(self, jobs):
        self.jobs = jobs

    def params(self):
        return tpb.Params(intervals_per_segment=IPS)

    def active_jobs(self):
        return list(self.jobs)


class FakeSender:
    def __init__(self):
        self.sent = []

    def send(self, msgs):
        self.sent.extend(msgs)
        return f"TX{len(self.sent)}", 0, ""

    def reset(self):
        pass


class FakeCompute:
    precision, cheat = "fp32", None

    def __init__(self):
        self.trained, self.checked = [], []

    def base_weights(self, info):
        return b"base"

    def state_bytes(self, job_id, ref, base):
        return base(), None

    def train(self, job, config, start, segments, emit, cancelled):
        for index, first, count in segments:
            self.trained.append(index)
            emit(SegmentResult(job.id, index, b"r" * 32, tuple([1] * count), f"w{index}", f"o{index}", 5, 6))

    def check(self, job, config, segment, base):
        self.checked.append(segment.index)
        return [10, 999_999]


def make_agent(tmp_path, jobs):
    models = lambda name: ipb.Model(name=name, weights_sha256="base")  # noqa: E731
    return TrainingAgent(FakeView(jobs), models, FakeSender(), ME, "worker1", TrainingStore(tmp_path),
                         FakeCompute(), echo=lambda text: None)


def _drain(agent, height):
    """Wait for the background tasks, then step (which collects their results)."""
    deadline = time.monotonic() + 5
    while not all(f.done() for lane in (agent.train_lane, agent.check_lane) for f in lane.tasks.values()):
        assert time.monotonic() < deadline, "background task did not finish"
        time.sleep(0.01)
    agent.step(height)


def test_agent_trains_in_the_background_and_commits_in_order(tmp_path):
    j = job()
    agent = make_agent(tmp_path, [j])
    agent.step(10)  # starts the training task
    _drain(agent, 11)
    assert agent.compute.trained == [0, 1, 2]
    assert [(m.segment, m.worker) for m in agent.sender.sent] == [(0, "worker1")]
    agent.step(12)  # segment 0 not on chain yet: in flight, nothing sent again
    assert len(agent.sender.sent) == 1
    j.segments_log.add().CopyFrom(seg(0, S.SEGMENT_STATUS_COMMITTED))
    agent.step(13)
    assert [m.segment for m in agent.sender.sent] == [0, 1]


def test_agent_does_not_train_past_the_deadline_or_for_another_host(tmp_path):
    agent = make_agent(tmp_path, [job(deadline=10), job(host=OTHER)])
    agent.step(10)
    _drain(agent, 11)
    assert agent.compute.trained == [] and agent.sender.sent == []


def test_agent_votes_invalid_when_a_distance_exceeds_the_tolerance(tmp_path):
    revealed = seg(0, S.SEGMENT_STATUS_REVEALED, host=OTHER, sampled=(1,), committee=(ME,), reveals=(0, 1))
    agent = make_agent(tmp_path, [job(host=OTHER, segments=[revealed])])
    agent.step(10)
    _drain(agent, 11)
    (vote,) = agent.sender.sent
    assert (vote.worker, vote.segment, vote.verdict, list(vote.distances_ppm)) == \
        ("worker1", 0, ipb.VERDICT_INVALID, [10, 999_999])


def test_agent_drops_the_states_of_jobs_that_left_it(tmp_path):
    agent = make_agent(tmp_path, [])
    agent.store.put_state(3, 0, b"w", b"o", 1)
    agent.step(10)
    assert agent.store.job_ids() == []


def test_a_restarted_prover_starts_from_its_disk_or_the_committed_blobs(tmp_path):
    from worker.agent.training_compute import TrainingCompute

    fetched = []
    blobs = {"wblob": b"W-from-node", "oblob": b"O-from-node"}
    compute = TrainingCompute(lambda sha: fetched.append(sha) or blobs[sha], lambda data: "", TrainingStore(tmp_path))
    w, o = compute.store.put_state(7, 3, b"weights", b"optim", 1)
    assert compute.state_bytes(7, plan.StateRef(3, w, o), lambda: b"base") == (b"weights", b"optim")
    assert fetched == []  # its own state on disk, hash-checked
    assert compute.state_bytes(7, plan.StateRef(3, "wblob", "oblob"), lambda: b"base") == (b"W-from-node", b"O-from-node")
    assert compute.state_bytes(7, plan.StateRef(-1, "", ""), lambda: b"base") == (b"base", None)
