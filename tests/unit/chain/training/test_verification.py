"""training verification (docs/training.md §5-§7): sample and committee draws, reveals with membership
proofs, committee votes and the committee tally, on real keepers over a memory store (no App).

Harness: 5 hosts (weights 10..50), host 0 proves job 1 (8 intervals, 2 segments of 4). Its leaves
are real merkle.leaf_hash values, so reveals carry real audit paths.
"""

from __future__ import annotations

import hashlib

import pytest
from sprint.inference.v1.inference_pb2 import VERDICT_INVALID, VERDICT_VALID
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_COMMITTED, SEGMENT_STATUS_PASSED, SEGMENT_STATUS_REVEALED, SEGMENT_STATUS_REVERIFYING,
    SEGMENT_STATUS_SAMPLED, TRAINING_JOB_STATUS_TRAINING, Segment, StateReveal, TrainingJob,
)
from sprint.training.v1.tx_pb2 import MsgRevealTrainingStates, MsgVoteTrainingSegment

from chain.context import BlockInfo, Context
from chain.errors import TxError
from chain.gas import GasMeter
from chain.invariants import check_supply
from chain.modules import registry
from chain.modules.bank.keys import module_address
from chain.modules.training import draws, merkle, reveals, verification, votes
from chain.modules.training.expected_keepers import TrainingDeps
from chain.modules.training.keeper import TrainingKeeper
from chain.modules.training.params import default_params
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from chain.tx.crypto import encode_address
from tests.helpers.chain import DENOM, make_key, make_keys
from tests.helpers.staking import staking_state
from tests.unit.chain.modules.test_hosts import host_json

ESCROW = module_address("training")
BUDGET = 1_000_000
BOND = 1_000_000


def block_hash(height: int, salt: bytes = b"") -> bytes:
    return hashlib.sha256(b"block|%d|" % height + salt).digest()


def state_of(k: int) -> tuple[str, str, int]:
    """(weights hash, optim hash, loss) of interval k's end state in the harness job."""
    return hashlib.sha256(b"w%d" % k).hexdigest(), hashlib.sha256(b"o%d" % k).hexdigest(), 2_000_000 - 1000 * k


class Harness:
    """Real hosts/staking/reputation/bank keepers and a TrainingKeeper over one CacheStore."""

    def __init__(self, weights=(10, 20, 30, 40, 50), committee: int = 3, sample_ppm: int = 500_000,
                 intervals: int = 8, ips: int = 4, params: dict | None = None):
        self.keys = make_keys(len(weights))
        app_state = staking_state(self.keys, bonds={k.bech32: BOND for k in self.keys})
        app_state["hosts"] = {"hosts": [host_json(i, weight=w) for i, w in enumerate(weights)]}
        app_state["bank"]["balances"].append({"address": encode_address(ESCROW),
                                              "coins": [{"denom": DENOM, "amount": str(BUDGET)}]})
        self.store = CacheStore(MemoryDB().snapshot())
        keepers = registry.build_keepers()
        registry.init_genesis(self.store, keepers, app_state)
        self.params = default_params()
        for name, value in (params or {}).items():
            setattr(self.params, name, value)
        training = TrainingKeeper()
        training.set_params(self.store, self.params)
        self.deps = TrainingDeps(training=training, bank=keepers.bank, hosts=keepers.hosts, staking=keepers.staking,
                                 sprint=keepers.sprint, reputation=keepers.reputation, rewards=keepers.rewards,
                                 inference=keepers.inference)
        self.events: list = []
        job = TrainingJob(id=1, submitter=make_key(60).bech32, status=TRAINING_JOB_STATUS_TRAINING,
                          host=self.bech32(0), intervals=intervals, intervals_per_segment=ips,
                          segments=-(-intervals // ips), sample_ppm=sample_ppm, committee_size=committee,
                          train_cost=800_000, verify_cost=100_000, budget=BUDGET)
        training.set_job(self.store, job)

    # --- addresses and records ------------------------------------------------------------------

    def bech32(self, i: int) -> str:
        return self.keys[i].bech32

    def worker(self, i: int) -> str:
        return make_key(100 + i).bech32

    def index_of(self, bech32: str) -> int:
        return [k.bech32 for k in self.keys].index(bech32)

    def job(self) -> TrainingJob:
        return self.deps.training.get_job(self.store, 1)

    def seg(self, index: int = 0) -> Segment:
        return verification.find_segment(self.job(), index)

    def success(self, i: int) -> int:
        rep = self.deps.reputation.get(self.store, self.keys[i].address)
        return rep.success_rate_ppm if rep else 0

    def set_success(self, i: int, ppm: int) -> None:
        from sprint.reputation.v1.reputation_pb2 import HostReputation
        self.deps.reputation.set(self.store, HostReputation(host=self.bech32(i), success_rate_ppm=ppm))

    def balance(self, address: bytes) -> int:
        return self.deps.bank.balance(self.store, address, DENOM)

    # --- blocks and messages --------------------------------------------------------------------

    def ctx(self, height: int, hash_: bytes | None = None, store=None) -> Context:
        info = BlockInfo(height=height, time_seconds=0, time_nanos=0, chain_id="test",
                         hash=block_hash(height) if hash_ is None else hash_)
        return Context(self.store if store is None else store, info, GasMeter(None))

    def end_block(self, height: int, hash_: bytes | None = None) -> Context:
        ctx = self.ctx(height, hash_)
        verification.end_block(ctx, self.deps)
        self.events.extend(ctx.events)
        check_supply(self.store, self.deps.bank)
        return ctx

    def commit(self, index: int, height: int, host: int = 0, losses=None, root: bytes | None = None) -> Segment:
        """Append a COMMITTED segment of the harness leaves (as the prover's commit would)."""
        job = self.job()
        first = index * job.intervals_per_segment
        count = min(job.intervals_per_segment, job.intervals - first)
        leaves = [merkle.leaf_hash(1, k, *state_of(k)) for k in range(first, first + count)]
        end_w, end_o, _ = state_of(first + count - 1)
        seg = Segment(index=index, host=self.bech32(host), commit_height=height, first_interval=first,
                      interval_count=count, root=merkle.merkle_root(leaves) if root is None else root,
                      losses_micro=[state_of(k)[2] for k in range(first, first + count)] if losses is None else losses,
                      end_weights_sha256=end_w, end_optim_sha256=end_o, status=SEGMENT_STATUS_COMMITTED)
        job.segments_log.append(seg)
        self.deps.training.set_job(self.store, job)
        return seg

    def reveal_entry(self, k: int, job_id: int = 1) -> StateReveal:
        """The honest reveal of interval k: its state and the audit path in its segment's tree."""
        holder = verification.holding_segment(self.job(), k)
        leaves = [merkle.leaf_hash(job_id, j, *state_of(j))
                  for j in range(holder.first_interval, holder.first_interval + holder.interval_count)]
        w, o, loss = state_of(k)
        return StateReveal(interval=k, weights_sha256=w, optim_sha256=o, loss_micro=loss,
                           proof=merkle.audit_path(leaves, k - holder.first_interval))

    def reveal_msg(self, index: int = 0, signer: int = 0, entries=None) -> MsgRevealTrainingStates:
        if entries is None:
            entries = [self.reveal_entry(k) for k in reveals.required_intervals(self.job(), self.seg(index))]
        return MsgRevealTrainingStates(worker=self.worker(signer), job_id=1, segment=index, reveals=entries)

    def vote_msg(self, voter: int, index: int = 0, valid: bool = True, distances=None) -> MsgVoteTrainingSegment:
        n = len(self.seg(index).sampled_intervals)
        return MsgVoteTrainingSegment(worker=self.worker(voter), job_id=1, segment=index,
                                      verdict=VERDICT_VALID if valid else VERDICT_INVALID,
                                      distances_ppm=[1000] * n if distances is None else distances)

    def deliver(self, height: int, handler, msg) -> Context:
        """Run a handler like a tx: on a branch written back only when it succeeds."""
        branch = self.store.branch()
        ctx = self.ctx(height, store=branch)
        handler(ctx, self.deps, msg)
        branch.write()
        self.events.extend(ctx.events)
        check_supply(self.store, self.deps.bank)
        return ctx

    def refused(self, height: int, handler, msg) -> TxError:
        """Run a handler that must fail; assert it wrote nothing before failing."""
        branch = self.store.branch()
        with pytest.raises(TxError) as info:
            handler(self.ctx(height, store=branch), self.deps, msg)
        assert branch.sorted_writes() == [], "a refused message changed state"
        return info.value

    def committee(self, index: int = 0) -> list[int]:
        return [self.index_of(member) for member in self.seg(index).committee]

    def sampled_and_revealed(self, index: int = 0, commit_height: int = 10) -> int:
        """Commit segment `index` at commit_height, draw at +1, reveal at +2; returns the reveal height."""
        self.commit(index, commit_height)
        self.end_block(commit_height + 1)
        self.deliver(commit_height + 2, reveals.handle_reveal, self.reveal_msg(index))
        return commit_height + 2


def events_of(h: Harness, kind: str) -> list[dict]:
    return [dict(e.attributes) for e in h.events if e.type == kind]


# --- draws ---------------------------------------------------------------------------------------


def test_sample_and_committee_come_from_the_block_after_the_commit():
    h = Harness()
    h.commit(0, height=10)
    h.end_block(10)  # the commit's own block: nothing is drawn from a block the commit is in
    assert h.seg().status == SEGMENT_STATUS_COMMITTED
    h.end_block(11)
    seg = h.seg()
    seed = draws.sample_seed(block_hash(11), 1, 0)
    assert seg.status == SEGMENT_STATUS_SAMPLED
    assert list(seg.sampled_intervals) == draws.sample_intervals(seed, 0, 4, 500_000) and len(seg.sampled_intervals) == 2
    candidates = [(k.address, w) for k, w in zip(h.keys[1:], (20, 30, 40, 50))]
    assert list(seg.committee) == [encode_address(op) for op in draws.draw_committee(seed, candidates, 3)]
    assert h.bech32(0) not in seg.committee and len(seg.committee) == 3
    assert seg.reveal_deadline == 11 + h.params.reveal_blocks
    sampled = events_of(h, "training_sampled")[0]
    assert sampled["committee"] == ",".join(seg.committee) and sampled["reveal_deadline"] == str(seg.reveal_deadline)


def test_different_block_hashes_give_different_draws_and_never_the_prover():
    samples, committees = set(), set()
    for salt in range(12):
        h = Harness()
        h.commit(0, height=10)
        h.end_block(11, block_hash(11, b"%d" % salt))
        seg = h.seg()
        assert h.bech32(0) not in seg.committee
        samples.add(tuple(seg.sampled_intervals))
        committees.add(tuple(seg.committee))
    # Neither the prover (it committed before the hash existed) nor the submitter picks the draw.
    assert len(samples) > 1 and len(committees) > 1


def test_no_candidate_passes_at_once():
    h = Harness(weights=(10, 0, 0))
    h.commit(0, height=10)
    h.end_block(11)
    seg = h.seg()
    assert seg.status == SEGMENT_STATUS_PASSED and seg.passed_height == 11 and list(seg.committee) == []
    assert events_of(h, "training_segment_passed")[0]["how"] == "no_candidates"


def test_banned_hosts_are_no_candidates():
    h = Harness(committee=4)
    h.deps.hosts.ban(h.ctx(5), h.keys[2].address, 1000, "test")
    h.commit(0, height=10)
    h.end_block(11)
    assert sorted(h.committee()) == [1, 3, 4]


# --- reveals -------------------------------------------------------------------------------------


def test_reveal_opens_each_sampled_interval_and_its_start_state():
    h = Harness()
    h.commit(0, height=10)
    h.end_block(11)
    seg = h.seg()
    required = reveals.required_intervals(h.job(), seg)
    expected = sorted(dict.fromkeys([k - 1 for k in seg.sampled_intervals if k > 0] + list(seg.sampled_intervals)))
    assert required == expected
    msg = h.reveal_msg()
    msg.reveals.reverse()  # any order; stored ascending
    h.deliver(12, reveals.handle_reveal, msg)
    seg = h.seg()
    assert seg.status == SEGMENT_STATUS_REVEALED and seg.vote_deadline == 12 + h.params.vote_blocks
    assert [r.interval for r in seg.reveals] == required
    assert events_of(h, "training_revealed")[0]["intervals"] == ",".join(str(k) for k in required)


def test_start_state_in_the_previous_segment_and_the_resume_state():
    h = Harness(sample_ppm=1_000_000)
    h.commit(0, height=10)
    h.end_block(11)
    h.deliver(12, reveals.handle_reveal, h.reveal_msg(0))
    assert reveals.required_intervals(h.job(), h.seg(0)) == [0, 1, 2, 3]  # interval 0 starts from the base model
    h.commit(1, height=20)
    h.end_block(21)
    assert reveals.required_intervals(h.job(), h.seg(1)) == [3, 4, 5, 6, 7]  # 3 is proven against segment 0's root
    h.deliver(22, reveals.handle_reveal, h.reveal_msg(1))
    assert h.seg(1).status == SEGMENT_STATUS_REVEALED
    job = h.job()
    job.resume_interval = 4  # a re-assigned prover starting at 4 from the job's resume state
    assert reveals.required_intervals(job, job.segments_log[1]) == [4, 5, 6, 7]


def _tamper(h: Harness, kind: str):
    """A reveal message for segment 0 spoiled in one way, and the log fragment it must fail with."""
    msg = h.reveal_msg()
    first = msg.reveals[1]  # interval 1: neither the base start nor the segment's end state
    if kind == "tampered_leaf":
        first.weights_sha256 = hashlib.sha256(b"forged").hexdigest()
        return msg, "membership proof of interval"
    if kind == "wrong_index":  # a real leaf and path, presented as another interval of the same tree
        other = h.reveal_entry(2)
        first.proof[:] = other.proof
        first.weights_sha256, first.optim_sha256 = other.weights_sha256, other.optim_sha256
        first.loss_micro = h.seg().losses_micro[first.interval]
        return msg, "membership proof of interval"
    if kind == "other_segment_proof":  # the same leaf data with a path from job 2's tree
        leaves = [merkle.leaf_hash(2, k, *state_of(k)) for k in range(4)]
        first.proof[:] = merkle.audit_path(leaves, first.interval)
        return msg, "membership proof of interval"
    if kind == "wrong_loss":
        first.loss_micro += 1
        return msg, "segment 0 committed"
    if kind == "missing_start":
        del msg.reveals[0]
        return msg, "must open exactly intervals"
    if kind == "duplicate":
        msg.reveals.append(msg.reveals[0])
        return msg, "must open exactly intervals"
    if kind == "bad_hash":
        first.optim_sha256 = "XY" * 32
        return msg, "optim_sha256 of interval"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["tampered_leaf", "wrong_index", "other_segment_proof", "wrong_loss",
                                  "missing_start", "duplicate", "bad_hash"])
def test_bad_reveals_are_refused_and_change_nothing(kind):
    h = Harness(sample_ppm=1_000_000)
    h.commit(0, height=10)
    h.end_block(11)
    before = h.job().SerializeToString()
    msg, fragment = _tamper(h, kind)
    err = h.refused(12, reveals.handle_reveal, msg)
    assert err.code == 18 and fragment in err.log, err.log
    assert h.job().SerializeToString() == before
    h.deliver(12, reveals.handle_reveal, h.reveal_msg())  # the honest reveal still goes through
    assert h.seg().status == SEGMENT_STATUS_REVEALED


def test_end_state_must_match_the_committed_end_state():
    h = Harness(sample_ppm=1_000_000)
    seg = h.commit(0, height=10)
    job = h.job()
    job.segments_log[0].end_weights_sha256 = hashlib.sha256(b"another end").hexdigest()
    h.deps.training.set_job(h.store, job)
    h.end_block(11)
    err = h.refused(12, reveals.handle_reveal, h.reveal_msg())
    assert err.code == 18 and "committed end state" in err.log
    assert seg.index == 0


def test_reveal_by_another_host_late_or_unsampled_is_refused():
    h = Harness()
    h.commit(0, height=10)
    err = h.refused(10, reveals.handle_reveal, MsgRevealTrainingStates(
        worker=h.worker(0), job_id=1, segment=0, reveals=[h.reveal_entry(0)]))
    assert err.code == 18 and "only a SAMPLED segment" in err.log
    h.end_block(11)
    err = h.refused(12, reveals.handle_reveal, h.reveal_msg(signer=1))
    assert err.code == 4 and "only the prover" in err.log
    err = h.refused(h.seg().reveal_deadline + 1, reveals.handle_reveal, h.reveal_msg())
    assert err.code == 18 and err.log.startswith("late:")
    err = h.refused(12, reveals.handle_reveal, MsgRevealTrainingStates(worker=h.worker(0), job_id=1, segment=5,
                                                                       reveals=[h.reveal_entry(0)]))
    assert err.code == 18 and "no committed segment 5" in err.log
    err = h.refused(12, reveals.handle_reveal, MsgRevealTrainingStates(worker=make_key(41).bech32, job_id=1,
                                                                       segment=0, reveals=[h.reveal_entry(0)]))
    assert err.code == 4 and "not the worker of any registered host" in err.log
    h.deliver(h.seg().reveal_deadline, reveals.handle_reveal, h.reveal_msg())  # the deadline block itself is in time
    assert h.seg().status == SEGMENT_STATUS_REVEALED


# --- committee votes and the tally ---------------------------------------------------------------


def test_committee_votes_rules():
    h = Harness()
    height = h.sampled_and_revealed()
    committee = h.committee()
    outsider = [i for i in range(1, 5) if i not in committee][0]
    err = h.refused(height, votes.handle_vote, h.vote_msg(outsider))
    assert err.code == 4 and "not on the committee" in err.log
    err = h.refused(height, votes.handle_vote, h.vote_msg(0))
    assert err.code == 4 and "cannot vote on it" in err.log
    err = h.refused(height, votes.handle_vote, h.vote_msg(committee[0], distances=[1]))
    assert err.code == 18 and "distances" in err.log
    bad = h.vote_msg(committee[0])
    bad.verdict = 0
    err = h.refused(height, votes.handle_vote, bad)
    assert err.code == 18 and "verdict must be VALID or INVALID" in err.log
    h.deliver(height, votes.handle_vote, h.vote_msg(committee[0]))
    err = h.refused(height, votes.handle_vote, h.vote_msg(committee[0], valid=False))
    assert err.code == 18 and "already voted" in err.log
    vote = h.seg().votes[0]
    assert (vote.voter, vote.verdict, list(vote.distances_ppm), vote.height) == (
        h.bech32(committee[0]), VERDICT_VALID, [1000] * 2, height)
    assert events_of(h, "training_vote")[0]["kind"] == "committee"


def test_votes_before_the_reveal_are_refused():
    h = Harness()
    h.commit(0, height=10)
    h.end_block(11)
    committee = h.committee()
    err = h.refused(12, votes.handle_vote, h.vote_msg(committee[0]))
    assert err.code == 18 and "SEGMENT_STATUS_SAMPLED" in err.log


def test_all_valid_votes_pass_at_the_end_of_the_block():
    h = Harness()
    height = h.sampled_and_revealed()
    for member in h.committee():
        h.deliver(height + 1, votes.handle_vote, h.vote_msg(member))
    assert h.seg().status == SEGMENT_STATUS_REVEALED  # the tally runs at the end of the block
    h.end_block(height + 1)
    assert h.seg().status == SEGMENT_STATUS_PASSED and h.seg().passed_height == height + 1
    assert events_of(h, "training_segment_passed")[-1]["how"] == "committee"


def test_minority_invalid_passes_and_silence_passes_at_the_deadline():
    h = Harness()
    height = h.sampled_and_revealed()
    committee = h.committee()
    h.deliver(height, votes.handle_vote, h.vote_msg(committee[0], valid=False))
    h.deliver(height, votes.handle_vote, h.vote_msg(committee[1]))
    deadline = h.seg().vote_deadline
    h.end_block(deadline - 1)
    assert h.seg().status == SEGMENT_STATUS_REVEALED  # one member still may vote
    h.end_block(deadline)
    assert h.seg().status == SEGMENT_STATUS_PASSED
    passed = events_of(h, "training_segment_passed")[-1]
    assert (passed["valid_votes"], passed["invalid_votes"]) == ("1", "1")


def test_a_lone_invalid_with_silent_members_opens_a_reverification_at_the_deadline():
    """The tally counts votes cast: two silent seats (offline, banned meanwhile, lazy) must not turn
    the only vote, INVALID, into a pass (with seats counted, 1 x 2 > 3 failed and the segment passed)."""
    h = Harness()
    height = h.sampled_and_revealed()
    h.deliver(height, votes.handle_vote, h.vote_msg(h.committee()[0], valid=False))
    h.end_block(h.seg().vote_deadline)
    assert h.seg().status == SEGMENT_STATUS_REVERIFYING


def test_a_committee_that_never_votes_passes_at_the_deadline():
    h = Harness()
    h.sampled_and_revealed()
    h.end_block(h.seg().vote_deadline)
    assert h.seg().status == SEGMENT_STATUS_PASSED
    passed = events_of(h, "training_segment_passed")[-1]
    assert (passed["valid_votes"], passed["invalid_votes"]) == ("0", "0")


def test_invalid_majority_opens_a_weighted_reverification():
    h = Harness(weights=(10, 20, 20, 20, 20))
    height = h.sampled_and_revealed()
    committee = h.committee()
    for member in committee[:2]:
        h.deliver(height, votes.handle_vote, h.vote_msg(member, valid=False))
    h.deliver(height, votes.handle_vote, h.vote_msg(committee[2]))
    h.end_block(height)
    seg = h.seg()
    weights = {1: 20, 2: 20, 3: 20, 4: 20}
    rv = seg.reverification
    assert seg.status == SEGMENT_STATUS_REVERIFYING  # 2 of 3 INVALID, but no weight majority (40 of 80) yet
    assert rv.eligible_weight == 80 and rv.deadline_height == height + h.params.reverify_blocks
    assert rv.invalid_weight == weights[committee[0]] + weights[committee[1]]
    assert rv.valid_weight == weights[committee[2]]
    by_operator = sorted(range(1, 5), key=lambda i: h.keys[i].address)
    assert list(rv.voters) == [h.bech32(i) for i in by_operator]
    assert list(rv.voter_weights) == [weights[i] for i in by_operator]
    assert events_of(h, "training_reverify_opened")[0]["eligible_weight"] == "80"
