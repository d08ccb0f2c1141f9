"""training queries: sprint.training.v1.Query/{Params, Job, Jobs, Maintenance}, over the last committed
state. Unknown job: NOT_FOUND; a bad bech32 filter address: INVALID_ARGUMENT. Jobs: filters combine
(AND), ascending id after `start_after`, at most `limit` (default 100, at most 1000); `next` is the id to
continue after, 0 on the last page. Maintenance: the host's windows not yet over (every host's when
`host` is empty).
"""

from __future__ import annotations

from sprint.training.v1 import query_pb2
from sprint.training.v1.training_pb2 import TRAINING_JOB_STATUS_UNSPECIFIED

from chain.modules.auth.query_server import parse_address
from chain.query import QueryMethod, not_found

SERVICE = "/sprint.training.v1.Query/"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=keepers.training.get_params(store))


def job(store, keepers, request):
    found = keepers.training.get_job(store, request.id)
    if found is None:
        raise not_found(f"training job {request.id} does not exist")
    return query_pb2.QueryJobResponse(job=found)


def jobs(store, keepers, request):
    limit = min(request.limit or DEFAULT_LIMIT, MAX_LIMIT)
    host = parse_address(request.host) if request.host else None
    submitter = parse_address(request.submitter) if request.submitter else None
    status = request.status if request.status != TRAINING_JOB_STATUS_UNSPECIFIED else None
    rows, more = [], False
    for found in keepers.training.iterate_jobs(store, request.start_after, status=status, host=host,
                                               submitter=submitter):
        if len(rows) == limit:
            more = True
            break
        rows.append(found)
    return query_pb2.QueryJobsResponse(jobs=rows, next=rows[-1].id if more else 0)


def maintenance(store, keepers, request):
    host = parse_address(request.host) if request.host else None
    return query_pb2.QueryMaintenanceResponse(windows=keepers.training.maintenance_windows(store, host))


METHODS = [
    QueryMethod(SERVICE + "Params", query_pb2.QueryParamsRequest, params),
    QueryMethod(SERVICE + "Job", query_pb2.QueryJobRequest, job),
    QueryMethod(SERVICE + "Jobs", query_pb2.QueryJobsRequest, jobs),
    QueryMethod(SERVICE + "Maintenance", query_pb2.QueryMaintenanceRequest, maintenance),
]
