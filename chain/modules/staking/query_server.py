"""staking queries: sprint.staking.v1.Query/Params and /Stake."""

from __future__ import annotations

from sprint.staking.v1 import query_pb2

from chain.modules.auth.query_server import parse_address
from chain.query import QueryMethod


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=keepers.staking.get_params(store))


def stake(store, keepers, request):
    """Bonded amount and unbonding entries; "0" and none for an address that never staked."""
    operator = parse_address(request.operator)
    return query_pb2.QueryStakeResponse(bonded=str(keepers.staking.bonded(store, operator)),
                                        unbonding=keepers.staking.unbonding_entries(store, operator))


METHODS = [
    QueryMethod("/sprint.staking.v1.Query/Params", query_pb2.QueryParamsRequest, params),
    QueryMethod("/sprint.staking.v1.Query/Stake", query_pb2.QueryStakeRequest, stake),
]
