"""A training-fund grant through gov: the proposal carries a MsgSubmitTrainingJob body; when it is
enacted the training module queues the job with its budget taken from the "training_fund" module
account (exactly the budget moves into the training escrow; the proposer owns the output model).
A grant above the fund, or one the training module would refuse, is refused at submission; a grant
whose fund fell before enactment fails enactment and moves nothing."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401  (puts tendermint on sys.path)
from sprint.common.v1.coin_pb2 import Coin
from sprint.gov.v1 import tx_pb2
from sprint.gov.v1.gov_pb2 import (
    PROPOSAL_STATUS_ENACTED,
    PROPOSAL_STATUS_FAILED_ENACTMENT,
    PROPOSAL_STATUS_PASSED,
    PROPOSAL_TYPE_TRAINING_GRANT,
    VOTE_OPTION_YES,
)
from sprint.gov.v1.query_pb2 import QueryProposalRequest, QueryProposalResponse
from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJob
from tendermint.abci import types_pb2 as abci

from chain.modules.bank.keys import module_address
from chain.modules.gov import keys as gov_keys
from chain.tx.builder import pack_any
from chain.tx.crypto import encode_address
from chain.modules.sprint.genesis import parse_params
from chain.store.memory import MemoryDB
from tests.helpers.chain import DENOM, new_app
from tests.helpers.inference import inference_state
from tests.helpers.training_jobs import ESCROW, TEST_TRAINING_PARAMS, TrainingNet

FUND = module_address(gov_keys.TRAINING_FUND_MODULE)
GOV_PARAMS = {"min_deposit": {"denom": DENOM, "amount": "1000"}, "min_initial_deposit_bps": 10_000,
              "deposit_blocks": "5", "signal_blocks": "2", "timelock_blocks": "1", "execution_blocks": "2",
              "enact_delay_blocks": "1"}


class GrantNet(TrainingNet):
    """TrainingNet (4 hosts) whose training fund holds `fund` at genesis, with short gov periods."""

    def __init__(self, fund: int):
        self.app_state, self.hosts, self.outsider, self.users = inference_state(4, 2)
        self.app_state["training"] = {"params": dict(TEST_TRAINING_PARAMS)}
        self.app_state["gov"] = {"params": GOV_PARAMS}
        self.app_state["bank"]["balances"].append({"address": encode_address(FUND),
                                                   "coins": [{"denom": DENOM, "amount": str(fund)}]})
        self.outsider_account = 8
        self.app = new_app(MemoryDB(), self.app_state)
        self.params = parse_params(self.app_state["sprint"]["params"])


def grant_msg(net: GrantNet, proposer, budget: int, output_model: str = "tiny-grant"):
    body = MsgSubmitTrainingJob.FromString(net.submit_msg(0, budget=budget, output_model=output_model).value)
    body.submitter = proposer.bech32
    msg = tx_pb2.MsgSubmitProposal(proposer=proposer.bech32, type=PROPOSAL_TYPE_TRAINING_GRANT, title="grant",
                                   training_grant=body, initial_deposit=Coin(denom=DENOM, amount="1000"))
    return pack_any(msg, "/sprint.gov.v1.MsgSubmitProposal")


def vote(net: GrantNet, proposal_id: int):
    entries = []
    for host in net.hosts[:3]:
        one = tx_pb2.MsgVote(voter=host.bech32, proposal_id=proposal_id, option=VOTE_OPTION_YES)
        entries.append((host.operator, pack_any(one, "/sprint.gov.v1.MsgVote")))
    block = net.run(*entries)
    assert all(r.code == 0 for r in block.results), [r.log for r in block.results]


def proposal(net: GrantNet, proposal_id: int):
    resp = net.app.query(abci.RequestQuery(path="/sprint.gov.v1.Query/Proposal",
                                           data=QueryProposalRequest(id=proposal_id).SerializeToString()))
    assert resp.code == 0, resp.log
    return QueryProposalResponse.FromString(resp.value).proposal


def advance_to(net: GrantNet, height: int) -> None:
    while net.app.height < height:
        net.run()


def pass_both(net: GrantNet, *ids: int) -> None:
    for stage_end in ("signal_end_height", "execution_end_height"):
        for proposal_id in ids:
            vote(net, proposal_id)
        advance_to(net, getattr(proposal(net, ids[0]), stage_end))
        if stage_end == "signal_end_height":
            advance_to(net, proposal(net, ids[0]).timelock_end_height)
    assert [proposal(net, i).status for i in ids] == [PROPOSAL_STATUS_PASSED] * len(ids)


def test_an_enacted_grant_queues_the_job_paid_exactly_from_the_training_fund():
    net = GrantNet(fund=300_000)
    proposer = net.hosts[3].operator
    block = net.run((proposer, grant_msg(net, proposer, 120_000)))
    assert block.results[0].code == 0, block.results[0].log
    pass_both(net, 1)
    enact = proposal(net, 1).enact_height
    advance_to(net, enact - 1)
    escrow_before, jobs_before = net.balance(ESCROW), len(net.jobs().jobs)
    assert net.balance(FUND) >= 300_000 and jobs_before == 0
    fund_before = net.balance(FUND)
    net.run()
    enacted = proposal(net, 1)
    assert enacted.status == PROPOSAL_STATUS_ENACTED and enacted.training_job_id == 1
    job = net.job(1)
    assert (job.submitter, job.budget, job.payer_module) == (proposer.bech32, 120_000, "training_fund")
    assert net.balance(ESCROW) == escrow_before + 120_000
    # the fund also receives inference fee shares; none are paid in this run, so it moved by exactly the budget
    assert net.balance(FUND) == fund_before - 120_000


def test_grants_above_the_fund_or_refused_by_training_are_refused_at_submission():
    net = GrantNet(fund=100_000)
    proposer = net.hosts[3].operator
    above = net.run((proposer, grant_msg(net, proposer, 100_001))).results[0]
    assert (above.codespace, above.code) == ("gov", 18) and "training fund balance 100000" in above.log
    bad = net.run((proposer, grant_msg(net, proposer, 50_000, output_model=""))).results[0]
    assert bad.code != 0 and bad.codespace == "sdk", bad.log
    assert net.balance(FUND) >= 100_000 and len(net.jobs().jobs) == 0


def test_a_grant_whose_fund_fell_fails_enactment_and_moves_nothing():
    net = GrantNet(fund=200_000)
    a, b = net.hosts[3].operator, net.hosts[2].operator
    block = net.run((a, grant_msg(net, a, 150_000, "g1")), (b, grant_msg(net, b, 150_000, "g2")))
    assert block.codes == [0, 0], [r.log for r in block.results]
    pass_both(net, 1, 2)
    advance_to(net, proposal(net, 2).enact_height)
    first, second = proposal(net, 1), proposal(net, 2)
    assert first.status == PROPOSAL_STATUS_ENACTED
    assert second.status == PROPOSAL_STATUS_FAILED_ENACTMENT and "training fund balance" in second.reason
    assert len(net.jobs().jobs) == 1 and net.balance(ESCROW) >= 150_000
