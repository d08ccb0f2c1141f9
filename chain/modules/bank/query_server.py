"""bank queries: the cosmos.bank.v1beta1.Query methods wallets and explorers call.

Balances are all spendable (the bank has no vesting or holds: bonded stake sits in the staking
module account), so the Spendable* methods answer the same amounts as their plain counterparts.
"""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.bank.v1beta1 import query_pb2 as q
from cosmos.bank.v1beta1.bank_pb2 import Metadata, Params
from cosmos.base.v1beta1.coin_pb2 import Coin

from chain.coins import DENOM_RE
from chain.modules.auth.pagination import paginate
from chain.modules.auth.query_server import parse_address
from chain.modules.bank import keys
from chain.query import QueryMethod, invalid_argument, not_found


def _denom(text: str) -> str:
    if not DENOM_RE.fullmatch(text or ""):
        raise invalid_argument(f"invalid denom {text!r}")
    return text


def _coin(denom: str, amount) -> Coin:
    return Coin(denom=denom, amount=str(int(amount)))


def balance(store, keepers, request):
    address, denom = parse_address(request.address), _denom(request.denom)
    return q.QueryBalanceResponse(balance=_coin(denom, keepers.bank.balance(store, address, denom)))


def _balance_page(store, request):
    """One page of an address's balances, sorted by denom."""
    address = parse_address(request.address)
    return paginate(store, keys.balances_prefix(address), request.pagination,
                    lambda rel_key, raw: _coin(rel_key.decode(), raw))


def all_balances(store, keepers, request):
    coins, page = _balance_page(store, request)
    return q.QueryAllBalancesResponse(balances=coins, pagination=page)


def spendable_balances(store, keepers, request):
    coins, page = _balance_page(store, request)
    return q.QuerySpendableBalancesResponse(balances=coins, pagination=page)


def spendable_balance_by_denom(store, keepers, request):
    address, denom = parse_address(request.address), _denom(request.denom)
    return q.QuerySpendableBalanceByDenomResponse(balance=_coin(denom, keepers.bank.balance(store, address, denom)))


def total_supply(store, keepers, request):
    coins, page = paginate(store, keys.SUPPLY_PREFIX, request.pagination,
                           lambda rel_key, raw: _coin(rel_key.decode(), raw))
    return q.QueryTotalSupplyResponse(supply=coins, pagination=page)


def supply_of(store, keepers, request):
    denom = _denom(request.denom)
    return q.QuerySupplyOfResponse(amount=_coin(denom, keepers.bank.supply(store, denom)))


def params(store, keepers, request):
    """Sending is enabled for every denom (no per-denom send_enabled entries)."""
    return q.QueryParamsResponse(params=Params(default_send_enabled=True))


def _metadata(store, keepers, denom: str):
    meta = keepers.bank.get_metadata(store, _denom(denom))
    if meta is None:
        raise not_found(f"client metadata for denom {denom} not found")
    return meta


def denom_metadata(store, keepers, request):
    return q.QueryDenomMetadataResponse(metadata=_metadata(store, keepers, request.denom))


def denom_metadata_by_query_string(store, keepers, request):
    return q.QueryDenomMetadataByQueryStringResponse(metadata=_metadata(store, keepers, request.denom))


def denoms_metadata(store, keepers, request):
    metas, page = paginate(store, keys.METADATA_PREFIX, request.pagination,
                           lambda rel_key, raw: Metadata.FromString(raw))
    return q.QueryDenomsMetadataResponse(metadatas=metas, pagination=page)


def send_enabled(store, keepers, request):
    """No denom has its own send_enabled entry: an empty list (default_send_enabled applies)."""
    return q.QuerySendEnabledResponse()


_BANK = "/cosmos.bank.v1beta1.Query/"

METHODS = [
    QueryMethod(_BANK + "Balance", q.QueryBalanceRequest, balance),
    QueryMethod(_BANK + "AllBalances", q.QueryAllBalancesRequest, all_balances),
    QueryMethod(_BANK + "SpendableBalances", q.QuerySpendableBalancesRequest, spendable_balances),
    QueryMethod(_BANK + "SpendableBalanceByDenom", q.QuerySpendableBalanceByDenomRequest, spendable_balance_by_denom),
    QueryMethod(_BANK + "TotalSupply", q.QueryTotalSupplyRequest, total_supply),
    QueryMethod(_BANK + "SupplyOf", q.QuerySupplyOfRequest, supply_of),
    QueryMethod(_BANK + "Params", q.QueryParamsRequest, params),
    QueryMethod(_BANK + "DenomMetadata", q.QueryDenomMetadataRequest, denom_metadata),
    QueryMethod(_BANK + "DenomMetadataByQueryString", q.QueryDenomMetadataByQueryStringRequest,
                denom_metadata_by_query_string),
    QueryMethod(_BANK + "DenomsMetadata", q.QueryDenomsMetadataRequest, denoms_metadata),
    QueryMethod(_BANK + "SendEnabled", q.QuerySendEnabledRequest, send_enabled),
]
