"""cosmpy (an independent client) against a real devnet: the staking view, bank/auth queries wallets
use, and an amino-JSON-signed tx with SDK-style results. Run under the e2e flock."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.auth.v1beta1 import query_pb2 as auth_q
from cosmos.auth.v1beta1.query_pb2_grpc import QueryStub as AuthStub
from cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmos.tx.v1beta1 import service_pb2
from cosmpy.aerial.client.staking import ValidatorStatus
from cosmpy.aerial.wallet import LocalWallet

from chain.tx.builder import TxSpec, build_signed_tx, msg_send, tx_hash
from chain.tx.crypto import SigningKey



def test_cosmpy_query_validators_sees_the_devnet_host(devnet, ledger):
    validators = ledger.query_validators()  # cosmpy asks for BOND_STATUS_BONDED
    assert len(validators) == 1
    (validator,) = validators
    assert str(validator.address).startswith("sprintvaloper1")
    assert validator.tokens > 0 and validator.status == ValidatorStatus.BONDED
    assert validator.moniker
    assert ledger.query_validators(ValidatorStatus.UNBONDED) == []


def test_bank_and_auth_queries_through_grpc(devnet, ledger):
    info, processes = devnet
    address = info["accounts"][0]["address"]
    meta = ledger.bank.DenomMetadata(bank_q.QueryDenomMetadataRequest(denom="usprint")).metadata
    assert (meta.display, meta.symbol) == ("SPRINT", "SPRINT")
    spendable = ledger.bank.SpendableBalances(bank_q.QuerySpendableBalancesRequest(address=address))
    assert [c.denom for c in spendable.balances] == ["usprint"]
    assert ledger.bank.Params(bank_q.QueryParamsRequest()).params.default_send_enabled
    with grpc.insecure_channel(processes.grpc_address) as channel:
        auth = AuthStub(channel)
        assert auth.Bech32Prefix(auth_q.Bech32PrefixRequest(), timeout=10).bech32_prefix == "sprint"
        accounts = auth.Accounts(auth_q.QueryAccountsRequest(), timeout=10)
        assert len(accounts.accounts) >= len(info["accounts"])
        with pytest.raises(grpc.RpcError) as err:
            auth.AccountInfo(auth_q.QueryAccountInfoRequest(address="sprint1bad"), timeout=10)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_amino_json_signed_send_is_committed_with_msg_index(devnet, ledger):
    info, _ = devnet
    wallet = LocalWallet.from_mnemonic(info["accounts"][1]["mnemonic"], prefix="sprint")
    key = SigningKey(wallet.signer().private_key_bytes)
    assert key.bech32 == info["accounts"][1]["address"]
    account = ledger.query_account(key.bech32)
    recipient = info["accounts"][3]["address"]
    before = ledger.query_bank_balance(recipient, "usprint")
    raw = build_signed_tx(key, TxSpec(messages=[msg_send(key.bech32, recipient, 777)], chain_id=info["chain_id"],
                                      account_number=account.number, sequence=account.sequence, memo="ledger"),
                          sign_mode="amino-json")
    sent = ledger.txs.BroadcastTx(service_pb2.BroadcastTxRequest(
        tx_bytes=raw, mode=service_pb2.BroadcastMode.BROADCAST_MODE_SYNC))
    assert sent.tx_response.code == 0, sent.tx_response.raw_log
    response = ledger.wait_for_query_tx(tx_hash(raw), timeout=None, poll_period=None)
    assert response.code == 0, response.raw_log
    assert response.events["message"]["msg_index"] == "0"
    assert ledger.query_bank_balance(recipient, "usprint") == before + 777
