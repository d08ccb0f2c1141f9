"""Bad gov input is refused with a code (gov codespace, or sdk for the target module's own param
validation) and changes nothing but the fee: unknown proposal types, deposits below the minimum or
in another denom, deposits and votes outside their periods, double votes, spends above the vault
balance, invalid parameter changes, too many proposals in flight."""

from __future__ import annotations

import pytest
from sprint.gov.v1.gov_pb2 import (
    PROPOSAL_STATUS_REJECTED,
    PROPOSAL_TYPE_TRAINING_GRANT,
    VOTE_OPTION_NO,
    VOTE_OPTION_UNSPECIFIED,
    VOTE_OPTION_YES,
    ParamChange,
)
from sprint.common.v1.coin_pb2 import Coin
from sprint.gov.v1 import tx_pb2

from chain.modules.gov import keys as gov_keys
from tests.helpers.chain import FEE
from tests.unit.chain.gov.net import (
    GOV_ADDRESS,
    OUTSIDER,
    STAKERS,
    VAULT_ADDRESS,
    GovNet,
    any_of,
    deposit_msg,
    param_change,
    submit_msg,
    vote_msg,
)

A, B, C = STAKERS


def _gov_state(net: GovNet) -> dict:
    store = net.store()
    state = {key: value for prefix in gov_keys.PREFIXES for key, value in store.iterate(prefix)}
    state["balances"] = [net.balance(a) for a in (GOV_ADDRESS, VAULT_ADDRESS)]
    return state


def refused(net: GovNet, key, msg, code: int, codespace: str = "gov", text: str = "") -> str:
    """Run msg signed by key: it must fail with (codespace, code) and change no gov state, no deposit or
    vault balance, and (for the unbonded OUTSIDER, who earns no rewards) nothing but the fee."""
    before, payer_before = _gov_state(net), net.balance(key.address)
    result = net.block((key, msg)).results[0]
    assert (result.codespace, result.code) == (codespace, code), result.log
    assert text in result.log
    assert _gov_state(net) == before
    if key is OUTSIDER:
        assert net.balance(key.address) == payer_before - FEE
    return result.log


@pytest.fixture()
def net():
    net = GovNet(vault=10_000, deposit_blocks="100", signal_blocks="40")
    net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40))))  # 1: voting
    net.ok((OUTSIDER, submit_msg(OUTSIDER, 500, change=param_change("inference", expiry_blocks=41))))  # 2: deposit
    return net


@pytest.mark.parametrize("kind", [0, 99])
def test_unknown_proposal_type(net, kind):
    log = refused(net, OUTSIDER, submit_msg(OUTSIDER, kind=kind), 6, text="proposal type")
    assert "param-change, vault-spend, training-grant" in log


def test_training_grant_without_its_job(net):
    refused(net, OUTSIDER, submit_msg(OUTSIDER, kind=PROPOSAL_TYPE_TRAINING_GRANT), 5, text="body is required")


def test_deposit_below_the_minimum_or_in_another_denom(net):
    log = refused(net, OUTSIDER, submit_msg(OUTSIDER, 499, change=param_change("inference", expiry_blocks=9)), 16)
    assert "deposit at least 500usprint" in log
    other = tx_pb2.MsgSubmitProposal(proposer=OUTSIDER.bech32, type=1, param_change=param_change(
        "inference", expiry_blocks=9), initial_deposit=Coin(denom="uatom", amount="1000"))
    refused(net, OUTSIDER, any_of(other), 17, text="deposits are in usprint")


def test_deposits_outside_the_deposit_period_and_on_unknown_proposals(net):
    refused(net, A, deposit_msg(A, 1, 100), 3, text="deposits are closed")
    refused(net, A, deposit_msg(A, 7, 100), 2, text="proposal 7 does not exist")


def test_votes_outside_a_voting_period(net):
    refused(net, A, vote_msg(A, 2, VOTE_OPTION_YES), 3, text="is deposit: no vote is open")
    refused(net, A, vote_msg(A, 9, VOTE_OPTION_YES), 2)
    net.ok((A, vote_msg(A, 1, VOTE_OPTION_NO)))
    net.advance_to(net.proposal(1).signal_end_height)
    assert net.proposal(1).status == PROPOSAL_STATUS_REJECTED
    refused(net, B, vote_msg(B, 1, VOTE_OPTION_YES), 3, text="is rejected: no vote is open")


def test_double_votes_and_invalid_options(net):
    net.ok((A, vote_msg(A, 1, VOTE_OPTION_YES)))
    refused(net, A, vote_msg(A, 1, VOTE_OPTION_NO), 8, text="already voted in the signal vote")
    refused(net, B, vote_msg(B, 1, VOTE_OPTION_UNSPECIFIED), 7)


def test_spend_above_the_vault_balance(net):
    log = refused(net, OUTSIDER, submit_msg(OUTSIDER, spend=(B.bech32, 10_001)), 18)
    assert "propose at most 10000usprint" in log


@pytest.mark.parametrize("change, code, codespace, text", [
    (param_change("inference", expiry_blocks=0), 18, "sdk", "expiry_blocks must be >= 1"),
    (param_change("staking", malicious_slash_bps=10_001), 18, "sdk", "malicious_slash_bps"),
    (param_change("gov", quorum_bps=20_000), 18, "sdk", "quorum_bps"),
    (param_change("inference", no_such_field=1), 5, "gov", "unknown field 'no_such_field'"),
    (param_change("inference", expiry_blocks="1.5"), 5, "gov", "inference params"),
    (param_change("nosuchmodule", x=1), 5, "gov", "unknown module 'nosuchmodule'"),
    (ParamChange(module="inference"), 5, "gov", "either params_json or changes"),
    (ParamChange(module="inference", params_json="[1]"), 5, "gov", "JSON object"),
])
def test_invalid_parameter_changes_are_refused_at_submission(net, change, code, codespace, text):
    refused(net, OUTSIDER, submit_msg(OUTSIDER, change=change), code, codespace, text)


def test_too_many_proposals_in_flight():
    net = GovNet(max_active_proposals=2)
    net.ok((OUTSIDER, submit_msg(OUTSIDER, change=param_change("inference", expiry_blocks=40))),
           (A, submit_msg(A, change=param_change("inference", expiry_blocks=41))))
    refused(net, B, submit_msg(B, change=param_change("inference", expiry_blocks=42)), 10, text="max_active_proposals")
