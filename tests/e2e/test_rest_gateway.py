"""The REST/LCD gateway of a real devnet (cometbft + sprintd): every standard route answers the
SDK gateway's JSON, values agree with gRPC, a POSTed tx is committed and found by hash and by
events, errors have the gateway's shape. Plain HTTP (urllib), as curl would. Run under the e2e flock."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import cosmpy.protos  # noqa: F401
import pytest
from cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmpy.aerial.client import LedgerClient, NetworkConfig

from abci_app.keyring import secret_from_mnemonic
from chain.tx.builder import TxSpec, build_signed_tx, msg_send, tx_hash
from chain.tx.crypto import SigningKey
from tests.e2e.conftest import require_cometbft, start_devnet_with_rest
from tests.helpers.wait import wait_until


@pytest.fixture(scope="module")
def rest_devnet(tmp_path_factory):
    """A devnet whose REST gateway listens on a free port: (info, processes, rest base URL)."""
    require_cometbft()
    info, processes, base = start_devnet_with_rest(tmp_path_factory.mktemp("devnet") / "home")
    try:
        yield info, processes, base
    finally:
        processes.stop()


def http(url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null"), dict(err.headers)


def ok(url: str, **kwargs) -> dict:
    status, body, _ = http(url, **kwargs)
    assert status == 200, f"{url}: HTTP {status} {body}"
    return body


@pytest.fixture(scope="module")
def ledger(rest_devnet):
    info, processes, _ = rest_devnet
    return LedgerClient(NetworkConfig(chain_id=info["chain_id"], url=f"grpc+http://{processes.grpc_address}",
                                      fee_minimum_gas_price=0.025, fee_denomination="usprint",
                                      staking_denomination="usprint"))


def test_bank_routes_match_grpc(rest_devnet, ledger):
    info, _, rest = rest_devnet
    address = info["accounts"][0]["address"]
    balances = ok(f"{rest}/cosmos/bank/v1beta1/balances/{address}")["balances"]
    grpc_balances = ledger.bank.AllBalances(bank_q.QueryAllBalancesRequest(address=address)).balances
    assert balances == [{"denom": c.denom, "amount": c.amount} for c in grpc_balances]
    by_denom = ok(f"{rest}/cosmos/bank/v1beta1/balances/{address}/by_denom?denom=usprint")["balance"]
    assert int(by_denom["amount"]) == ledger.query_bank_balance(address, "usprint")
    spendable = ok(f"{rest}/cosmos/bank/v1beta1/spendable_balances/{address}")["balances"]
    assert spendable == balances
    supply = ok(f"{rest}/cosmos/bank/v1beta1/supply")["supply"]
    assert [c["denom"] for c in supply] == ["usprint"]
    metadata = ok(f"{rest}/cosmos/bank/v1beta1/denoms_metadata")["metadatas"]
    assert metadata[0]["base"] == "usprint" and metadata[0]["display"] == "SPRINT"
    assert ok(f"{rest}/cosmos/bank/v1beta1/params")["params"]["default_send_enabled"] is True


def test_auth_routes(rest_devnet, ledger):
    info, _, rest = rest_devnet
    address = info["accounts"][0]["address"]
    account = ok(f"{rest}/cosmos/auth/v1beta1/accounts/{address}")["account"]
    grpc_account = ledger.query_account(address)
    assert account["@type"] == "/cosmos.auth.v1beta1.BaseAccount"
    assert (account["address"], int(account["account_number"]), int(account["sequence"])) == \
        (address, grpc_account.number, grpc_account.sequence)
    accounts = ok(f"{rest}/cosmos/auth/v1beta1/accounts")["accounts"]
    assert address in {a.get("address") for a in accounts}
    assert ok(f"{rest}/cosmos/auth/v1beta1/bech32") == {"bech32_prefix": "sprint"}
    assert "params" in ok(f"{rest}/cosmos/auth/v1beta1/params")


def test_tendermint_and_consensus_routes(rest_devnet):
    info, _, rest = rest_devnet
    node = ok(f"{rest}/cosmos/base/tendermint/v1beta1/node_info")
    assert node["default_node_info"]["network"] == info["chain_id"]
    assert node["application_version"]["app_name"] == "sprintd"
    assert ok(f"{rest}/cosmos/base/tendermint/v1beta1/syncing") == {"syncing": False}
    latest = ok(f"{rest}/cosmos/base/tendermint/v1beta1/blocks/latest")
    height = int(latest["block"]["header"]["height"])
    assert height >= 1 and latest["block"]["header"]["chain_id"] == info["chain_id"]
    assert latest["sdk_block"]["header"]["proposer_address"].startswith("sprintvalcons1")
    first = ok(f"{rest}/cosmos/base/tendermint/v1beta1/blocks/1")
    assert first["block"]["header"]["height"] == "1" and first["block_id"]["hash"]
    status, body, _ = http(f"{rest}/cosmos/base/tendermint/v1beta1/blocks/{height + 10_000}")
    assert status == 400 and body["code"] == 3 and body["message"]
    validators = ok(f"{rest}/cosmos/base/tendermint/v1beta1/validatorsets/latest")
    assert len(validators["validators"]) == 1
    assert validators["validators"][0]["address"].startswith("sprintvalcons1")
    assert validators["validators"][0]["pub_key"]["@type"] == "/cosmos.crypto.ed25519.PubKey"
    params = ok(f"{rest}/cosmos/consensus/v1/params")["params"]
    assert int(params["block"]["max_bytes"]) > 0


def test_staking_routes(rest_devnet):
    _, _, rest = rest_devnet
    validators = ok(f"{rest}/cosmos/staking/v1beta1/validators")["validators"]
    assert len(validators) == 1 and validators[0]["operator_address"].startswith("sprintvaloper1")
    one = ok(f"{rest}/cosmos/staking/v1beta1/validators/{validators[0]['operator_address']}")["validator"]
    assert one == validators[0]
    assert int(ok(f"{rest}/cosmos/staking/v1beta1/pool")["pool"]["bonded_tokens"]) > 0
    assert "params" in ok(f"{rest}/cosmos/staking/v1beta1/params")


def test_sprint_routes(rest_devnet):
    info, _, rest = rest_devnet
    status = ok(f"{rest}/sprint/node/v1/status")
    assert status["chain_id"] == info["chain_id"] and int(status["height"]) >= 1
    assert len(ok(f"{rest}/sprint/hosts/v1/hosts")["hosts"]) == 1
    assert "params" in ok(f"{rest}/sprint/sprint/v1/params")
    routes = {r["path"] for r in ok(f"{rest}/")["routes"]}
    assert {"/sprint/hosts/v1/hosts", "/cosmos/tx/v1beta1/txs", "/cosmos/bank/v1beta1/balances/{address}"} <= routes


def test_posted_tx_is_committed_and_found(rest_devnet, ledger):
    info, _, rest = rest_devnet
    sender = info["accounts"][1]
    key = SigningKey(secret_from_mnemonic(sender["mnemonic"]))
    recipient = info["accounts"][2]["address"]
    before = ledger.query_bank_balance(recipient, "usprint")
    account = ok(f"{rest}/cosmos/auth/v1beta1/accounts/{key.bech32}")["account"]
    raw = build_signed_tx(key, TxSpec(messages=[msg_send(key.bech32, recipient, 4321)], chain_id=info["chain_id"],
                                      account_number=int(account["account_number"]),
                                      sequence=int(account["sequence"]), memo="rest"))
    tx_b64 = base64.b64encode(raw).decode()
    simulated = ok(f"{rest}/cosmos/tx/v1beta1/simulate", method="POST", body={"tx_bytes": tx_b64})
    assert int(simulated["gas_info"]["gas_used"]) > 0
    sent = ok(f"{rest}/cosmos/tx/v1beta1/txs", method="POST", body={"tx_bytes": tx_b64, "mode": "BROADCAST_MODE_SYNC"})
    assert sent["tx_response"]["code"] == 0, sent
    assert sent["tx_response"]["txhash"] == tx_hash(raw)
    found = _wait_for_tx(rest, tx_hash(raw))
    assert found["tx_response"]["code"] == 0 and int(found["tx_response"]["height"]) >= 1
    assert found["tx"]["body"]["memo"] == "rest"
    assert ledger.query_bank_balance(recipient, "usprint") == before + 4321
    for query in (f"query=transfer.recipient='{recipient}'", f"events=message.sender='{key.bech32}'"):
        search = ok(f"{rest}/cosmos/tx/v1beta1/txs?{query}")
        assert tx_hash(raw) in [r["txhash"] for r in search["tx_responses"]], search
        assert int(search["total"]) >= 1


def _wait_for_tx(rest: str, hash_hex: str, timeout: float = 20) -> dict:
    def found() -> dict | None:
        status, body, _ = http(f"{rest}/cosmos/tx/v1beta1/txs/{hash_hex}")
        if status == 200:
            return body
        assert status == 404 and body["code"] == 5, body
        return None

    return wait_until(found, timeout, f"tx {hash_hex} to be found", interval=0.3)


def test_errors_and_heights(rest_devnet):
    info, _, rest = rest_devnet
    status, body, _ = http(f"{rest}/cosmos/bank/v1beta1/balances/sprint1bogus")
    assert status == 400 and body["code"] == 3 and "sprint1bogus" in body["message"] and body["details"] == []
    status, body, _ = http(f"{rest}/cosmos/tx/v1beta1/txs/{'00' * 32}")
    assert status == 404 and body["code"] == 5
    status, body, _ = http(f"{rest}/cosmos/tx/v1beta1/txs")
    assert status == 400 and body["code"] == 3
    status, body, _ = http(f"{rest}/cosmos/tx/v1beta1/txs", method="POST", body={"tx_bytes": "", "mode": 2})
    assert status == 400 and body["code"] == 3
    status, body, _ = http(f"{rest}/cosmos/nope")
    assert status == 501 and body["code"] == 12
    address = info["accounts"][0]["address"]
    _, _, headers = http(f"{rest}/cosmos/bank/v1beta1/balances/{address}", headers={"x-cosmos-block-height": "1"})
    assert headers["x-cosmos-block-height"] == "1"
    status, _, headers = http(f"{rest}/cosmos/auth/v1beta1/params", method="OPTIONS",
                              headers={"Origin": "https://wallet.keplr.app"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
