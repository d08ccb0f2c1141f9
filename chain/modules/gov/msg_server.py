"""gov message handlers: MsgSubmitProposal (signer proposer), MsgDeposit (signer depositor) and
MsgVote (signer voter). Every refusal is a gov-codespace or sdk error and writes nothing."""

from __future__ import annotations

from sprint.gov.v1.gov_pb2 import (
    PROPOSAL_STATUS_DEPOSIT,
    VOTE_OPTION_ABSTAIN,
    VOTE_OPTION_NO,
    VOTE_OPTION_VETO,
    VOTE_OPTION_YES,
    Proposal,
    Vote,
)
from sprint.gov.v1.tx_pb2 import MsgDeposit, MsgSubmitProposal, MsgSubmitProposalResponse, MsgVote

from chain.context import Context
from chain.errors import ErrInvalidRequest
from chain.modules.gov import content, keys, stages
from chain.modules.gov.errors import (
    ErrAlreadyVoted,
    ErrInactiveProposal,
    ErrInvalidDepositDenom,
    ErrInvalidVote,
    ErrMinDepositTooSmall,
    ErrNoVotingPower,
    ErrTooManyProposals,
    ErrUnknownProposal,
)
from chain.modules.gov.expected_keepers import GovDeps
from chain.modules.gov.params import min_deposit, min_initial_deposit
from chain.msgfields import parse_address, parse_coin
from chain.tx.router import Route

MSG_SUBMIT_URL = "/sprint.gov.v1.MsgSubmitProposal"
MSG_DEPOSIT_URL = "/sprint.gov.v1.MsgDeposit"
MSG_VOTE_URL = "/sprint.gov.v1.MsgVote"
MAX_TITLE = 140
MAX_SUMMARY = 4_000
VOTE_OPTIONS = (VOTE_OPTION_YES, VOTE_OPTION_NO, VOTE_OPTION_ABSTAIN, VOTE_OPTION_VETO)


def _validate_submit(msg: MsgSubmitProposal) -> None:
    parse_address(msg.proposer, "proposer")
    parse_coin(msg, "initial_deposit")
    if len(msg.title) > MAX_TITLE or len(msg.summary) > MAX_SUMMARY:
        raise ErrInvalidRequest(f"title must be at most {MAX_TITLE} and summary {MAX_SUMMARY} characters")


def _validate_deposit(msg: MsgDeposit) -> None:
    parse_address(msg.depositor, "depositor")
    parse_coin(msg, "amount")


def _validate_vote(msg: MsgVote) -> None:
    parse_address(msg.voter, "voter")
    if msg.option not in VOTE_OPTIONS:
        raise ErrInvalidVote(f"vote option {msg.option} is not one of yes, no, abstain, veto")


class MsgServer:
    """Handles sprint.gov.v1.Msg with the gov keeper and the keepers gov declares."""

    def __init__(self, deps: GovDeps):
        self.deps = deps

    def _take_deposit(self, ctx: Context, proposal: Proposal, depositor: bytes, coin: tuple[str, int],
                      least: int) -> None:
        """Move a deposit into the gov module account and open the signal vote once min_deposit is met."""
        params = self.deps.gov.get_params(ctx.store)
        denom, amount = coin
        if denom != params.min_deposit.denom:
            raise ErrInvalidDepositDenom(f"deposits are in {params.min_deposit.denom}, not {denom}")
        if amount < least:
            raise ErrMinDepositTooSmall(f"deposit {amount}{denom} is below the minimum {least}{denom} "
                                        f"(min_deposit {params.min_deposit.amount} x min_initial_deposit_bps "
                                        f"{params.min_initial_deposit_bps}); deposit at least {least}{denom}")
        self.deps.bank.send_to_module(ctx, depositor, keys.MODULE_NAME, [(denom, amount)])
        gov = self.deps.gov
        gov.set_deposit(ctx.store, proposal.id, depositor, gov.deposit_of(ctx.store, proposal.id, depositor) + amount)
        proposal.total_deposit = str(int(proposal.total_deposit or "0") + amount)
        if int(proposal.total_deposit) >= min_deposit(params):
            gov.dequeue(ctx.store, proposal.deposit_end_height, proposal.id)
            stages.open_vote(ctx, self.deps, proposal, stages.STAGE_SIGNAL)
        gov.set_proposal(ctx.store, proposal)

    def submit_proposal(self, ctx: Context, msg: MsgSubmitProposal) -> MsgSubmitProposalResponse:
        gov, store = self.deps.gov, ctx.store
        params = gov.get_params(store)
        proposal = Proposal(id=gov.next_id(store), type=msg.type, status=PROPOSAL_STATUS_DEPOSIT,
                            proposer=msg.proposer, title=msg.title, summary=msg.summary, total_deposit="0",
                            submit_height=ctx.block.height,
                            deposit_end_height=ctx.block.height + params.deposit_blocks)
        for name in ("param_change", "vault_spend", "training_grant"):
            if msg.HasField(name):
                getattr(proposal, name).CopyFrom(getattr(msg, name))
        content.check(ctx, self.deps, proposal)
        if gov.active_count(store) >= params.max_active_proposals:
            raise ErrTooManyProposals(f"{params.max_active_proposals} proposals are already in flight "
                                      "(max_active_proposals); wait for one to end")
        gov.set_next_id(store, proposal.id + 1)
        gov.enqueue(store, proposal.deposit_end_height, proposal.id)
        ctx.emit("message", ("action", MSG_SUBMIT_URL), ("sender", msg.proposer), ("module", "gov"))
        ctx.emit("gov_proposal_submitted", ("proposal_id", str(proposal.id)),
                 ("type", content.TYPE_NAMES.get(proposal.type, str(proposal.type))), ("proposer", msg.proposer))
        self._take_deposit(ctx, proposal, parse_address(msg.proposer, "proposer"),
                           parse_coin(msg, "initial_deposit"), max(1, min_initial_deposit(params)))
        return MsgSubmitProposalResponse(proposal_id=proposal.id)

    def _proposal(self, store, proposal_id: int) -> Proposal:
        proposal = self.deps.gov.get_proposal(store, proposal_id)
        if proposal is None:
            raise ErrUnknownProposal(f"proposal {proposal_id} does not exist; see `sprintd q gov proposals`")
        return proposal

    def deposit(self, ctx: Context, msg: MsgDeposit) -> None:
        proposal = self._proposal(ctx.store, msg.proposal_id)
        if proposal.status != PROPOSAL_STATUS_DEPOSIT:
            raise ErrInactiveProposal(f"proposal {proposal.id} is {stages.status_name(proposal.status)}, "
                                      "not in its deposit period; deposits are closed")
        ctx.emit("message", ("action", MSG_DEPOSIT_URL), ("sender", msg.depositor), ("module", "gov"))
        self._take_deposit(ctx, proposal, parse_address(msg.depositor, "depositor"), parse_coin(msg, "amount"), 1)
        ctx.emit("gov_deposit", ("proposal_id", str(proposal.id)), ("depositor", msg.depositor),
                 ("amount", msg.amount.amount + msg.amount.denom), ("total_deposit", proposal.total_deposit))

    def vote(self, ctx: Context, msg: MsgVote) -> None:
        gov, store = self.deps.gov, ctx.store
        proposal = self._proposal(store, msg.proposal_id)
        stage = stages.voting_stage(proposal)
        if stage is None or ctx.block.height < (proposal.signal_start_height if stage == stages.STAGE_SIGNAL
                                                else proposal.execution_start_height):
            raise ErrInactiveProposal(f"proposal {proposal.id} is {stages.status_name(proposal.status)}: no vote "
                                      "is open; see `sprintd q gov proposal ID` for its voting heights")
        voter = parse_address(msg.voter, "voter")
        if gov.get_vote(store, proposal.id, stage, voter) is not None:
            raise ErrAlreadyVoted(f"{msg.voter} already voted in the {stages.STAGE_NAMES[stage]} vote of proposal "
                                  f"{proposal.id}; one vote per voter per stage")
        power = gov.power_of(store, proposal.id, stage, voter)
        if power == 0:
            raise ErrNoVotingPower(f"{msg.voter} had no voting power (bonded stake x reputation) when the "
                                   f"{stages.STAGE_NAMES[stage]} vote of proposal {proposal.id} opened")
        gov.set_vote(store, voter, Vote(proposal_id=proposal.id, stage=stage, voter=msg.voter, option=msg.option,
                                        power=str(power)))
        ctx.emit("message", ("action", MSG_VOTE_URL), ("sender", msg.voter), ("module", "gov"))
        ctx.emit("gov_vote", ("proposal_id", str(proposal.id)), ("stage", stages.STAGE_NAMES[stage]),
                 ("voter", msg.voter), ("option", stages.OPTION_FIELDS[msg.option]), ("power", str(power)))

    def routes(self) -> list[tuple[str, Route]]:
        return [
            (MSG_SUBMIT_URL, Route(MsgSubmitProposal, lambda m: [parse_address(m.proposer, "proposer")],
                                   _validate_submit, self.submit_proposal)),
            (MSG_DEPOSIT_URL, Route(MsgDeposit, lambda m: [parse_address(m.depositor, "depositor")],
                                    _validate_deposit, self.deposit)),
            (MSG_VOTE_URL, Route(MsgVote, lambda m: [parse_address(m.voter, "voter")], _validate_vote, self.vote)),
        ]
