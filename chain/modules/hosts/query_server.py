"""hosts queries: sprint.hosts.v1.Query/Host and /Hosts."""

from __future__ import annotations

from sprint.hosts.v1 import query_pb2

from chain.modules.auth.query_server import parse_address
from chain.query import QueryMethod, not_found


def host(store, keepers, request):
    found = keepers.hosts.get_host(store, parse_address(request.operator))
    if found is None:
        raise not_found(f"host {request.operator} not found")
    return query_pb2.QueryHostResponse(host=found)


def hosts(store, keepers, request):
    return query_pb2.QueryHostsResponse(hosts=keepers.hosts.all_hosts(store))


METHODS = [
    QueryMethod("/sprint.hosts.v1.Query/Host", query_pb2.QueryHostRequest, host),
    QueryMethod("/sprint.hosts.v1.Query/Hosts", query_pb2.QueryHostsRequest, hosts),
]
