"""training re-verification and fraud (docs/training.md §8): weighted majorities both ways, the
inconclusive deadline, unrevealed samples, slash + ban + Phi, forfeited pay and the capped bounty,
lazy verifiers, re-assignment, and the supply invariant (checked by the harness after every step)."""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED
from sprint.inference.v1.inference_pb2 import REVERIFY_OUTCOME_CLEARED, REVERIFY_OUTCOME_FRAUD
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_FRAUD, SEGMENT_STATUS_PASSED, SEGMENT_STATUS_REVERIFYING, SEGMENT_STATUS_VOIDED,
    TRAINING_JOB_STATUS_TRAINING, Segment, TrainingJob,
)

from chain.modules.training import fraud, reveals, votes
from chain.modules.training.fixed_point import phi_ppm
from tests.unit.chain.training.test_verification import BOND, ESCROW, Harness, events_of

PPM = 1_000_000


def _reverifying(weights=(10, 20, 20, 20, 20), **kwargs) -> tuple[Harness, int, list[int]]:
    """Segment 0 REVERIFYING after committee members 0 and 1 voted INVALID and member 2 VALID
    (equal weights: 40 of 80 INVALID is no majority yet). Returns (harness, height, committee)."""
    h = Harness(weights=weights, **kwargs)
    height = h.sampled_and_revealed()
    committee = h.committee()
    h.deliver(height, votes.handle_vote, h.vote_msg(committee[0], valid=False))
    h.deliver(height, votes.handle_vote, h.vote_msg(committee[1], valid=False))
    h.deliver(height, votes.handle_vote, h.vote_msg(committee[2]))
    h.end_block(height)
    assert h.seg().status == SEGMENT_STATUS_REVERIFYING
    return h, height, committee


def _outsiders(h: Harness, committee: list[int]) -> list[int]:
    return [i for i in range(1, len(h.keys)) if i not in committee]


def test_reverification_without_a_majority_passes_inconclusive_at_its_deadline():
    h, height, committee = _reverifying()
    for i in range(5):
        h.set_success(i, 900_000)
    h.deliver(height + 1, votes.handle_vote, h.vote_msg(_outsiders(h, committee)[0]))  # 40 VALID, 40 INVALID of 80
    assert h.seg().status == SEGMENT_STATUS_REVERIFYING
    err = h.refused(height + 1, votes.handle_vote, h.vote_msg(committee[0]))
    assert err.code == 18 and "already voted" in err.log
    err = h.refused(height + 1, votes.handle_vote, h.vote_msg(0))
    assert err.code == 4 and "cannot vote on it" in err.log
    deadline = h.seg().reverification.deadline_height
    h.end_block(deadline - 1)
    assert h.seg().status == SEGMENT_STATUS_REVERIFYING
    h.end_block(deadline)
    assert h.seg().status == SEGMENT_STATUS_PASSED
    assert events_of(h, "training_segment_passed")[-1]["how"] == "inconclusive"
    assert [h.success(i) for i in committee] == [900_000] * 3  # inconclusive: nobody loses a step


def test_only_hosts_eligible_at_opening_vote_in_the_reverification():
    h, height, committee = _reverifying(weights=(10, 20, 20, 20, 20, 0))  # host 5: no weight at opening
    assert h.bech32(5) not in h.seg().reverification.voters
    host = h.deps.hosts.get_host(h.store, h.keys[5].address)
    host.weight = 50  # eligible now, but the voters were fixed when it opened
    h.deps.hosts.set_host(h.store, host)
    err = h.refused(height + 1, votes.handle_vote, h.vote_msg(5))
    assert err.code == 4 and "not among the eligible voters" in err.log
    h.deps.hosts.ban(h.ctx(height), h.keys[_outsiders(h, committee)[0]].address, 10_000, "test")
    err = h.refused(height + 1, votes.handle_vote, h.vote_msg(_outsiders(h, committee)[0]))
    assert err.code == 4 and "banned" in err.log


def test_reverification_vote_that_makes_a_valid_majority_decides_at_once():
    h, height, committee = _reverifying(weights=(10, 20, 20, 20, 20, 20))  # eligible 100
    for i in range(6):
        h.set_success(i, 900_000)
    first, second = _outsiders(h, committee)
    h.deliver(height + 1, votes.handle_vote, h.vote_msg(first))  # 40 VALID of 100
    assert h.seg().status == SEGMENT_STATUS_REVERIFYING
    h.deliver(height + 1, votes.handle_vote, h.vote_msg(second))  # 60 VALID: cleared in this tx
    seg = h.seg()
    assert seg.status == SEGMENT_STATUS_PASSED and seg.reverification.outcome == REVERIFY_OUTCOME_CLEARED
    assert seg.passed_height == height + 1
    drop = h.params.fault_success_drop_ppm
    assert [h.success(i) for i in committee] == [900_000 - drop, 900_000 - drop, 900_000]
    assert events_of(h, "training_segment_passed")[-1]["how"] == "cleared"
    assert len(seg.reverification.votes) == 2 and h.bech32(0) not in seg.reverification.voters


def _fraud_by_vote() -> tuple[Harness, int, list[int]]:
    """Hosts 1..4 weigh 20, 20, 20, 20; members 0, 1 INVALID, member 2 VALID; the outsider's INVALID
    vote makes 60 of 80: fraud."""
    h, height, committee = _reverifying()
    for i in range(5):
        h.set_success(i, 900_000)
    h.deliver(height + 1, votes.handle_vote, h.vote_msg(_outsiders(h, committee)[0], valid=False))
    return h, height, committee


def test_confirmed_fraud_slashes_bans_hits_reputation_and_reassigns():
    h, height, committee = _fraud_by_vote()
    job = h.job()
    seg = job.segments_log[0]
    assert seg.status == SEGMENT_STATUS_FRAUD and seg.reverification.outcome == REVERIFY_OUTCOME_FRAUD
    staking = h.deps.staking.get_params(h.store)
    assert h.deps.staking.bonded(h.store, h.keys[0].address) == BOND - BOND * staking.malicious_slash_bps // 10_000
    host = h.deps.hosts.get_host(h.store, h.keys[0].address)
    assert host.status == HOST_STATUS_BANNED and host.banned_until == height + 1 + staking.ban_blocks
    phi = phi_ppm(staking.malicious_slash_bps, h.params.fraud_tau_milli)
    assert 0 < phi < PPM
    alpha = h.deps.reputation.get_params(h.store).success_alpha_ppm
    after_record = (PPM - alpha) * 900_000 // PPM  # record_fraud: EMA with r = 0
    assert h.success(0) == after_record * (PPM - phi) // PPM
    assert h.deps.reputation.get(h.store, h.keys[0].address).frauds == 1
    lazy = committee[2]  # voted VALID on confirmed fraud: one reputation step
    assert h.success(lazy) == 900_000 - h.params.fault_success_drop_ppm
    assert [h.success(i) for i in committee[:2]] == [900_000, 900_000]
    assert h.bech32(0) in job.forfeited and h.bech32(0) in job.excluded
    event = events_of(h, "training_fraud")[0]
    assert event["prover"] == h.bech32(0) and event["lazy_verifiers"] == h.bech32(lazy)
    assert event["phi_ppm"] == str(phi)
    claim = h.deps.rewards.bounty_claim(h.store, int(event["epoch"]), h.keys[0].address)
    assert claim is not None and claim[0] == 0  # caught for the epoch; the job's escrow pays the bounty
    assert job.status != TRAINING_JOB_STATUS_TRAINING and job.host == ""


def test_forfeited_pay_funds_a_capped_bounty_for_invalid_voters():
    h = Harness(weights=(10, 20, 20, 20, 20), sample_ppm=250_000, intervals=12, ips=4)
    h.commit(0, height=10)
    h.end_block(11)
    job = h.job()
    job.segments_log[0].status = SEGMENT_STATUS_PASSED  # the cheater's first segment passed
    h.deps.training.set_job(h.store, job)
    h.commit(1, height=20)
    h.end_block(21)
    h.deliver(22, reveals.handle_reveal, h.reveal_msg(1))
    committee = h.committee(1)
    for member in committee:
        h.deliver(22, votes.handle_vote, h.vote_msg(member, index=1, valid=False))
    h.end_block(22)  # 60 of 80 INVALID at opening: fraud at once
    job = h.job()
    forfeited = fraud.prover_share(job, job.segments_log[0])
    assert forfeited == 800_000 * 4 // 12
    bounty = min(forfeited * h.params.bounty_bps // 10_000, job.verify_cost)
    share = bounty // 3
    assert job.bounty_paid == share * 3
    assert h.balance(ESCROW) == 1_000_000 - share * 3
    event = events_of(h, "training_fraud")[0]
    assert (event["forfeited"], event["bounty"]) == (str(forfeited), str(share * 3))
    assert sorted(event["confirmers"].split(",")) == sorted(h.bech32(i) for i in committee)


def test_bounty_is_capped_at_the_verify_cost():
    assert fraud.bounty_amount(10_000_000, 5_000, 100_000) == 100_000
    assert fraud.bounty_amount(100_000, 5_000, 100_000) == 50_000
    assert fraud.bounty_amount(0, 5_000, 100_000) == 0


def test_prover_shares_sum_to_the_train_cost():
    job = TrainingJob(intervals=11, intervals_per_segment=4, train_cost=1_000_003)
    layout = [(0, 4), (4, 4), (8, 3)]
    segs = [Segment(index=i, first_interval=f, interval_count=c) for i, (f, c) in enumerate(layout)]
    shares = [fraud.prover_share(job, s) for s in segs]
    assert shares[:2] == [1_000_003 * 4 // 11] * 2 and sum(shares) == 1_000_003


def test_unrevealed_sample_is_fraud_at_the_reveal_deadline():
    h = Harness()
    h.set_success(0, 800_000)
    h.commit(0, height=10)
    h.end_block(11)
    deadline = h.seg().reveal_deadline
    h.end_block(deadline - 1)
    assert h.job().segments_log[0].status != SEGMENT_STATUS_FRAUD
    h.end_block(deadline)
    job = h.job()
    assert job.segments_log[0].status == SEGMENT_STATUS_FRAUD
    assert h.bech32(0) in job.forfeited and job.bounty_paid == 0
    event = events_of(h, "training_fraud")[0]
    assert "not revealed" in event["reason"] and event["confirmers"] == ""
    assert h.deps.hosts.get_host(h.store, h.keys[0].address).status == HOST_STATUS_BANNED
    assert h.success(0) < 800_000


def test_fraud_voids_the_later_segments_and_stops_their_verification():
    h = Harness(sample_ppm=250_000, intervals=12, ips=4)
    h.commit(0, height=10)
    h.commit(1, height=10)
    h.end_block(11)
    h.end_block(h.seg(0).reveal_deadline)
    job = h.job()
    assert [s.status for s in job.segments_log] == [SEGMENT_STATUS_FRAUD, SEGMENT_STATUS_VOIDED]
    assert len(events_of(h, "training_fraud")) == 1
