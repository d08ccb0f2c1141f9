"""In-process gov: a param change through both votes and the timelock takes effect exactly at its
enactment height; failed signal / execution votes, vetoes and expired deposit periods end a proposal
with refunds or burns by the rules; vault spends move exactly the approved amount; voting power is
bonded stake x reputation score, snapshotted when a vote opens; two runs give the same app hashes."""

from __future__ import annotations

from sprint.gov.v1 import query_pb2
from sprint.gov.v1.gov_pb2 import (
    PROPOSAL_STATUS_ENACTED,
    PROPOSAL_STATUS_EXECUTION_VOTING,
    PROPOSAL_STATUS_EXPIRED,
    PROPOSAL_STATUS_FAILED_ENACTMENT,
    PROPOSAL_STATUS_PASSED,
    PROPOSAL_STATUS_REJECTED,
    PROPOSAL_STATUS_SIGNAL_VOTING,
    PROPOSAL_STATUS_TIMELOCK,
    PROPOSAL_STATUS_VETOED,
    STAGE_EXECUTION,
    STAGE_SIGNAL,
    VOTE_OPTION_ABSTAIN,
    VOTE_OPTION_NO,
    VOTE_OPTION_VETO,
    VOTE_OPTION_YES,
)

from tests.helpers.chain import DENOM, FEE, make_key
from tests.unit.chain.gov.net import (
    BONDS,
    GOV_ADDRESS,
    MIN_DEPOSIT,
    OUTSIDER,
    STAKERS,
    VAULT_ADDRESS,
    GovNet,
    deposit_msg,
    param_change,
    submit_msg,
    vote_msg,
)

A, B, C = STAKERS


def _expiry(net: GovNet) -> int:
    return net.app.keepers.inference.get_params(net.store()).expiry_blocks


def _vote_all(net: GovNet, proposal_id: int, *options) -> None:
    net.ok(*[(key, vote_msg(key, proposal_id, option)) for key, option in zip(STAKERS, options) if option])


def _pass_both(net: GovNet, *proposal_ids: int) -> None:
    """Yes from A and B in both votes of proposals opened in the same block; returns once they are PASSED."""
    first = proposal_ids[0]
    for stage_end in ("signal_end_height", "execution_end_height"):
        for proposal_id in proposal_ids:
            net.ok(*[(key, vote_msg(key, proposal_id, VOTE_OPTION_YES)) for key in (A, B)])
        net.advance_to(getattr(net.proposal(first), stage_end))
        if stage_end == "signal_end_height":
            assert net.proposal(first).status == PROPOSAL_STATUS_TIMELOCK
            net.advance_to(net.proposal(first).timelock_end_height)
    assert [net.proposal(i).status for i in proposal_ids] == [PROPOSAL_STATUS_PASSED] * len(proposal_ids)


def test_param_change_passes_both_votes_and_takes_effect_exactly_at_its_enactment_height():
    net = GovNet()
    before = net.balance(OUTSIDER.address)
    h = net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40)))).height
    p = net.proposal(1)
    assert (p.status, p.signal_start_height, p.signal_end_height) == (PROPOSAL_STATUS_SIGNAL_VOTING, h, h + 3)
    assert net.balance(GOV_ADDRESS) == MIN_DEPOSIT
    _vote_all(net, 1, VOTE_OPTION_YES, VOTE_OPTION_YES)
    net.advance_to(h + 3)
    p = net.proposal(1)
    assert (p.status, p.timelock_end_height) == (PROPOSAL_STATUS_TIMELOCK, h + 5)
    net.advance_to(h + 4)
    assert net.block((A, vote_msg(A, 1, VOTE_OPTION_YES))).codes == [3]  # the timelock takes no votes
    net.advance_to(h + 5)
    p = net.proposal(1)
    assert (p.status, p.execution_start_height, p.execution_end_height) == \
        (PROPOSAL_STATUS_EXECUTION_VOTING, h + 6, h + 8)
    _vote_all(net, 1, VOTE_OPTION_YES, VOTE_OPTION_YES, VOTE_OPTION_NO)
    net.advance_to(h + 8)
    p = net.proposal(1)
    assert (p.status, p.enact_height) == (PROPOSAL_STATUS_PASSED, h + 10)
    assert net.balance(OUTSIDER.address) == before - FEE  # deposit refunded when the execution vote passed
    assert net.balance(GOV_ADDRESS) == 0
    net.advance_to(h + 9)
    assert _expiry(net) == 20, "changed one block before its enactment height"
    result = net.block()
    assert result.height == h + 10 and _expiry(net) == 40
    assert net.proposal(1).status == PROPOSAL_STATUS_ENACTED
    assert "gov_proposal_enacted" in [e.type for e in result.response.events]


def test_failed_signal_vote_ends_the_proposal_and_refunds_the_deposit():
    net = GovNet()
    before = net.balance(OUTSIDER.address)
    net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40))))
    _vote_all(net, 1, VOTE_OPTION_NO, VOTE_OPTION_YES, VOTE_OPTION_YES)  # A alone outweighs B + C
    net.advance_to(net.proposal(1).signal_end_height)
    p = net.proposal(1)
    assert p.status == PROPOSAL_STATUS_REJECTED and "signal vote: threshold" in p.reason
    assert net.balance(OUTSIDER.address) == before - FEE and net.balance(GOV_ADDRESS) == 0
    net.advance_to(net.height + 10)
    assert _expiry(net) == 20 and net.proposal(1).status == PROPOSAL_STATUS_REJECTED


def test_failed_execution_vote_ends_the_proposal_without_effect():
    net = GovNet()
    net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40))))
    _vote_all(net, 1, VOTE_OPTION_YES, VOTE_OPTION_YES)
    net.advance_to(net.proposal(1).signal_end_height)
    net.advance_to(net.proposal(1).timelock_end_height)
    _vote_all(net, 1, None, None, VOTE_OPTION_YES)  # C alone: below quorum
    net.advance_to(net.proposal(1).execution_end_height)
    p = net.proposal(1)
    assert p.status == PROPOSAL_STATUS_REJECTED and "execution vote: quorum not reached" in p.reason
    assert net.balance(GOV_ADDRESS) == 0
    net.advance_to(net.height + 5)
    assert _expiry(net) == 20


def test_veto_burns_the_deposit():
    net = GovNet()
    before = net.balance(OUTSIDER.address)
    net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40))))
    _vote_all(net, 1, VOTE_OPTION_VETO, VOTE_OPTION_YES, VOTE_OPTION_YES)
    end = net.advance_to(net.proposal(1).signal_end_height)
    assert net.proposal(1).status == PROPOSAL_STATUS_VETOED
    assert f"{MIN_DEPOSIT}{DENOM}" in net.burned(end)
    assert net.balance(GOV_ADDRESS) == 0 and net.balance(OUTSIDER.address) == before - FEE - MIN_DEPOSIT


def test_deposit_period_expiry_burns_and_a_top_up_opens_the_signal_vote():
    net = GovNet()
    h = net.ok((OUTSIDER, submit_msg(OUTSIDER, 600, change=param_change("inference", expiry_blocks=40)))).height
    assert net.proposal(1).deposit_end_height == h + 3
    end = net.advance_to(h + 3)
    p = net.proposal(1)
    assert p.status == PROPOSAL_STATUS_EXPIRED and p.total_deposit == "600"
    assert f"600{DENOM}" in net.burned(end) and net.balance(GOV_ADDRESS) == 0

    before = {k.address: net.balance(k.address) for k in (OUTSIDER, C)}
    net.ok((OUTSIDER, submit_msg(OUTSIDER, 600, change=param_change("inference", expiry_blocks=40))))
    assert net.proposal(2).status != PROPOSAL_STATUS_SIGNAL_VOTING
    top_up = net.ok((C, deposit_msg(C, 2, 400))).height
    p = net.proposal(2)
    assert (p.status, p.signal_start_height, p.total_deposit) == (PROPOSAL_STATUS_SIGNAL_VOTING, top_up, "1000")
    _vote_all(net, 2, VOTE_OPTION_NO, VOTE_OPTION_NO)
    net.advance_to(p.signal_end_height)
    assert net.proposal(2).status == PROPOSAL_STATUS_REJECTED
    assert net.balance(OUTSIDER.address) == before[OUTSIDER.address] - FEE  # both deposits refunded
    assert net.balance(C.address) == before[C.address] - FEE


def test_voting_power_is_bonded_stake_times_reputation_score_snapshotted_at_opening():
    net = GovNet()
    net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40))))
    # score_ppm = 0.5 x success + 0.25 x bond share (no work yet): A 625000, B 333333, C 41666
    expected = {A: 3_000_000 * 625_000, B: 2_000_000 * 333_333, C: 1_000_000 * 41_666}
    gov, store = net.app.keepers.gov, net.store()
    assert {k: gov.power_of(store, 1, STAGE_SIGNAL, k.address) for k in STAKERS} == expected
    assert gov.power_of(store, 1, STAGE_SIGNAL, OUTSIDER.address) == 0
    no_power = net.block((OUTSIDER, vote_msg(OUTSIDER, 1, VOTE_OPTION_YES)), (C, _stake(C, 5_000_000)))
    assert no_power.codes == [9, 0]  # no power; C's new stake comes after the snapshot and does not count
    net.ok((A, vote_msg(A, 1, VOTE_OPTION_NO)), (C, vote_msg(C, 1, VOTE_OPTION_ABSTAIN)))
    tally = net.query("Tally", query_pb2.QueryTallyRequest(proposal_id=1), query_pb2.QueryTallyResponse)
    assert tally.running and tally.stage == STAGE_SIGNAL
    assert (tally.tally.no, tally.tally.abstain, tally.tally.yes) == (str(expected[A]), str(expected[C]), "0")
    assert tally.tally.total_power == str(sum(expected.values()))
    votes = net.query("Votes", query_pb2.QueryVotesRequest(proposal_id=1), query_pb2.QueryVotesResponse).votes
    assert sorted((v.voter, v.power) for v in votes) == sorted((k.bech32, str(expected[k])) for k in (A, C))


def _stake(key, amount: int):
    from tests.helpers.staking import stake_msg
    return stake_msg(key.bech32, amount)


def test_vault_spend_moves_exactly_the_approved_amount_and_fails_enactment_when_the_vault_fell():
    net = GovNet(vault=50_000)
    recipient = make_key(40)
    net.ok((OUTSIDER, submit_msg(OUTSIDER, spend=(recipient.bech32, 30_000))),
           (A, submit_msg(A, spend=(recipient.bech32, 30_000))))
    _pass_both(net, 1, 2)
    enact = net.proposal(1).enact_height
    assert net.proposal(2).enact_height == enact
    net.advance_to(enact - 1)
    assert net.balance(recipient.address) == 0 and net.balance(VAULT_ADDRESS) == 50_000
    net.block()
    assert net.balance(recipient.address) == 30_000 and net.balance(VAULT_ADDRESS) == 20_000
    first, second = net.proposal(1), net.proposal(2)
    assert first.status == PROPOSAL_STATUS_ENACTED
    assert second.status == PROPOSAL_STATUS_FAILED_ENACTMENT and "above the community vault balance" in second.reason


def test_a_change_that_became_invalid_fails_enactment_and_changes_nothing():
    net = GovNet()
    net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", max_inline_prompt_bytes=60_000))),
           (A, submit_msg(A, change=param_change("inference", max_prompt_bytes=10_000, expiry_blocks=7))))
    _pass_both(net, 1, 2)
    net.advance_to(net.proposal(2).enact_height)
    params = net.app.keepers.inference.get_params(net.store())
    assert net.proposal(1).status == PROPOSAL_STATUS_ENACTED and params.max_inline_prompt_bytes == 60_000
    second = net.proposal(2)
    assert second.status == PROPOSAL_STATUS_FAILED_ENACTMENT and "max_inline_prompt_bytes" in second.reason
    assert (params.max_prompt_bytes, params.expiry_blocks) == (65_536, 20)


def test_queries_list_proposals_and_votes():
    net = GovNet()
    net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40))),
           (A, submit_msg(A, 600, change=param_change("staking", ban_blocks=5))))
    listed = net.query("Proposals", query_pb2.QueryProposalsRequest(), query_pb2.QueryProposalsResponse)
    assert [p.id for p in listed.proposals] == [1, 2] and listed.next == 0
    page = net.query("Proposals", query_pb2.QueryProposalsRequest(limit=1), query_pb2.QueryProposalsResponse)
    assert [p.id for p in page.proposals] == [1] and page.next == 1
    voting = net.query("Proposals", query_pb2.QueryProposalsRequest(status=PROPOSAL_STATUS_SIGNAL_VOTING),
                       query_pb2.QueryProposalsResponse)
    assert [p.id for p in voting.proposals] == [1]
    net.ok((B, vote_msg(B, 1, VOTE_OPTION_YES)))
    vote = net.query("Vote", query_pb2.QueryVoteRequest(proposal_id=1, voter=B.bech32), query_pb2.QueryVoteResponse)
    assert (vote.vote.option, vote.vote.stage) == (VOTE_OPTION_YES, STAGE_SIGNAL)
    params = net.query("Params", query_pb2.QueryParamsRequest(), query_pb2.QueryParamsResponse).params
    assert params.min_deposit.amount == str(MIN_DEPOSIT) and params.signal_blocks == 3
    from tendermint.abci import types_pb2 as abci
    missing = net.app.query(abci.RequestQuery(path="/sprint.gov.v1.Query/Proposal",
                                              data=query_pb2.QueryProposalRequest(id=9).SerializeToString()))
    assert missing.code != 0 and "proposal 9 does not exist" in missing.log


def _scenario(net: GovNet) -> list[bytes]:
    hashes = [net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40)))).app_hash]
    hashes.append(net.ok(*[(k, vote_msg(k, 1, VOTE_OPTION_YES)) for k in STAKERS]).app_hash)
    while net.proposal(1).status != PROPOSAL_STATUS_EXECUTION_VOTING:
        hashes.append(net.block().app_hash)
    hashes.append(net.ok(*[(k, vote_msg(k, 1, VOTE_OPTION_YES)) for k in STAKERS]).app_hash)
    while net.proposal(1).status != PROPOSAL_STATUS_ENACTED:
        hashes.append(net.block().app_hash)
    return hashes


def test_two_runs_give_the_same_app_hashes():
    assert _scenario(GovNet()) == _scenario(GovNet())
    assert BONDS == (3_000_000, 2_000_000, 1_000_000)
