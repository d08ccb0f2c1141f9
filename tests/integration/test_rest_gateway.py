"""The REST gateway in-process: routes derived from the QueryRouter, SDK JSON, SDK-style errors,
heights, CORS and the server's bounds. (Routes backed by CometBFT are covered by
tests/e2e/test_rest_gateway.py.)"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from abci_app.grpc.consensus_service import ConsensusQuery
from abci_app.grpc.tx_service import TxService
from abci_app.rest.server import MAX_BODY_BYTES, RestServer, build_rest_server
from abci_app.rest.gateway import Gateway, build_routes
from chain.store.memory import MemoryDB
from tests.helpers.chain import genesis_state, make_keys, make_send, new_app, run_block

KEYS = make_keys(3)


@pytest.fixture()
def app():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app, [], height=1)
    run_block(app, [make_send(KEYS[0], KEYS[1].bech32, 1_000, sequence=0)], height=2)
    return app


@pytest.fixture()
def rest(app):
    servicers = {"cosmos.tx.v1beta1.Service": [TxService(app, None)],
                 "cosmos.consensus.v1.Query": [ConsensusQuery(app)]}
    server = build_rest_server(app, "127.0.0.1:0", servicers, worker_threads=2)
    server.start()
    yield f"http://{server.address}"
    server.stop()


def get(url: str, headers: dict | None = None, method: str = "GET", body: bytes | None = None):
    request = urllib.request.Request(url, headers=headers or {}, method=method, data=body)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, dict(response.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def test_bank_routes_answer_sdk_json(rest):
    status, headers, body = get(f"{rest}/cosmos/bank/v1beta1/balances/{KEYS[1].bech32}")
    assert status == 200
    assert body["balances"] == [{"denom": "usprint", "amount": "1000001000"}]
    assert headers["x-cosmos-block-height"] == "2"
    status, _, body = get(f"{rest}/cosmos/bank/v1beta1/balances/{KEYS[1].bech32}/by_denom?denom=usprint")
    assert (status, body["balance"]) == (200, {"denom": "usprint", "amount": "1000001000"})
    status, _, body = get(f"{rest}/cosmos/bank/v1beta1/spendable_balances/{KEYS[2].bech32}")
    assert body["balances"] == [{"denom": "usprint", "amount": "1000000000"}]
    _, _, supply = get(f"{rest}/cosmos/bank/v1beta1/supply")
    assert supply["supply"][0]["denom"] == "usprint" and int(supply["supply"][0]["amount"]) >= 3 * 10**9
    assert get(f"{rest}/cosmos/bank/v1beta1/params")[2]["params"]["default_send_enabled"] is True
    assert "metadatas" in get(f"{rest}/cosmos/bank/v1beta1/denoms_metadata")[2]


def test_auth_routes(rest):
    status, _, body = get(f"{rest}/cosmos/auth/v1beta1/accounts/{KEYS[0].bech32}")
    assert status == 200
    account = body["account"]
    assert account["@type"] == "/cosmos.auth.v1beta1.BaseAccount"
    assert (account["address"], account["account_number"], account["sequence"]) == (KEYS[0].bech32, "0", "1")
    assert account["pub_key"]["@type"] == "/cosmos.crypto.secp256k1.PubKey"
    _, _, accounts = get(f"{rest}/cosmos/auth/v1beta1/accounts?pagination.limit=2")
    assert len(accounts["accounts"]) == 2 and accounts["pagination"]["next_key"]
    assert get(f"{rest}/cosmos/auth/v1beta1/bech32")[2] == {"bech32_prefix": "sprint"}
    assert "params" in get(f"{rest}/cosmos/auth/v1beta1/params")[2]


def test_errors_have_the_gateway_shape(rest):
    status, _, body = get(f"{rest}/cosmos/bank/v1beta1/balances/sprint1notanaddress")
    assert status == 400 and body["code"] == 3 and "sprint1notanaddress" in body["message"]
    assert body["details"] == []
    fresh = make_keys(9)[8].bech32
    status, _, body = get(f"{rest}/cosmos/auth/v1beta1/accounts/{fresh}")
    assert status == 404 and body["code"] == 5 and body["message"]
    status, _, body = get(f"{rest}/cosmos/nothing/here")
    assert status == 501 and body["code"] == 12
    status, _, body = get(f"{rest}/cosmos/tx/v1beta1/txs/{'AB' * 32}")
    assert status == 404 and body["code"] == 5 and "tx not found" in body["message"]
    status, _, body = get(f"{rest}/cosmos/tx/v1beta1/simulate", method="GET")
    assert status == 405 and body["code"] == 12


def test_height_header_reads_older_state(rest):
    url = f"{rest}/cosmos/bank/v1beta1/balances/{KEYS[1].bech32}/by_denom?denom=usprint"
    status, headers, body = get(url, {"x-cosmos-block-height": "1"})
    assert status == 200 and body["balance"]["amount"] == "1000000000"
    assert headers["x-cosmos-block-height"] == "1"
    status, _, body = get(url, {"x-cosmos-block-height": "99"})
    assert status == 400 and "not committed yet" in body["message"]
    status, _, body = get(url, {"x-cosmos-block-height": "latest"})
    assert status == 400 and "x-cosmos-block-height" in body["message"]


def test_sprint_queries_have_derived_routes(rest, app):
    _, _, index = get(f"{rest}/")
    templates = {r["path"] for r in index["routes"]}
    for path in app.queries.paths():
        service, method = path.lstrip("/").rsplit("/", 1)
        if service.startswith("sprint."):
            assert any(t.endswith("/" + "_".join(_words(method))) for t in templates if t.startswith("/sprint/"))
    status, _, body = get(f"{rest}/sprint/node/v1/status")
    assert status == 200 and body["height"] == "2" and body["chain_id"] == app.chain_id
    status, _, body = get(f"{rest}/sprint/hosts/v1/hosts?pagination.limit=5")
    assert status == 200 and body["hosts"] == []


def _words(camel: str) -> list[str]:
    out = []
    for ch in camel:
        if ch.isupper():
            out.append(ch.lower())
        else:
            out[-1] += ch
    return out


def test_simulate_and_get_tx_through_the_tx_service(rest, app):
    tx = make_send(KEYS[2], KEYS[0].bech32, 5, sequence=0)
    import base64

    body = json.dumps({"tx_bytes": base64.b64encode(tx).decode()}).encode()
    status, _, answer = get(f"{rest}/cosmos/tx/v1beta1/simulate", {"Content-Type": "application/json"}, "POST", body)
    assert status == 200 and int(answer["gas_info"]["gas_used"]) > 0
    run_block(app, [tx], height=3)
    import hashlib

    tx_hash = hashlib.sha256(tx).hexdigest().upper()
    status, _, found = get(f"{rest}/cosmos/tx/v1beta1/txs/{tx_hash}")
    assert status == 200 and found["tx_response"]["txhash"] == tx_hash and found["tx_response"]["height"] == "3"
    assert found["tx"]["body"]["messages"][0]["@type"] == "/cosmos.bank.v1beta1.MsgSend"


def test_cors_preflight_and_headers(rest):
    status, headers, _ = get(f"{rest}/cosmos/tx/v1beta1/txs", {"Origin": "https://wallet.keplr.app"}, "OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "x-cosmos-block-height" in headers["Access-Control-Allow-Headers"]
    _, headers, _ = get(f"{rest}/cosmos/auth/v1beta1/params")
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_body_over_the_limit_is_refused(rest):
    with socket.create_connection((rest.split("//")[1].split(":")[0], int(rest.rsplit(":", 1)[1])), 5) as sock:
        sock.sendall(b"POST /cosmos/tx/v1beta1/txs HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1))
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.0 413")


def test_busy_server_answers_503_instead_of_queueing(app):
    server = RestServer(("127.0.0.1", 0), Gateway(build_routes(app, {})), worker_threads=1, max_pending=0)
    server.start()
    host, port = server.server_address[:2]
    try:
        with socket.create_connection((host, port), 5) as slow:
            slow.sendall(b"GET /cosmos/auth/v1beta1/params HTTP/1.0\r\n")  # headers never finished
            time.sleep(0.3)
            with socket.create_connection((host, port), 5) as second:
                second.sendall(b"GET /cosmos/auth/v1beta1/params HTTP/1.0\r\n\r\n")
                assert second.recv(4096).startswith(b"HTTP/1.0 503")
    finally:
        server.stop()


def test_app_toml_rest_settings(tmp_path):
    from abci_app.node_config import NodeConfig, NodeConfigError

    config = NodeConfig()
    assert (config.rest_address, config.rest_worker_threads) == ("127.0.0.1:1317", 8)
    config.rest_worker_threads = 0
    config.save(tmp_path)
    with pytest.raises(NodeConfigError, match="rest_worker_threads"):
        NodeConfig.load(tmp_path)


def test_gateway_disabled_or_busy_address_does_not_stop_the_node(app, caplog):
    from abci_app.rest.launch import start_gateway

    assert start_gateway(app, None, "", 2, None) is None
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        address = "127.0.0.1:%d" % busy.getsockname()[1]
        assert start_gateway(app, None, address, 2, None) is None
    assert "rest gateway disabled" in caplog.text and address in caplog.text


def test_query_string_mapping():
    import cosmpy.protos  # noqa: F401
    from cosmos.tx.v1beta1 import service_pb2

    from abci_app.rest.codec import apply_params
    from abci_app.rest.errors import RestError

    request = service_pb2.GetTxsEventRequest()
    apply_params(request, {"events": ["a.b='1'", "c.d='2'"], "order_by": ["ORDER_BY_DESC"], "page": ["3"],
                           "pagination.key": ["AQI"], "pagination.reverse": ["true"], "unknown.field": ["x"]})
    assert list(request.events) == ["a.b='1'", "c.d='2'"]
    assert (request.order_by, request.page) == (service_pb2.ORDER_BY_DESC, 3)
    assert (request.pagination.key, request.pagination.reverse) == (b"\x01\x02", True)
    apply_params(request, {"orderBy": ["1"]})  # camelCase names and enum numbers work too
    assert request.order_by == service_pb2.ORDER_BY_ASC
    with pytest.raises(RestError) as err:
        apply_params(request, {"limit": ["ten"]})
    assert err.value.http_status == 400 and "limit" in err.value.message


def test_templates_match_like_grpc_gateway():
    from abci_app.rest.routes import compile_template, snake_case

    pattern, fields = compile_template("/cosmos/bank/v1beta1/denoms_metadata/{denom=**}")
    assert fields == ("denom",) and pattern.fullmatch("/cosmos/bank/v1beta1/denoms_metadata/ibc/AB12").group(1) == \
        "ibc/AB12"
    pattern, _ = compile_template("/cosmos/bank/v1beta1/balances/{address}")
    assert pattern.fullmatch("/cosmos/bank/v1beta1/balances/sprint1x/by_denom") is None
    assert snake_case("ProofSummary") == "proof_summary" and snake_case("Status") == "status"
