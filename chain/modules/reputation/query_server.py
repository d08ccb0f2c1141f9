"""reputation queries: sprint.reputation.v1.Query/{Params, Host, Hosts} over the last committed
state. Derived fields (validation_ppm, score_ppm, has_record) are computed at the current epoch (the
epoch of the last committed height). A bad address is INVALID_ARGUMENT; an address that is not a
registered host is NOT_FOUND; a host without a record answers has_record = false and zeros."""

from __future__ import annotations

from sprint.reputation.v1 import query_pb2

from chain.modules.auth.query_server import parse_address
from chain.modules.sprint.epochs import epoch_number
from chain.query import QueryMethod, not_found
from chain.store import meta

SERVICE = "/sprint.reputation.v1.Query/"


def current_epoch(store, keepers) -> int:
    """Sprint epoch of the last committed height (0 before the first block)."""
    try:
        return epoch_number(keepers.sprint.get_params(store), meta.read_height(store))
    except RuntimeError:
        return 0


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=keepers.reputation.get_params(store))


def host(store, keepers, request):
    operator = parse_address(request.host)
    if keepers.hosts.get_host(store, operator) is None:
        raise not_found(f"{request.host} is not a registered host")
    epoch = current_epoch(store, keepers)
    return query_pb2.QueryHostResponse(reputation=keepers.reputation.view(store, operator, epoch),
                                       volume=keepers.reputation.volume(store, epoch))


def hosts(store, keepers, request):
    """Every registered host's reputation (with or without a record), by operator address."""
    epoch = current_epoch(store, keepers)
    views = [keepers.reputation.view(store, operator, epoch) for operator, _ in keepers.hosts.iterate_hosts(store)]
    return query_pb2.QueryHostsResponse(hosts=views)


METHODS = [
    QueryMethod(SERVICE + "Params", query_pb2.QueryParamsRequest, params),
    QueryMethod(SERVICE + "Host", query_pb2.QueryHostRequest, host),
    QueryMethod(SERVICE + "Hosts", query_pb2.QueryHostsRequest, hosts),
]
