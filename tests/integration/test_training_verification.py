"""Verified training on an in-process chain (docs/training.md §5-§8, §12): a job submitted by a user is
scheduled, its prover's worker commits real Merkle roots, the chain draws sample and committee from
the block after each commit, the prover reveals with audit paths, the committee votes; honest work
completes and is paid, a cheat is caught by re-verification (slash, ban, Phi, bounty, lazy verifier,
re-assignment to another host), an unrevealed sample is fraud, and refused messages change nothing.
The App checks the supply invariant at every block.

Job: 8 steps, checkpoint every step (8 intervals), 4 intervals per segment (2 segments), half of
each segment sampled, a committee of 3 out of 5 hosts (weight 10 each); 101-block Sprint epochs so
the weights do not move during a test.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED
from sprint.inference.v1.inference_pb2 import VERDICT_INVALID, VERDICT_VALID
from sprint.training.v1 import query_pb2
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_FRAUD, SEGMENT_STATUS_PASSED, SEGMENT_STATUS_REVEALED, SEGMENT_STATUS_REVERIFYING,
    SEGMENT_STATUS_SAMPLED, TRAINING_JOB_STATUS_COMPLETED,
    TRAINING_JOB_STATUS_TRAINING, Hyperparams, StateReveal,
)
from sprint.training.v1.tx_pb2 import (
    MsgCommitTrainingSegment, MsgRevealTrainingStates, MsgSubmitTrainingJob, MsgVoteTrainingSegment,
)

from chain.modules.bank.keys import module_address
from chain.modules.training import draws, merkle, reveals
from chain.modules.training.keeper import live_segment
from chain.tx.builder import pack_any
from chain.modules.sprint.genesis import parse_params
from chain.store.memory import MemoryDB
from tests.helpers.chain import new_app
from tests.helpers.inference import InferenceNet, inference_state
from tests.helpers.sprint import block_hash_at
from tests.helpers.verification import end_events

ESCROW = module_address("training")
LONG_EPOCHS = {"commit_blocks": "20", "reveal_blocks": "20", "sprint_blocks": "20", "proof_blocks": "20",
               "validation_blocks": "20", "settlement_blocks": "1"}
TRAINING_PARAMS = {"intervals_per_segment": 4, "default_sample_ppm": 500_000, "default_committee_size": 3,
                   "segment_blocks": "10", "reveal_blocks": "5", "vote_blocks": "3", "reverify_blocks": "4",
                   "queue_blocks": "20", "price_per_gflop": "100000"}
BUDGET = 5_000_000
URL = "/sprint.training.v1.{}"


def state_of(k: int, cheat: bool = False) -> tuple[str, str, int]:
    """(weights hash, optim hash, loss) of the end state of interval k (`cheat`: a different, skipped state)."""
    tag = b"cheat" if cheat else b"honest"
    return (hashlib.sha256(tag + b"|w|%d" % k).hexdigest(), hashlib.sha256(tag + b"|o|%d" % k).hexdigest(),
            3_000_000 - 10_000 * k)


class TrainingNet(InferenceNet):
    """InferenceNet with the training section, one funded submitter and the prover's leaves."""

    def __init__(self, n: int = 5):
        self.app_state, self.hosts, self.outsider, self.users = inference_state(n, 1, sprint_params=LONG_EPOCHS)
        self.app_state["training"] = {"params": dict(TRAINING_PARAMS)}
        self.outsider_account = 2 * n
        self.app = new_app(MemoryDB(), self.app_state)
        self.params = parse_params(self.app_state["sprint"]["params"])

    # --- messages ------------------------------------------------------------------------------

    def submit_job(self) -> int:
        hyper = Hyperparams(lr_nano=1_000_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
                            batch_size=2, seq_len=16, total_steps=8, checkpoint_interval=1)
        msg = MsgSubmitTrainingJob(submitter=self.users[0].bech32, base_model="tiny-lm", dataset_sha256="cd" * 32,
                                   dataset_size=4096, hyper=hyper, output_model="tiny-ft", budget=BUDGET)
        block = self.run((self.users[0], pack_any(msg, URL.format("MsgSubmitTrainingJob"))))
        assert block.codes == [0], block.results[0].log
        return int(next(e for e in _tx_events(block, "training_submitted"))["job_id"])

    def prover(self, job_id: int = 1) -> int:
        return self.index_of(self.job(job_id).host)

    def leaves(self, job_id: int, first: int, count: int, cheat: bool = False) -> list[bytes]:
        return [merkle.leaf_hash(job_id, k, *state_of(k, cheat and k >= 6)) for k in range(first, first + count)]

    def commit_segment(self, index: int, job_id: int = 1, cheat: bool = False):
        """One block with the prover's commit of segment `index` (`cheat`: intervals 6-7 faked)."""
        job = self.job(job_id)
        first, count = index * 4, min(4, job.intervals - index * 4)
        end_w, end_o, _ = state_of(first + count - 1, cheat and first + count - 1 >= 6)
        msg = MsgCommitTrainingSegment(
            worker=self.worker_of(self.prover(job_id)), job_id=job_id, segment=index,
            root=merkle.merkle_root(self.leaves(job_id, first, count, cheat)),
            losses_micro=[state_of(k)[2] for k in range(first, first + count)], end_weights_sha256=end_w,
            end_optim_sha256=end_o, end_weights_size=1000, end_optim_size=2000)
        return self.run((self.prover(job_id), pack_any(msg, URL.format("MsgCommitTrainingSegment"))))

    def reveal_msg(self, index: int, job_id: int = 1, cheat: bool = False, signer: int | None = None):
        job = self.job(job_id)
        entries = []
        for k in reveals.required_intervals(job, live_segment(job, index)):
            seg = live_segment(job, k // 4)
            leaves = self.leaves(job_id, seg.first_interval, seg.interval_count, cheat)
            w, o, loss = state_of(k, cheat and k >= 6)
            entries.append(StateReveal(interval=k, weights_sha256=w, optim_sha256=o, loss_micro=loss,
                                       proof=merkle.audit_path(leaves, k - seg.first_interval)))
        signer = self.prover(job_id) if signer is None else signer
        msg = MsgRevealTrainingStates(worker=self.worker_of(signer), job_id=job_id, segment=index, reveals=entries)
        return signer, pack_any(msg, URL.format("MsgRevealTrainingStates"))

    def vote_msg(self, voter: int, index: int, valid: bool, job_id: int = 1):
        n = len(live_segment(self.job(job_id), index).sampled_intervals)
        msg = MsgVoteTrainingSegment(worker=self.worker_of(voter), job_id=job_id, segment=index,
                                     verdict=VERDICT_VALID if valid else VERDICT_INVALID, distances_ppm=[500] * n)
        return voter, pack_any(msg, URL.format("MsgVoteTrainingSegment"))

    # --- queries -------------------------------------------------------------------------------

    def job(self, job_id: int = 1):
        resp = self.app.query(_query("Job", query_pb2.QueryJobRequest(id=job_id)))
        assert resp.code == 0, resp.log
        return query_pb2.QueryJobResponse.FromString(resp.value).job

    def seg(self, index: int, job_id: int = 1):
        return live_segment(self.job(job_id), index)

    def committee(self, index: int, job_id: int = 1) -> list[int]:
        return [self.index_of(m) for m in self.seg(index, job_id).committee]

    def assigned_job(self) -> int:
        job_id = self.submit_job()
        if self.job(job_id).status != TRAINING_JOB_STATUS_TRAINING:
            self.advance_to(self.next_height + 1)
        assert self.job(job_id).status == TRAINING_JOB_STATUS_TRAINING
        return job_id

    def verify_segment(self, index: int, valid_votes: int = 3, cheat: bool = False):
        """Commit, draw, reveal and committee votes (the first `valid_votes` members VALID, the rest
        INVALID) of segment `index`; returns the vote block."""
        self.commit_segment(index, cheat=cheat)
        self.advance_to(self.next_height + 1)  # the draw block
        assert self.seg(index).status == SEGMENT_STATUS_SAMPLED
        assert self.run(self.reveal_msg(index, cheat=cheat)).codes == [0]
        members = self.committee(index)
        block = self.run(*[self.vote_msg(m, index, i < valid_votes) for i, m in enumerate(members)])
        assert block.codes == [0] * len(members), [r.log for r in block.results]
        return block


def _query(method: str, request):
    from tendermint.abci import types_pb2 as abci
    return abci.RequestQuery(path=f"/sprint.training.v1.Query/{method}", data=request.SerializeToString())


def _tx_events(block, event_type: str) -> list[dict]:
    return [{a.key: a.value for a in e.attributes} for r in block.results for e in r.events if e.type == event_type]


def test_honest_job_is_sampled_after_each_commit_verified_and_completed():
    net = TrainingNet()
    net.assigned_job()
    prover = net.prover()
    commit = net.commit_segment(0)
    assert commit.codes == [0] and net.seg(0).status != SEGMENT_STATUS_SAMPLED  # nothing drawn in its own block
    draw_height = net.next_height
    net.advance_to(draw_height + 1)
    seg = net.seg(0)
    seed = draws.sample_seed(block_hash_at(draw_height), 1, 0)
    assert list(seg.sampled_intervals) == draws.sample_intervals(seed, 0, 4, 500_000)
    assert prover not in net.committee(0) and len(seg.committee) == 3
    assert net.run(net.reveal_msg(0)).codes == [0]
    assert net.seg(0).status == SEGMENT_STATUS_REVEALED
    block = net.run(*[net.vote_msg(m, 0, True) for m in net.committee(0)])
    assert net.seg(0).status == SEGMENT_STATUS_PASSED
    assert end_events(block, "training_segment_passed")[0]["how"] == "committee"
    submitter_before = net.balance(net.users[0].address)
    net.verify_segment(1)
    job = net.job()
    assert job.status == TRAINING_JOB_STATUS_COMPLETED and job.forfeited == []
    assert job.paid_provers == job.train_cost and job.paid_verifiers > 0
    assert net.balance(ESCROW) == 0
    assert net.balance(net.users[0].address) - submitter_before == BUDGET - job.paid_provers - job.paid_verifiers


def _caught_cheat(net: TrainingNet):
    """Segment 0 honest and PASSED; segment 1 faked, 2 of 3 members vote INVALID, re-verification
    opens and an outsider's INVALID vote confirms it. Returns (cheater, committee, bond before, block)."""
    net.assigned_job()
    cheater = net.prover()
    net.verify_segment(0)
    bond_before = net.bonded(cheater)
    net.verify_segment(1, valid_votes=1, cheat=True)  # members 2 and 3 find the faked intervals
    assert net.seg(1).status == SEGMENT_STATUS_REVERIFYING
    committee = net.committee(1)
    outsider = [i for i in range(5) if i != cheater and i not in committee][0]
    block = net.run(net.vote_msg(outsider, 1, False))  # 3 of the 4 eligible hosts' weight: fraud
    assert block.codes == [0]
    return cheater, committee, bond_before, block


def test_cheat_is_caught_by_reverification_and_the_job_moves_to_another_host():
    net = TrainingNet()
    cheater, committee, bond_before, block = _caught_cheat(net)
    job = net.job()
    assert [s.status for s in job.segments_log if s.index == 1] == [SEGMENT_STATUS_FRAUD]
    assert net.bonded(cheater) < bond_before
    assert net.app.keepers.hosts.get_host(net.app.committed_store(), net.hosts[cheater].address).status \
        == HOST_STATUS_BANNED
    assert net.hosts[cheater].bech32 in job.forfeited and net.hosts[cheater].bech32 in job.excluded
    fraud = _tx_events(block, "training_fraud")[0]
    assert fraud["lazy_verifiers"] == net.hosts[committee[0]].bech32
    assert int(fraud["bounty"]) == job.bounty_paid > 0  # half of the forfeited segment-0 pay, capped
    assert job.resume_interval == 4 and net.seg(0).status == SEGMENT_STATUS_PASSED
    net.advance_to(net.next_height + 1)
    assert net.job().status == TRAINING_JOB_STATUS_TRAINING and net.prover() != cheater
    net.verify_segment(1)
    job = net.job()
    assert job.status == TRAINING_JOB_STATUS_COMPLETED
    assert job.paid_provers == job.train_cost - fraud_share(job)  # the cheater's segment-0 pay is forfeited
    assert net.balance(ESCROW) == 0


def fraud_share(job) -> int:
    return job.train_cost * 4 // job.intervals


def cheat_app_hash() -> str:
    """The app hash after the caught-cheat scenario (run under several PYTHONHASHSEED values)."""
    net = TrainingNet()
    _caught_cheat(net)
    return net.app.app_hash.hex()


def test_verification_is_deterministic_across_hash_seeds():
    root = Path(__file__).resolve().parents[2]
    code = "from tests.integration.test_training_verification import cheat_app_hash; print(cheat_app_hash())"
    hashes = {subprocess.run([sys.executable, "-c", code], cwd=root, env=dict(os.environ, PYTHONHASHSEED=seed),
                             capture_output=True, text=True, timeout=120, check=True).stdout.strip()
              for seed in ("0", "1", "12345")}
    assert len(hashes) == 1 and cheat_app_hash() in hashes


def test_unrevealed_sample_is_fraud_at_the_reveal_deadline():
    net = TrainingNet()
    net.assigned_job()
    prover = net.prover()
    net.commit_segment(0)
    net.advance_to(net.next_height + 1)
    deadline = net.seg(0).reveal_deadline
    net.advance_to(deadline)
    assert net.seg(0).status == SEGMENT_STATUS_SAMPLED
    block = net.run()  # the deadline block ends with no reveal
    assert block.height == deadline
    job = net.job()
    assert [s.status for s in job.segments_log] == [SEGMENT_STATUS_FRAUD]
    assert "not revealed" in end_events(block, "training_fraud")[0]["reason"]
    assert net.hosts[prover].bech32 in job.excluded and job.reassignments == 1


def test_refused_reveals_and_votes_change_nothing():
    net = TrainingNet()
    net.assigned_job()
    prover = net.prover()
    net.commit_segment(0)
    net.advance_to(net.next_height + 1)
    other = [i for i in range(5) if i != prover][0]
    _, forged = net.reveal_msg(0)
    before = net.job().SerializeToString()
    txs = [net.reveal_msg(0, signer=other), (prover, _tamper(forged)), net.vote_msg(other, 0, True)]
    results = [net.run(tx).results[0] for tx in txs]  # one block each
    assert [r.code for r in results] == [4, 18, 18]
    assert "only the prover" in results[0].log
    assert "membership proof of interval" in results[1].log
    assert "votes are taken while it is REVEALED" in results[2].log
    assert net.job().SerializeToString() == before
    assert net.run(net.reveal_msg(0)).codes == [0]
    outsider = [i for i in range(5) if i != prover and i not in net.committee(0)][0]
    block = net.run(net.vote_msg(outsider, 0, True), net.vote_msg(prover, 0, True))
    assert [r.code for r in block.results] == [4, 4]
    assert "not on the committee" in block.results[0].log and "cannot vote on it" in block.results[1].log
    assert net.seg(0).votes == []


def _tamper(packed):
    msg = MsgRevealTrainingStates.FromString(packed.value)
    msg.reveals[0].weights_sha256 = "00" * 32
    return pack_any(msg, URL.format("MsgRevealTrainingStates"))
