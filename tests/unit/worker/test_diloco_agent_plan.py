"""DilocoAgent: its pure decisions (worker/agent/diloco_plan.py) from job protos, and its per-block
behaviour against a fake sender and compute (no node, no torch)."""

from __future__ import annotations

import hashlib
import threading

from sprint.inference.v1 import inference_pb2 as ipb
from sprint.training.v1 import training_pb2 as tpb, tx_pb2 as ttx

from tests.helpers.chain import make_keys
from worker.agent import diloco_plan as plan
from worker.agent.diloco_agent import DilocoAgent

KEYS = make_keys(5)
ME, A, B, OUT, USER = (k.bech32 for k in KEYS)
T, V = tpb.TRAINING_JOB_STATUS_TRAINING, tpb.TRAINING_JOB_STATUS_VERIFYING
RS, RC = tpb.RoundStatus, tpb.RoundCheck


def rnd(index, status=RS.ROUND_STATUS_OPEN, contributions=(), outer=(), check=RC.ROUND_CHECK_UNSPECIFIED,
        checked="", committee=(), votes=(), open_height=10, deadline=50):
    out = tpb.DilocoRound(index=index, status=status, start_weights_sha256=f"theta{index}",
                          start_momentum_sha256=f"m{index}" if index else "", open_height=open_height,
                          deadline=deadline, check=check, checked_host=checked, committee=list(committee),
                          vote_deadline=80)
    for host, rank in contributions:
        out.contributions.add(host=host, rank=rank, delta_sha256=f"d{index}-{rank}", start_optim_sha256=f"s-{host}",
                              end_optim_sha256=f"e{index}-{host}", losses_micro=[2_000_000 - rank])
    for host in outer:
        out.outer_commits.add(host=host, weights_sha256="w")
    for voter in votes:
        out.votes.add(voter=voter, verdict=ipb.VERDICT_VALID)
    return out


def job(*rounds, status=T, current=None, workers=((ME, 0), (A, 1), (B, 2)), joined=None, inactive=()):
    out = tpb.TrainingJob(id=9, submitter=USER, base_model="tiny-lm", status=status, tolerance_ppm=100_000)
    out.diloco.workers_wanted, out.diloco.inner_steps, out.diloco.rounds = 3, 8, 5
    out.diloco.current_round = current if current is not None else (rounds[-1].index if rounds else 0)
    for host, rank in workers:
        out.diloco.workers.add(host=host, rank=rank, active=host not in inactive, optim_sha256=f"o-{host}",
                               joined_round=(joined or {}).get(host, 0))
    for r in rounds:
        out.diloco.rounds_log.add().CopyFrom(r)
    return out


# ---------------------------------------------------------------------- pure decisions


def test_only_multi_host_jobs_are_diloco():
    assert plan.is_diloco(job())
    single = tpb.TrainingJob(id=1, host=ME, status=T)
    assert not plan.is_diloco(single)
    assert plan.inner_due(single, ME) is None and plan.outer_due(single, ME) is None
    assert plan.votes_due(single, ME) == []


def test_inner_due_for_an_expected_worker_that_has_not_contributed():
    open0 = rnd(0)
    assert plan.inner_due(job(open0), ME) == open0
    assert plan.inner_due(job(rnd(0, contributions=[(ME, 0)])), ME) is None  # already in
    assert plan.inner_due(job(open0), OUT) is None  # not a worker
    assert plan.inner_due(job(open0, inactive=(ME,)), ME) is None  # left the job
    assert plan.inner_due(job(open0, joined={ME: 1}), ME) is None  # a replacement joins at round 1
    assert plan.inner_due(job(open0, status=V), ME) is None
    assert plan.inner_due(job(rnd(0, RS.ROUND_STATUS_OUTER, [(A, 1)])), ME) is None  # closed without it


def test_current_round_skips_rolled_back_entries():
    gone = rnd(1, RS.ROUND_STATUS_ROLLED_BACK, [(ME, 0)])
    again = rnd(1, open_height=90)
    j = job(rnd(0, RS.ROUND_STATUS_CLOSED, [(ME, 0)]), gone, again)
    assert plan.current_round(j) == again and plan.inner_due(j, ME) == again
    assert [r.index for r in plan.live_rounds(j)] == [0, 1]
    me = plan.my_worker(j, ME)
    assert plan.inner_key(j, gone, me) != plan.inner_key(j, again, me)  # a re-opened round is new work


def test_outer_due_for_contributors_until_they_commit():
    outer = rnd(2, RS.ROUND_STATUS_OUTER, [(B, 2), (ME, 0)])
    assert plan.outer_due(job(outer), ME) == outer
    assert plan.outer_due(job(outer), A) is None  # did not contribute: nothing to commit
    assert plan.outer_due(job(rnd(2, RS.ROUND_STATUS_OUTER, [(ME, 0)], outer=[ME])), ME) is None
    assert plan.ranked_deltas(outer) == ["d2-0", "d2-2"]  # the outer step takes rank order


def test_votes_for_committee_members_and_reverifiers_only():
    voting = rnd(0, RS.ROUND_STATUS_CLOSED, [(ME, 0), (A, 1)], check=RC.ROUND_CHECK_VOTING, checked=A,
                 committee=[OUT])
    assert plan.votes_due(job(voting, rnd(1), current=1), OUT) == [(voting, "committee")]
    assert plan.votes_due(job(voting, rnd(1), current=1), ME) == []
    done = rnd(0, RS.ROUND_STATUS_CLOSED, [(ME, 0), (A, 1)], check=RC.ROUND_CHECK_VOTING, checked=A,
               committee=[OUT], votes=[OUT])
    assert plan.votes_due(job(done), OUT) == []
    rever = rnd(0, RS.ROUND_STATUS_CLOSED, [(ME, 0), (A, 1)], check=RC.ROUND_CHECK_REVERIFYING, checked=A)
    rever.reverification.voters.extend([ME, OUT])
    rever.reverification.deadline_height = 120
    assert plan.votes_due(job(rever), OUT) == [(rever, "reverify")]
    assert plan.vote_deadline(rever, "reverify") == 120
    assert plan.votes_due(job(rever, status=V), ME) == [(rever, "reverify")]
    assert plan.votes_due(job(rever), A) == []  # never on its own round
    assert plan.checked_contribution(rever).rank == 1


def test_needed_blobs_are_the_optimizer_states_a_rollback_may_return_to():
    j = job(rnd(0, RS.ROUND_STATUS_CLOSED, [(ME, 0), (A, 1)]), rnd(1, RS.ROUND_STATUS_ROLLED_BACK, [(ME, 0)]),
            rnd(1, open_height=90))
    assert plan.needed_blobs(j, ME) == {f"o-{ME}", f"s-{ME}", f"e0-{ME}"}
    assert plan.round_losses(j) == [(0, [2_000_000, 1_999_999])]


# ---------------------------------------------------------------------- per block


class FakeSender:
    def __init__(self, code=0):
        self.code, self.sent, self.resets = code, [], 0

    def send(self, msgs):
        self.sent.extend(msgs)
        return "ab" * 32, self.code, "" if self.code == 0 else "refused: late"

    def reset(self):
        self.resets += 1


class FakeCompute:
    """Answers at once (or when `gate` is set); records the calls."""

    def __init__(self):
        self.training = type("T", (), {"cheat": None})()
        self.calls, self.gate = [], threading.Event()
        self.gate.set()

    def inner(self, job, rnd, worker):
        self.gate.wait(5)
        self.calls.append(("inner", rnd.index, worker.rank))
        return ttx.MsgCommitDilocoRound(job_id=job.id, round=rnd.index, delta_sha256="d" * 64)

    def outer(self, job, rnd):
        self.calls.append(("outer", rnd.index))
        return ttx.MsgCommitDilocoOuter(job_id=job.id, round=rnd.index, weights_sha256="w" * 64)

    def check(self, job, rnd):
        self.calls.append(("check", rnd.index))
        return ttx.MsgVoteDilocoRound(job_id=job.id, round=rnd.index, verdict=ipb.VERDICT_INVALID, distance_ppm=7)


def settle(agent, height, jobs, blocks=3):
    for lane in (agent.inner_lane, agent.outer_lane, agent.check_lane):
        for future in list(lane.tasks.values()):
            future.result(5)
    for h in range(height, height + blocks):
        agent.step_jobs(h, jobs)


def test_agent_trains_commits_once_and_resends_after_the_in_flight_window():
    sender, compute, lines = FakeSender(), FakeCompute(), []
    agent = DilocoAgent(sender, ME, "worker1", compute, echo=lines.append)
    j = job(rnd(0))
    agent.step_jobs(11, [j])
    settle(agent, 12, [j])
    assert compute.calls == [("inner", 0, 0)]
    assert len(sender.sent) == 1 and sender.sent[0].worker == "worker1" and sender.sent[0].round == 0
    agent.step_jobs(12 + 6, [j])  # not on chain after IN_FLIGHT_BLOCKS: sent again
    assert len(sender.sent) == 2
    landed = job(rnd(0, contributions=[(ME, 0)]))
    agent.step_jobs(30, [landed])
    assert len(sender.sent) == 2 and compute.calls == [("inner", 0, 0)]
    agent.close()


def test_agent_skips_a_round_past_its_deadline_and_gives_up_after_refusals():
    sender, compute = FakeSender(code=18), FakeCompute()
    agent = DilocoAgent(sender, ME, "w", compute, echo=lambda _: None)
    agent.step_jobs(51, [job(rnd(0, deadline=50))])
    assert compute.calls == [] and not agent.inner_lane.tasks
    j = job(rnd(0))
    agent.step_jobs(11, [j])
    settle(agent, 12, [j], blocks=30)
    assert len(sender.sent) == 3 and sender.resets == 3  # MAX_FAILURES refusals, then no more tries
    agent.close()


def test_agent_commits_the_outer_step_and_votes_on_checks():
    sender, compute = FakeSender(), FakeCompute()
    agent = DilocoAgent(sender, OUT, "w", compute, echo=lambda _: None)
    voting = rnd(0, RS.ROUND_STATUS_CLOSED, [(ME, 0), (A, 1)], check=RC.ROUND_CHECK_VOTING, checked=A,
                 committee=[OUT])
    j = job(voting, rnd(1), current=1)
    agent.step_jobs(20, [j])
    settle(agent, 21, [j])
    assert compute.calls == [("check", 0)] and sender.sent[0].distance_ppm == 7
    agent.step_jobs(81, [j])  # past the vote deadline: nothing more
    assert len(sender.sent) == 1
    mine = DilocoAgent(FakeSender(), ME, "w", compute, echo=lambda _: None)
    outer = job(rnd(2, RS.ROUND_STATUS_OUTER, [(ME, 0), (A, 1)]))
    mine.step_jobs(60, [outer])
    settle(mine, 61, [outer])
    assert compute.calls[-1] == ("outer", 2) and mine.sender.sent[0].weights_sha256 == "w" * 64
    mine.step_jobs(70, [])  # the job finished: its results and sends are forgotten
    assert not mine._ready and not mine._sent
    agent.close()
    mine.close()


def test_kept_blobs_are_optimizer_states_current_inputs_checks_and_the_latest_agreed_pair():
    closed = rnd(0, RS.ROUND_STATUS_CLOSED, [(ME, 0), (A, 1)], check=RC.ROUND_CHECK_VOTING, checked=A,
                 committee=[OUT])
    closed.agreed_weights_sha256, closed.agreed_momentum_sha256 = "theta1", "m1"
    current = rnd(1, contributions=[(A, 1)])
    j = job(closed, current)
    assert plan.kept_blobs(j, ME) == {f"o-{ME}", f"s-{ME}", f"e0-{ME}", "theta1", "m1", "d1-1", f"s-{A}"}
    assert plan.kept_blobs(j, OUT) == {"theta1", "m1", "d1-1", f"s-{A}", "theta0", "d0-0", "d0-1", f"s-{ME}"}


def test_agent_prunes_active_jobs_and_drops_finished_ones_when_no_task_runs(tmp_path):
    from worker.agent.diloco_store import DilocoStore

    compute = FakeCompute()
    compute.store = DilocoStore(tmp_path)
    agent = DilocoAgent(FakeSender(), OUT, "w", compute, echo=lambda _: None)
    keep, old = b"keep", b"old"
    j = job(rnd(0, RS.ROUND_STATUS_CLOSED, [(ME, 0)]), rnd(1), current=1)
    j.diloco.rounds_log[1].start_weights_sha256 = hashlib.sha256(keep).hexdigest()
    for data in (keep, old):
        compute.store.keep(j.id, data)
    compute.store.keep(99, old)  # a job that is over
    agent.step_jobs(20, [j])
    assert compute.store.job_ids() == [j.id]
    assert compute.store.hashes(j.id) == [hashlib.sha256(keep).hexdigest()]
    agent.close()
