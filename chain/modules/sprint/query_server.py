"""sprint queries: sprint.sprint.v1.Query/{Params, Epoch, Weights, ProofSummary, Proofs, Validations,
Assignments}, over the last committed state. "Current epoch" is the epoch of the last committed
height (height 1 before the first block). A bad bech32 address is INVALID_ARGUMENT; a future epoch,
or a host that never took part in an epoch (ProofSummary), is NOT_FOUND.
"""

from __future__ import annotations

from sprint.sprint.v1 import query_pb2
from sprint.sprint.v1.sprint_pb2 import HostWeight

from chain.modules.auth.query_server import parse_address
from chain.modules.sprint.epochs import epoch_info, epoch_number
from chain.query import QueryMethod, not_found
from chain.store import meta
from chain.tx.crypto import encode_address

SERVICE = "/sprint.sprint.v1.Query/"


def _params(store, keepers):
    try:
        return keepers.sprint.get_params(store)
    except RuntimeError:
        raise not_found("the chain has no committed state yet (no block committed)") from None


def _current_epoch(store, keepers) -> int:
    return epoch_number(_params(store, keepers), meta.read_height(store))


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=_params(store, keepers))


def epoch(store, keepers, request):
    p = _params(store, keepers)
    height = meta.read_height(store)
    current = epoch_number(p, height)
    number = request.number if request.HasField("number") else current
    if number > current:
        raise not_found(f"epoch {number} has not started yet (current epoch {current})")
    info = epoch_info(p, height, keepers.sprint.get_seed(store, number),
                      keepers.sprint.get_validation_seed(store, number), number)
    return query_pb2.QueryEpochResponse(epoch=info, height=height)


def weights(store, keepers, request):
    rows = [HostWeight(host=host.operator, weight=host.weight, power=keepers.sprint.get_power(store, operator)[0])
            for operator, host in keepers.hosts.iterate_hosts(store)]
    return query_pb2.QueryWeightsResponse(weights=rows, total_weight=sum(r.weight for r in rows),
                                          total_power=sum(r.power for r in rows))


def proof_summary(store, keepers, request):
    operator = parse_address(request.host)
    number = request.epoch if request.HasField("epoch") else _current_epoch(store, keepers)
    summary = keepers.sprint.get_summary(store, number, operator)
    if summary is None:
        raise not_found(f"host {request.host} did not take part in epoch {number}")
    return query_pb2.QueryProofSummaryResponse(summary=summary)


def proofs(store, keepers, request):
    rows = keepers.sprint.proofs(store, request.epoch, parse_address(request.host))
    return query_pb2.QueryProofsResponse(nonces=[n for n, _ in rows], distances=[d for _, d in rows])


def validations(store, keepers, request):
    votes = keepers.sprint.votes(store, request.epoch, parse_address(request.host))
    return query_pb2.QueryValidationsResponse(validations=votes)


def assignments(store, keepers, request):
    provers = keepers.sprint.assignments(store, request.epoch, parse_address(request.validator))
    return query_pb2.QueryAssignmentsResponse(provers=[encode_address(p) for p in provers])


METHODS = [
    QueryMethod(SERVICE + "Params", query_pb2.QueryParamsRequest, params),
    QueryMethod(SERVICE + "Epoch", query_pb2.QueryEpochRequest, epoch),
    QueryMethod(SERVICE + "Weights", query_pb2.QueryWeightsRequest, weights),
    QueryMethod(SERVICE + "ProofSummary", query_pb2.QueryProofSummaryRequest, proof_summary),
    QueryMethod(SERVICE + "Proofs", query_pb2.QueryProofsRequest, proofs),
    QueryMethod(SERVICE + "Validations", query_pb2.QueryValidationsRequest, validations),
    QueryMethod(SERVICE + "Assignments", query_pb2.QueryAssignmentsRequest, assignments),
]
