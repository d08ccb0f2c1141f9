"""inference queries: sprint.inference.v1.Query/{Params, Model, Models, Job, Jobs}, over the last
committed state (Audit is served by the verification part when present). Unknown model or job:
NOT_FOUND; a bad bech32 filter address: INVALID_ARGUMENT. Jobs: filters combine (AND), ascending id
after `start_after`, at most `limit` (default 100, at most 1000); `next` is the id to continue after,
0 on the last page.
"""

from __future__ import annotations

from sprint.inference.v1 import query_pb2
from sprint.inference.v1.inference_pb2 import JOB_STATUS_REVERIFYING, JOB_STATUS_UNSPECIFIED

from chain.modules.auth.query_server import parse_address
from chain.modules.inference import keys
from chain.modules.inference.verification import AUDIT_METHODS
from chain.query import QueryMethod, not_found

SERVICE = "/sprint.inference.v1.Query/"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=keepers.inference.get_params(store))


def model(store, keepers, request):
    found = keepers.inference.get_model(store, request.name)
    if found is None:
        raise not_found(f"model {request.name!r} is not registered")
    return query_pb2.QueryModelResponse(model=found)


def models(store, keepers, request):
    return query_pb2.QueryModelsResponse(models=keepers.inference.models(store))


def job(store, keepers, request):
    found = keepers.inference.get_job(store, request.id)
    if found is None:
        raise not_found(f"job {request.id} does not exist")
    return query_pb2.QueryJobResponse(job=found)


def _candidate_ids(store, keepers, request):
    """Ascending job ids narrowed by an index when an address filter is given, else None (scan)."""
    inference = keepers.inference
    if request.executor:
        status = request.status if request.status != JOB_STATUS_UNSPECIFIED else None
        return sorted(inference.jobs_by_executor(store, parse_address(request.executor), status))
    if request.requester:
        return inference.jobs_by_requester(store, parse_address(request.requester))
    if request.HasField("audit_epoch"):
        return inference.audit_jobs(store, request.audit_epoch)
    if request.status == JOB_STATUS_REVERIFYING:  # every worker asks each block: use the open-vote index
        return sorted(keys.split_height_id_key(key)[1] for key, _ in store.iterate(keys.REVERIFY_INDEX_PREFIX))
    return None


def _matches(found, request) -> bool:
    if request.executor and found.executor != request.executor:
        return False
    if request.requester and found.requester != request.requester:
        return False
    if request.status != JOB_STATUS_UNSPECIFIED and found.status != request.status:
        return False
    return not request.HasField("audit_epoch") or found.audit_epoch == request.audit_epoch


def jobs(store, keepers, request):
    limit = min(request.limit or DEFAULT_LIMIT, MAX_LIMIT)
    ids = _candidate_ids(store, keepers, request)
    source = (keepers.inference.iterate_jobs(store, request.start_after) if ids is None else
              (keepers.inference.get_job(store, i) for i in ids if i > request.start_after))
    rows, more = [], False
    for found in source:
        if found is None or not _matches(found, request):
            continue
        if len(rows) == limit:
            more = True
            break
        rows.append(found)
    return query_pb2.QueryJobsResponse(jobs=rows, next=rows[-1].id if more else 0)


METHODS = [
    QueryMethod(SERVICE + "Params", query_pb2.QueryParamsRequest, params),
    QueryMethod(SERVICE + "Model", query_pb2.QueryModelRequest, model),
    QueryMethod(SERVICE + "Models", query_pb2.QueryModelsRequest, models),
    QueryMethod(SERVICE + "Job", query_pb2.QueryJobRequest, job),
    QueryMethod(SERVICE + "Jobs", query_pb2.QueryJobsRequest, jobs),
] + AUDIT_METHODS
