"""auth queries: the cosmos.auth.v1beta1.Query methods wallets and explorers call, and
sprint.auth.v1.Query/Params (the chain's own, fuller params)."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.auth.v1beta1 import query_pb2 as cosmos_auth
from cosmos.auth.v1beta1.auth_pb2 import BaseAccount, ModuleAccount, Params as CosmosParams
from sprint.auth.v1 import query_pb2 as sprint_auth

from chain.modules.auth import keys
from chain.modules.auth.pagination import paginate
from chain.modules.bank.keys import module_address
from chain.query import QueryMethod, invalid_argument, not_found
from chain.tx.builder import pack_any
from chain.tx.crypto import ACCOUNT_PREFIX, ADDRESS_LENGTH, AddressError, decode_address, encode_address

BASE_ACCOUNT_URL = "/cosmos.auth.v1beta1.BaseAccount"
MODULE_ACCOUNT_URL = "/cosmos.auth.v1beta1.ModuleAccount"
# Module accounts (address sha256(name)[:20]) and their SDK-style permissions, sorted by name.
# tests/integration/test_cosmos_queries.py checks the names against the modules' constants.
MODULE_ACCOUNTS = (
    ("community_vault", ()),
    ("dummy_tasks", ()),
    ("fee_collector", ()),
    ("gov", ("burner",)),
    ("inference", ()),
    ("rewards", ("minter", "burner")),
    ("staking", ("burner", "staking")),
    ("training", ()),
    ("training_fund", ()),
)


def parse_address(text: str) -> bytes:
    try:
        return decode_address(text)
    except AddressError as err:
        raise invalid_argument(str(err)) from err


def _existing(store, keepers, text: str) -> BaseAccount:
    acc = keepers.auth.get_account(store, parse_address(text))
    if acc is None:
        raise not_found(f"account {text} not found")
    return acc


def account(store, keepers, request):
    acc = _existing(store, keepers, request.address)
    return cosmos_auth.QueryAccountResponse(account=pack_any(acc, BASE_ACCOUNT_URL))


def account_info(store, keepers, request):
    return cosmos_auth.QueryAccountInfoResponse(info=_existing(store, keepers, request.address))


def accounts(store, keepers, request):
    """Every account as an Any of BaseAccount, by address bytes."""
    found, page = paginate(store, keys.ACCOUNT_PREFIX, request.pagination,
                           lambda _key, raw: pack_any(BaseAccount.FromString(raw), BASE_ACCOUNT_URL))
    return cosmos_auth.QueryAccountsResponse(accounts=found, pagination=page)


def params(store, keepers, request):
    return sprint_auth.QueryParamsResponse(params=keepers.auth.get_params(store))


def cosmos_params(store, keepers, request):
    """The SDK's auth params from ours (no ed25519 account keys here: its cost is 0)."""
    ours = keepers.auth.get_params(store)
    return cosmos_auth.QueryParamsResponse(params=CosmosParams(
        max_memo_characters=ours.max_memo_characters, tx_sig_limit=ours.tx_sig_limit,
        tx_size_cost_per_byte=ours.tx_size_cost_per_byte, sig_verify_cost_ed25519=0,
        sig_verify_cost_secp256k1=ours.sig_verify_cost_secp256k1))


def bech32_prefix(store, keepers, request):
    return cosmos_auth.Bech32PrefixResponse(bech32_prefix=ACCOUNT_PREFIX)


def address_bytes_to_string(store, keepers, request):
    if len(request.address_bytes) != ADDRESS_LENGTH:
        raise invalid_argument(f"address must be {ADDRESS_LENGTH} bytes, got {len(request.address_bytes)}")
    return cosmos_auth.AddressBytesToStringResponse(address_string=encode_address(bytes(request.address_bytes)))


def address_string_to_bytes(store, keepers, request):
    if not request.address_string.strip():
        raise invalid_argument("empty address string")
    return cosmos_auth.AddressStringToBytesResponse(address_bytes=parse_address(request.address_string))


def _module_account(store, keepers, name: str, permissions) -> ModuleAccount:
    address = module_address(name)
    base = keepers.auth.get_account(store, address) or BaseAccount(address=encode_address(address))
    return ModuleAccount(base_account=base, name=name, permissions=list(permissions))


def module_accounts(store, keepers, request):
    return cosmos_auth.QueryModuleAccountsResponse(accounts=[
        pack_any(_module_account(store, keepers, name, perms), MODULE_ACCOUNT_URL) for name, perms in MODULE_ACCOUNTS])


def module_account_by_name(store, keepers, request):
    for name, perms in MODULE_ACCOUNTS:
        if name == request.name:
            return cosmos_auth.QueryModuleAccountByNameResponse(
                account=pack_any(_module_account(store, keepers, name, perms), MODULE_ACCOUNT_URL))
    if not request.name:
        raise invalid_argument("module name is required")
    raise not_found(f"module account {request.name} not found")


_AUTH = "/cosmos.auth.v1beta1.Query/"

METHODS = [
    QueryMethod(_AUTH + "Account", cosmos_auth.QueryAccountRequest, account),
    QueryMethod(_AUTH + "AccountInfo", cosmos_auth.QueryAccountInfoRequest, account_info),
    QueryMethod(_AUTH + "Accounts", cosmos_auth.QueryAccountsRequest, accounts),
    QueryMethod(_AUTH + "Params", cosmos_auth.QueryParamsRequest, cosmos_params),
    QueryMethod(_AUTH + "Bech32Prefix", cosmos_auth.Bech32PrefixRequest, bech32_prefix),
    QueryMethod(_AUTH + "AddressBytesToString", cosmos_auth.AddressBytesToStringRequest, address_bytes_to_string),
    QueryMethod(_AUTH + "AddressStringToBytes", cosmos_auth.AddressStringToBytesRequest, address_string_to_bytes),
    QueryMethod(_AUTH + "ModuleAccounts", cosmos_auth.QueryModuleAccountsRequest, module_accounts),
    QueryMethod(_AUTH + "ModuleAccountByName", cosmos_auth.QueryModuleAccountByNameRequest, module_account_by_name),
    QueryMethod("/sprint.auth.v1.Query/Params", sprint_auth.QueryParamsRequest, params),
]
