"""auth queries: cosmos.auth.v1beta1.Query/Account and sprint.auth.v1.Query/Params."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.auth.v1beta1 import query_pb2 as cosmos_auth
from sprint.auth.v1 import query_pb2 as sprint_auth

from chain.query import QueryMethod, invalid_argument, not_found
from chain.tx.builder import pack_any
from chain.tx.crypto import AddressError, decode_address


def parse_address(text: str) -> bytes:
    try:
        return decode_address(text)
    except AddressError as err:
        raise invalid_argument(str(err)) from err


def account(store, keepers, request):
    acc = keepers.auth.get_account(store, parse_address(request.address))
    if acc is None:
        raise not_found(f"account {request.address} not found")
    return cosmos_auth.QueryAccountResponse(account=pack_any(acc, "/cosmos.auth.v1beta1.BaseAccount"))


def params(store, keepers, request):
    return sprint_auth.QueryParamsResponse(params=keepers.auth.get_params(store))


METHODS = [
    QueryMethod("/cosmos.auth.v1beta1.Query/Account", cosmos_auth.QueryAccountRequest, account),
    QueryMethod("/sprint.auth.v1.Query/Params", sprint_auth.QueryParamsRequest, params),
]
