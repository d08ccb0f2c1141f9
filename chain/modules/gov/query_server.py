"""gov queries: sprint.gov.v1.Query/{Params, Proposal, Proposals, Votes, Vote, Tally} over the last
committed state. Unknown proposal or vote: NOT_FOUND; a bad voter address: INVALID_ARGUMENT.
Proposals: ascending id after `start_after`, at most `limit` (default 100, at most 1000)."""

from __future__ import annotations

from sprint.gov.v1 import query_pb2
from sprint.gov.v1.gov_pb2 import PROPOSAL_STATUS_UNSPECIFIED, STAGE_EXECUTION, STAGE_SIGNAL, STAGE_UNSPECIFIED

from chain.modules.auth.query_server import parse_address
from chain.modules.gov import stages
from chain.query import QueryMethod, not_found

SERVICE = "/sprint.gov.v1.Query/"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _proposal(store, keepers, proposal_id: int):
    found = keepers.gov.get_proposal(store, proposal_id)
    if found is None:
        raise not_found(f"proposal {proposal_id} does not exist")
    return found


def _stage(proposal, requested: int) -> int:
    """The requested stage, else the open one, else the last one that opened."""
    if requested != STAGE_UNSPECIFIED:
        return requested
    return stages.voting_stage(proposal) or (STAGE_EXECUTION if proposal.execution_start_height else STAGE_SIGNAL)


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=keepers.gov.get_params(store))


def proposal(store, keepers, request):
    return query_pb2.QueryProposalResponse(proposal=_proposal(store, keepers, request.id))


def proposals(store, keepers, request):
    limit = min(request.limit or DEFAULT_LIMIT, MAX_LIMIT)
    rows, more = [], False
    for found in keepers.gov.iterate_proposals(store, request.start_after):
        if request.status != PROPOSAL_STATUS_UNSPECIFIED and found.status != request.status:
            continue
        if len(rows) == limit:
            more = True
            break
        rows.append(found)
    return query_pb2.QueryProposalsResponse(proposals=rows, next=rows[-1].id if more else 0)


def votes(store, keepers, request):
    found = _proposal(store, keepers, request.proposal_id)
    return query_pb2.QueryVotesResponse(votes=keepers.gov.votes(store, found.id, _stage(found, request.stage)))


def vote(store, keepers, request):
    found = _proposal(store, keepers, request.proposal_id)
    stage = _stage(found, request.stage)
    cast = keepers.gov.get_vote(store, found.id, stage, parse_address(request.voter))
    if cast is None:
        raise not_found(f"{request.voter} has not voted in the {stages.STAGE_NAMES[stage]} vote of proposal {found.id}")
    return query_pb2.QueryVoteResponse(vote=cast)


def tally(store, keepers, request):
    """The running tally of an open vote, or the stored final tally of the last stage."""
    found = _proposal(store, keepers, request.proposal_id)
    open_stage = stages.voting_stage(found)
    if open_stage is not None:
        result = stages.tally(store, keepers.gov, found, open_stage)
        return query_pb2.QueryTallyResponse(stage=open_stage, tally=result, running=True)
    stage = _stage(found, STAGE_UNSPECIFIED)
    result = found.execution_tally if stage == STAGE_EXECUTION else found.signal_tally
    return query_pb2.QueryTallyResponse(stage=stage, tally=result, running=False)


METHODS = [
    QueryMethod(SERVICE + "Params", query_pb2.QueryParamsRequest, params),
    QueryMethod(SERVICE + "Proposal", query_pb2.QueryProposalRequest, proposal),
    QueryMethod(SERVICE + "Proposals", query_pb2.QueryProposalsRequest, proposals),
    QueryMethod(SERVICE + "Votes", query_pb2.QueryVotesRequest, votes),
    QueryMethod(SERVICE + "Vote", query_pb2.QueryVoteRequest, vote),
    QueryMethod(SERVICE + "Tally", query_pb2.QueryTallyRequest, tally),
]
