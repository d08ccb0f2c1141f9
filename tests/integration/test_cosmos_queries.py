"""The cosmos.bank / cosmos.auth query methods wallets and explorers call, through ABCI Query."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import pytest
from cosmos.auth.v1beta1 import query_pb2 as auth_q
from cosmos.auth.v1beta1.auth_pb2 import BaseAccount, ModuleAccount
from cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from tendermint.abci import types_pb2 as abci

from chain.modules.auth.pagination import MAX_LIMIT
from chain.modules.auth.query_server import MODULE_ACCOUNTS
from chain.modules.bank.keys import FEE_COLLECTOR, module_address
from chain.query import QueryError
from chain.store.memory import MemoryDB
from chain.tx.crypto import encode_address
from tests.helpers.chain import DENOM, INITIAL_BALANCE, genesis_state, make_keys, make_send, new_app, run_block

KEYS = make_keys(5)


def query(app, path: str, request, response_class):
    resp = app.query(abci.RequestQuery(path=path, data=request.SerializeToString()))
    assert resp.code == 0, resp.log
    return response_class.FromString(resp.value)


def query_code(app, path: str, request) -> tuple[str, str]:
    """("ok", "") or the QueryError's (status, message): the ABCI/gRPC codes follow from the status."""
    try:
        app.queries.query_bytes(path, request.SerializeToString(), app.committed_store(), app.keepers)
    except QueryError as err:
        return err.status, err.message
    return "ok", ""


@pytest.fixture(scope="module")
def app():
    state = genesis_state(KEYS)
    state["bank"]["balances"][0]["coins"].append({"denom": "uextra", "amount": "7"})
    chain = new_app(MemoryDB(), state)
    run_block(chain, [make_send(KEYS[0], KEYS[1].bech32, 10, sequence=0)])  # fee -> fee_collector
    return chain


BANK, AUTH = "/cosmos.bank.v1beta1.Query/", "/cosmos.auth.v1beta1.Query/"


def test_bank_params_and_spendable(app):
    params = query(app, BANK + "Params", bank_q.QueryParamsRequest(), bank_q.QueryParamsResponse).params
    assert params.default_send_enabled is True
    spendable = query(app, BANK + "SpendableBalances", bank_q.QuerySpendableBalancesRequest(address=KEYS[0].bech32),
                      bank_q.QuerySpendableBalancesResponse)
    assert [c.denom for c in spendable.balances] == ["uextra", DENOM]
    assert spendable.pagination.total == 2
    one = query(app, BANK + "SpendableBalanceByDenom",
                bank_q.QuerySpendableBalanceByDenomRequest(address=KEYS[1].bech32, denom=DENOM),
                bank_q.QuerySpendableBalanceByDenomResponse)
    assert one.balance.amount == str(INITIAL_BALANCE + 10)
    zero = query(app, BANK + "SpendableBalanceByDenom",
                 bank_q.QuerySpendableBalanceByDenomRequest(address=KEYS[1].bech32, denom="unone"),
                 bank_q.QuerySpendableBalanceByDenomResponse)
    assert (zero.balance.denom, zero.balance.amount) == ("unone", "0")


def test_bank_bad_input_is_invalid_argument(app):
    bad_address = bank_q.QuerySpendableBalancesRequest(address="junk")
    assert query_code(app, BANK + "SpendableBalances", bad_address)[0] == "invalid_argument"
    assert query_code(app, BANK + "SpendableBalanceByDenom", bank_q.QuerySpendableBalanceByDenomRequest(
        address=KEYS[0].bech32, denom="!"))[0] == "invalid_argument"
    assert query_code(app, BANK + "DenomMetadata", bank_q.QueryDenomMetadataRequest(denom=""))[0] == "invalid_argument"
    code, log = query_code(app, BANK + "AllBalances", bank_q.QueryAllBalancesRequest(
        address=KEYS[0].bech32, pagination=PageRequest(key=b"u", offset=1)))
    assert code == "invalid_argument" and "either offset or key" in log


def test_total_supply_and_supply_of(app):
    supply = query(app, BANK + "TotalSupply", bank_q.QueryTotalSupplyRequest(), bank_q.QueryTotalSupplyResponse)
    minted = app.keepers.bank.supply(app.committed_store(), DENOM)  # genesis + block rewards
    assert minted >= INITIAL_BALANCE * len(KEYS)
    assert {c.denom: c.amount for c in supply.supply} == {DENOM: str(minted), "uextra": "7"}
    first = query(app, BANK + "TotalSupply", bank_q.QueryTotalSupplyRequest(pagination=PageRequest(limit=1)),
                  bank_q.QueryTotalSupplyResponse)
    assert [c.denom for c in first.supply] == ["uextra"] and first.pagination.next_key == DENOM.encode()
    second = query(app, BANK + "TotalSupply", bank_q.QueryTotalSupplyRequest(
        pagination=PageRequest(limit=1, key=first.pagination.next_key)), bank_q.QueryTotalSupplyResponse)
    assert [c.denom for c in second.supply] == [DENOM] and second.pagination.next_key == b""
    of = query(app, BANK + "SupplyOf", bank_q.QuerySupplyOfRequest(denom="uextra"), bank_q.QuerySupplyOfResponse)
    assert of.amount.amount == "7"


def test_denom_metadata_default_is_usprint_to_sprint(app):
    meta = query(app, BANK + "DenomMetadata", bank_q.QueryDenomMetadataRequest(denom=DENOM),
                 bank_q.QueryDenomMetadataResponse).metadata
    assert (meta.base, meta.display, meta.name, meta.symbol) == (DENOM, "SPRINT", "Sprint", "SPRINT")
    assert [(u.denom, u.exponent) for u in meta.denom_units] == [(DENOM, 0), ("SPRINT", 6)]
    by_string = query(app, BANK + "DenomMetadataByQueryString",
                      bank_q.QueryDenomMetadataByQueryStringRequest(denom=DENOM),
                      bank_q.QueryDenomMetadataByQueryStringResponse).metadata
    assert by_string == meta
    listed = query(app, BANK + "DenomsMetadata", bank_q.QueryDenomsMetadataRequest(),
                   bank_q.QueryDenomsMetadataResponse)
    assert list(listed.metadatas) == [meta] and listed.pagination.total == 1
    code, log = query_code(app, BANK + "DenomMetadata", bank_q.QueryDenomMetadataRequest(denom="uextra"))
    assert code == "not_found" and "uextra" in log


def test_genesis_denom_metadata_is_validated_and_exported():
    from chain.errors import ErrInvalidRequest

    state = genesis_state(KEYS[:1])
    state["bank"]["denom_metadata"] = [{"base": "ufoo", "display": "foo", "name": "Foo", "symbol": "FOO",
                                        "denom_units": [{"denom": "ufoo", "exponent": 0},
                                                        {"denom": "foo", "exponent": 6}]}]
    app = new_app(MemoryDB(), state)
    run_block(app)
    exported = app.export_genesis()["bank"]["denom_metadata"]
    assert [m["base"] for m in exported] == ["ufoo"]
    state["bank"]["denom_metadata"][0]["display"] = "bar"
    with pytest.raises(ErrInvalidRequest, match="display"):
        new_app(MemoryDB(), state)


def test_auth_params_prefix_and_address_conversion(app):
    params = query(app, AUTH + "Params", auth_q.QueryParamsRequest(), auth_q.QueryParamsResponse).params
    assert (params.max_memo_characters, params.tx_sig_limit, params.sig_verify_cost_secp256k1) == (256, 7, 1000)
    prefix = query(app, AUTH + "Bech32Prefix", auth_q.Bech32PrefixRequest(), auth_q.Bech32PrefixResponse)
    assert prefix.bech32_prefix == "sprint"
    as_text = query(app, AUTH + "AddressBytesToString", auth_q.AddressBytesToStringRequest(
        address_bytes=KEYS[2].address), auth_q.AddressBytesToStringResponse)
    assert as_text.address_string == KEYS[2].bech32
    as_bytes = query(app, AUTH + "AddressStringToBytes", auth_q.AddressStringToBytesRequest(
        address_string=KEYS[2].bech32), auth_q.AddressStringToBytesResponse)
    assert as_bytes.address_bytes == KEYS[2].address
    assert query_code(app, AUTH + "AddressBytesToString", auth_q.AddressBytesToStringRequest(
        address_bytes=b"\x01" * 5))[0] == "invalid_argument"
    assert query_code(app, AUTH + "AddressStringToBytes", auth_q.AddressStringToBytesRequest(
        address_string="cosmos1xyz"))[0] == "invalid_argument"


def test_accounts_paginate_over_every_account(app):
    everything = query(app, AUTH + "Accounts", auth_q.QueryAccountsRequest(), auth_q.QueryAccountsResponse)
    addresses = [BaseAccount.FromString(a.value).address for a in everything.accounts]
    assert all(a.type_url == "/cosmos.auth.v1beta1.BaseAccount" for a in everything.accounts)
    assert set(k.bech32 for k in KEYS) <= set(addresses)
    assert everything.pagination.total == len(addresses)
    pages, key = [], b""
    while True:
        page = query(app, AUTH + "Accounts", auth_q.QueryAccountsRequest(pagination=PageRequest(limit=2, key=key)),
                     auth_q.QueryAccountsResponse)
        pages.extend(BaseAccount.FromString(a.value).address for a in page.accounts)
        key = page.pagination.next_key
        if not key:
            break
    assert pages == addresses
    by_offset = query(app, AUTH + "Accounts", auth_q.QueryAccountsRequest(
        pagination=PageRequest(offset=1, limit=2, count_total=True)), auth_q.QueryAccountsResponse)
    assert [BaseAccount.FromString(a.value).address for a in by_offset.accounts] == addresses[1:3]
    assert by_offset.pagination.total == len(addresses)
    reverse = query(app, AUTH + "Accounts", auth_q.QueryAccountsRequest(
        pagination=PageRequest(reverse=True, limit=MAX_LIMIT + 5)), auth_q.QueryAccountsResponse)
    assert [BaseAccount.FromString(a.value).address for a in reverse.accounts] == addresses[::-1]


def test_account_info_and_not_found(app):
    info = query(app, AUTH + "AccountInfo", auth_q.QueryAccountInfoRequest(address=KEYS[0].bech32),
                 auth_q.QueryAccountInfoResponse).info
    assert (info.address, info.account_number, info.sequence) == (KEYS[0].bech32, 0, 1)
    assert info.pub_key.type_url == "/cosmos.crypto.secp256k1.PubKey"
    stranger = encode_address(b"\x09" * 20)
    assert query_code(app, AUTH + "AccountInfo", auth_q.QueryAccountInfoRequest(address=stranger))[0] == "not_found"
    assert query_code(app, AUTH + "AccountInfo", auth_q.QueryAccountInfoRequest(address="x"))[0] == "invalid_argument"


def test_module_accounts(app):
    listed = query(app, AUTH + "ModuleAccounts", auth_q.QueryModuleAccountsRequest(),
                   auth_q.QueryModuleAccountsResponse)
    accounts = [ModuleAccount.FromString(a.value) for a in listed.accounts]
    assert [a.name for a in accounts] == [name for name, _ in MODULE_ACCOUNTS]
    fee = query(app, AUTH + "ModuleAccountByName", auth_q.QueryModuleAccountByNameRequest(name=FEE_COLLECTOR),
                auth_q.QueryModuleAccountByNameResponse).account
    assert fee.type_url == "/cosmos.auth.v1beta1.ModuleAccount"
    fee_account = ModuleAccount.FromString(fee.value)
    assert fee_account.base_account.address == encode_address(module_address(FEE_COLLECTOR))
    unknown = auth_q.QueryModuleAccountByNameRequest(name="nope")
    assert query_code(app, AUTH + "ModuleAccountByName", unknown)[0] == "not_found"


def test_module_account_names_match_the_modules():
    from chain.modules.gov import keys as gov_keys
    from chain.modules.inference import keys as inference_keys
    from chain.modules.inference.settlement import TRAINING_FUND
    from chain.modules.mint import keys as mint_keys
    from chain.modules.rewards import keys as rewards_keys
    from chain.modules.staking import keys as staking_keys
    from chain.modules.training import keys as training_keys

    expected = {FEE_COLLECTOR, inference_keys.MODULE_NAME, rewards_keys.MODULE_NAME, staking_keys.MODULE_NAME,
                TRAINING_FUND, gov_keys.MODULE_NAME, gov_keys.VAULT_MODULE, mint_keys.DUMMY_MODULE,
                training_keys.MODULE_NAME}
    assert {name for name, _ in MODULE_ACCOUNTS} == expected
