"""The life of a proposal after submission: power snapshots, tallies and stage transitions.

DEPOSIT -> SIGNAL_VOTING -> TIMELOCK -> EXECUTION_VOTING -> PASSED -> ENACTED | FAILED_ENACTMENT;
a failed vote ends it (REJECTED, deposits refunded; VETOED, deposits burned); a deposit period that
ends below min_deposit ends it (EXPIRED, deposits burned). Every transition after submission runs in
gov's end block at a height stored on the proposal (the queue holds (height, id))."""

from __future__ import annotations

from sprint.gov.v1.gov_pb2 import (
    PROPOSAL_STATUS_DEPOSIT,
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
    Proposal,
    ProposalStatus,
    TallyResult,
)

from chain.context import Context
from chain.errors import TxError
from chain.modules.gov import content, keys
from chain.modules.gov.expected_keepers import GovDeps
from chain.modules.gov.params import BPS

STAGE_NAMES = {STAGE_SIGNAL: "signal", STAGE_EXECUTION: "execution"}
OPTION_FIELDS = {VOTE_OPTION_YES: "yes", VOTE_OPTION_NO: "no", VOTE_OPTION_ABSTAIN: "abstain",
                 VOTE_OPTION_VETO: "veto"}


def status_name(status: int) -> str:
    return ProposalStatus.Name(status).removeprefix("PROPOSAL_STATUS_").lower()


def voting_stage(proposal: Proposal) -> int | None:
    """The stage whose vote is open for the proposal's status, or None."""
    return {PROPOSAL_STATUS_SIGNAL_VOTING: STAGE_SIGNAL,
            PROPOSAL_STATUS_EXECUTION_VOTING: STAGE_EXECUTION}.get(proposal.status)


def snapshot(ctx: Context, deps: GovDeps, proposal_id: int, stage: int) -> int:
    """Record every bonded operator's voting power for the stage: bonded stake x reputation
    score_ppm (an exact integer, units of bond denom x ppm). Returns the total. Bounded by the number
    of bonded operators (one pass over the bonds, one over the reputation records)."""
    scores = deps.reputation.scores(ctx.store)
    total = 0
    for operator, bonded in deps.staking.iterate_bonds(ctx.store):
        score = scores[operator] if operator in scores else deps.reputation.score_ppm(ctx.store, operator)
        power = bonded * score
        if power > 0:
            deps.gov.set_power(ctx.store, proposal_id, stage, operator, power)
            total += power
    return total


def tally(store, gov, proposal: Proposal, stage: int) -> TallyResult:
    """Sum of the stage's votes per option (each vote weighs its voter's snapshot power)."""
    sums = {name: 0 for name in OPTION_FIELDS.values()}
    for vote in gov.votes(store, proposal.id, stage):
        sums[OPTION_FIELDS[vote.option]] += int(vote.power)
    stored = proposal.signal_tally if stage == STAGE_SIGNAL else proposal.execution_tally
    return TallyResult(total_power=stored.total_power or "0", **{k: str(v) for k, v in sums.items()})


def outcome(params, result: TallyResult) -> tuple[str, str]:
    """("pass" | "reject" | "veto", reason) of a final tally under the quorum, veto and threshold rules."""
    yes, no, abstain, veto = (int(result.yes), int(result.no), int(result.abstain), int(result.veto))
    total, voted = int(result.total_power), yes + no + abstain + veto
    if total == 0 or voted * BPS < params.quorum_bps * total:
        return "reject", f"quorum not reached: {voted} of {total} power voted, {params.quorum_bps} bps needed"
    if veto * BPS > params.veto_threshold_bps * voted:
        return "veto", f"vetoed: veto {veto} of {voted} voted power is above {params.veto_threshold_bps} bps"
    if yes * BPS > params.threshold_bps * (yes + no + veto):
        return "pass", ""
    return "reject", f"threshold not reached: yes {yes} of {yes + no + veto} is not above {params.threshold_bps} bps"


def _emit(ctx: Context, event: str, proposal: Proposal, *extra: tuple[str, str]) -> None:
    ctx.emit(event, ("proposal_id", str(proposal.id)), ("status", status_name(proposal.status)), *extra)


def open_vote(ctx: Context, deps: GovDeps, proposal: Proposal, stage: int) -> None:
    """Snapshot the power and open the stage's vote at this height o; it closes at the end of height
    o + signal_blocks (or execution_blocks). The signal vote opens inside the tx that completes the
    deposit (votes from that height on); the execution vote opens in an end block (votes from o + 1)."""
    params, opened = deps.gov.get_params(ctx.store), ctx.block.height
    total = snapshot(ctx, deps, proposal.id, stage)
    if stage == STAGE_SIGNAL:
        proposal.status, proposal.signal_start_height = PROPOSAL_STATUS_SIGNAL_VOTING, opened
        proposal.signal_end_height = end = opened + params.signal_blocks
        proposal.signal_tally.CopyFrom(TallyResult(total_power=str(total)))
    else:
        proposal.status, proposal.execution_start_height = PROPOSAL_STATUS_EXECUTION_VOTING, opened + 1
        proposal.execution_end_height = end = opened + params.execution_blocks
        proposal.execution_tally.CopyFrom(TallyResult(total_power=str(total)))
    deps.gov.enqueue(ctx.store, end, proposal.id)
    _emit(ctx, "gov_voting_opened", proposal, ("stage", STAGE_NAMES[stage]), ("voting_end_height", str(end)),
          ("total_power", str(total)))


def refund(ctx: Context, deps: GovDeps, proposal: Proposal) -> None:
    denom = deps.gov.get_params(ctx.store).min_deposit.denom
    for depositor, amount in deps.gov.deposits(ctx.store, proposal.id):
        deps.bank.send_from_module(ctx, keys.MODULE_NAME, depositor, [(denom, amount)])
    deps.gov.clear_deposits(ctx.store, proposal.id)


def burn(ctx: Context, deps: GovDeps, proposal: Proposal) -> None:
    denom = deps.gov.get_params(ctx.store).min_deposit.denom
    total = sum(amount for _, amount in deps.gov.deposits(ctx.store, proposal.id))
    if total:
        deps.bank.burn_from_module(ctx, keys.MODULE_NAME, [(denom, total)])
    deps.gov.clear_deposits(ctx.store, proposal.id)


def _finish(ctx: Context, deps: GovDeps, proposal: Proposal, status: int, reason: str) -> None:
    """End a proposal: refund (rejected) or burn (vetoed, expired) its deposits."""
    proposal.status, proposal.reason = status, reason
    (refund if status == PROPOSAL_STATUS_REJECTED else burn)(ctx, deps, proposal)
    deps.gov.set_proposal(ctx.store, proposal)
    _emit(ctx, "gov_proposal_ended", proposal, ("reason", reason))


def _end_vote(ctx: Context, deps: GovDeps, proposal: Proposal, stage: int) -> None:
    params = deps.gov.get_params(ctx.store)
    result = tally(ctx.store, deps.gov, proposal, stage)
    (proposal.signal_tally if stage == STAGE_SIGNAL else proposal.execution_tally).CopyFrom(result)
    verdict, reason = outcome(params, result)
    height = ctx.block.height
    if verdict != "pass":
        _finish(ctx, deps, proposal, PROPOSAL_STATUS_VETOED if verdict == "veto" else PROPOSAL_STATUS_REJECTED,
                f"{STAGE_NAMES[stage]} vote: {reason}")
        return
    if stage == STAGE_SIGNAL:
        proposal.status, proposal.timelock_end_height = PROPOSAL_STATUS_TIMELOCK, height + params.timelock_blocks
        deps.gov.enqueue(ctx.store, proposal.timelock_end_height, proposal.id)
    else:
        proposal.status, proposal.enact_height = PROPOSAL_STATUS_PASSED, height + params.enact_delay_blocks
        deps.gov.enqueue(ctx.store, proposal.enact_height, proposal.id)
        refund(ctx, deps, proposal)
    deps.gov.set_proposal(ctx.store, proposal)
    _emit(ctx, "gov_vote_passed", proposal, ("stage", STAGE_NAMES[stage]),
          ("yes", result.yes), ("no", result.no), ("abstain", result.abstain), ("veto", result.veto))


def _enact(ctx: Context, deps: GovDeps, proposal: Proposal) -> None:
    """Apply the proposal on a branch of the store: all of it, or (FAILED_ENACTMENT) none of it."""
    branch = ctx.store.branch()
    sub = ctx.with_store(branch)
    try:
        content.enact(sub, deps, proposal)
    except TxError as err:
        proposal.status, proposal.reason = PROPOSAL_STATUS_FAILED_ENACTMENT, err.log
    else:
        branch.write()
        ctx.events.extend(sub.events)
        proposal.status = PROPOSAL_STATUS_ENACTED
    deps.gov.set_proposal(ctx.store, proposal)
    _emit(ctx, "gov_proposal_enacted" if proposal.status == PROPOSAL_STATUS_ENACTED else "gov_enactment_failed",
          proposal, ("enact_height", str(proposal.enact_height)), ("reason", proposal.reason))


def advance(ctx: Context, deps: GovDeps, proposal_id: int) -> None:
    """Run the transition due at this height for one queued proposal."""
    height = ctx.block.height
    deps.gov.dequeue(ctx.store, height, proposal_id)
    proposal = deps.gov.get_proposal(ctx.store, proposal_id)
    if proposal is None:
        return
    status = proposal.status
    if status == PROPOSAL_STATUS_DEPOSIT and height == proposal.deposit_end_height:
        _finish(ctx, deps, proposal, PROPOSAL_STATUS_EXPIRED,
                f"deposit {proposal.total_deposit} stayed below min_deposit until height {height}")
    elif status == PROPOSAL_STATUS_SIGNAL_VOTING and height == proposal.signal_end_height:
        _end_vote(ctx, deps, proposal, STAGE_SIGNAL)
    elif status == PROPOSAL_STATUS_TIMELOCK and height == proposal.timelock_end_height:
        open_vote(ctx, deps, proposal, STAGE_EXECUTION)
        deps.gov.set_proposal(ctx.store, proposal)
    elif status == PROPOSAL_STATUS_EXECUTION_VOTING and height == proposal.execution_end_height:
        _end_vote(ctx, deps, proposal, STAGE_EXECUTION)
    elif status == PROPOSAL_STATUS_PASSED and height == proposal.enact_height:
        _enact(ctx, deps, proposal)


def end_block(ctx: Context, deps: GovDeps) -> None:
    """Every transition due at this height, in ascending proposal id."""
    for proposal_id in deps.gov.due(ctx.store, ctx.block.height):
        advance(ctx, deps, proposal_id)

