"""staking queries: sprint.staking.v1.Query/Params and /Stake."""

from __future__ import annotations

from sprint.staking.v1 import query_pb2
from sprint.staking.v1.staking_pb2 import StakeLock

from chain.modules.auth.query_server import parse_address
from chain.query import QueryMethod
from chain.store import meta
from chain.tx.crypto import encode_address


def params(store, keepers, request):
    return query_pb2.QueryParamsResponse(params=keepers.staking.get_params(store))


def stake(store, keepers, request):
    """Bonded amount, unbonding entries, locks still in force and the amount an unstake in the next
    block may take; "0" and none for an address that never staked."""
    operator = parse_address(request.operator)
    staking = keepers.staking
    height = meta.read_height(store) + 1  # the next block, where an unstake would execute
    locks = [StakeLock(operator=encode_address(operator), amount=str(amount), unlock_height=unlock)
             for unlock, amount in staking.locks(store, operator) if unlock > height]
    return query_pb2.QueryStakeResponse(bonded=str(staking.bonded(store, operator)),
                                        unbonding=staking.unbonding_entries(store, operator), locks=locks,
                                        unlocked=str(staking.unlocked(store, operator, height)))


METHODS = [
    QueryMethod("/sprint.staking.v1.Query/Params", query_pb2.QueryParamsRequest, params),
    QueryMethod("/sprint.staking.v1.Query/Stake", query_pb2.QueryStakeRequest, stake),
]
