"""bank queries (the cosmos.bank.v1beta1.Query subset clients use)."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.bank.v1beta1 import query_pb2 as q
from cosmos.base.v1beta1.coin_pb2 import Coin

from chain.coins import DENOM_RE
from chain.modules.auth.query_server import parse_address
from chain.query import QueryMethod, invalid_argument


def _denom(text: str) -> str:
    if not DENOM_RE.fullmatch(text or ""):
        raise invalid_argument(f"invalid denom {text!r}")
    return text


def balance(store, keepers, request):
    address, denom = parse_address(request.address), _denom(request.denom)
    return q.QueryBalanceResponse(balance=Coin(denom=denom, amount=str(keepers.bank.balance(store, address, denom))))


def all_balances(store, keepers, request):
    coins = keepers.bank.all_balances(store, parse_address(request.address))
    return q.QueryAllBalancesResponse(balances=[Coin(denom=d, amount=str(a)) for d, a in coins])


def total_supply(store, keepers, request):
    return q.QueryTotalSupplyResponse(supply=[Coin(denom=d, amount=str(a)) for d, a in keepers.bank.all_supply(store)])


def supply_of(store, keepers, request):
    denom = _denom(request.denom)
    return q.QuerySupplyOfResponse(amount=Coin(denom=denom, amount=str(keepers.bank.supply(store, denom))))


METHODS = [
    QueryMethod("/cosmos.bank.v1beta1.Query/Balance", q.QueryBalanceRequest, balance),
    QueryMethod("/cosmos.bank.v1beta1.Query/AllBalances", q.QueryAllBalancesRequest, all_balances),
    QueryMethod("/cosmos.bank.v1beta1.Query/TotalSupply", q.QueryTotalSupplyRequest, total_supply),
    QueryMethod("/cosmos.bank.v1beta1.Query/SupplyOf", q.QuerySupplyOfRequest, supply_of),
]
