"""Unit tests for the node client (gRPC), the CometBFT RPC client and `sprintd tx` / `sprintd q`.

A fake in-process gRPC node (bank/auth/tx services only, no chain) and a fake JSON-RPC HTTP server
stand in for the real processes; the end-to-end tests against real nodes live in tests/e2e.
"""

from __future__ import annotations

import http.server
import json
import threading
from concurrent import futures

import grpc
import pytest
from click.testing import CliRunner

import cosmpy.protos  # noqa: F401
from cosmos.auth.v1beta1 import auth_pb2
from cosmos.auth.v1beta1 import query_pb2 as auth_q
from cosmos.auth.v1beta1 import query_pb2_grpc as auth_g
from cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmos.bank.v1beta1 import query_pb2_grpc as bank_g
from cosmos.bank.v1beta1.tx_pb2 import MsgSend
from cosmos.base.abci.v1beta1 import abci_pb2
from cosmos.base.query.v1beta1 import pagination_pb2
from cosmos.base.v1beta1.coin_pb2 import Coin
from cosmos.crypto.secp256k1.keys_pb2 import PubKey
from cosmos.tx.v1beta1 import service_pb2 as tx_s
from cosmos.tx.v1beta1 import service_pb2_grpc as tx_g
from cosmos.tx.v1beta1.tx_pb2 import AuthInfo, TxBody, TxRaw
from tendermint.abci import types_pb2 as abci_types

from abci_app import client as node_client_mod
from abci_app.ports import free_port
from abci_app.cli.main import cli, main
from abci_app.cli.tx_cmd import parse_amount
from abci_app.cli.common import CliError
from abci_app.client import (
    NodeClient,
    NodeError,
    TxTimeoutError,
    adjust_gas,
    compute_fee,
    normalize_grpc_address,
    normalize_tx_hash,
    parse_dec_coin,
    parse_gas,
    sign_and_broadcast,
)
from abci_app.keyring import Keyring
from abci_app.node_config import NodeConfig
from abci_app.rpc_client import CometRpc, RpcError, RpcUnavailable
from chain.tx.builder import msg_send, pack_any, sign_doc_bytes, tx_hash
from chain.tx.crypto import SigningKey, encode_address, verify_signature

CHAIN_ID = "sprint-test-1"
SIMULATED_GAS = 80_000
ALICE_SECRET = bytes([7]) * 32
BOB = encode_address(bytes(range(20)))
GOOD_HASH = "AB" * 32



# ---------------------------------------------------------------------- a fake gRPC node


class FakeNode(bank_g.QueryServicer, auth_g.QueryServicer, tx_g.ServiceServicer):
    """Just enough of the node's gRPC surface to drive the client and the CLI."""

    def __init__(self):
        self.balances: dict[str, list[tuple[str, int]]] = {}
        self.accounts: dict[str, tuple[int, int, bytes | None]] = {}
        self.simulated: list[bytes] = []
        self.broadcasted: list[bytes] = []
        self.committed: dict[str, abci_pb2.TxResponse] = {}
        self.check_code = 0
        self.simulate_error: str | None = None
        self.commit_on_broadcast = True
        self.page_size = 2

    # bank
    def Balance(self, request, context):
        amount = dict(self.balances.get(request.address, [])).get(request.denom, 0)
        return bank_q.QueryBalanceResponse(balance=Coin(denom=request.denom, amount=str(amount)))

    def AllBalances(self, request, context):
        coins = self.balances.get(request.address, [])
        start = int(request.pagination.key or b"0")
        page = coins[start:start + self.page_size]
        next_key = str(start + self.page_size).encode() if start + self.page_size < len(coins) else b""
        return bank_q.QueryAllBalancesResponse(
            balances=[Coin(denom=d, amount=str(a)) for d, a in page],
            pagination=pagination_pb2.PageResponse(next_key=next_key),
        )

    # auth
    def Account(self, request, context):
        if request.address not in self.accounts:
            context.abort(grpc.StatusCode.NOT_FOUND, f"account {request.address} not found")
        number, sequence, pubkey = self.accounts[request.address]
        base = auth_pb2.BaseAccount(address=request.address, account_number=number, sequence=sequence)
        if pubkey is not None:
            base.pub_key.CopyFrom(pack_any(PubKey(key=pubkey), "/cosmos.crypto.secp256k1.PubKey"))
        return auth_q.QueryAccountResponse(account=pack_any(base, "/cosmos.auth.v1beta1.BaseAccount"))

    # tx
    def Simulate(self, request, context):
        self.simulated.append(request.tx_bytes or request.tx.SerializeToString())
        if self.simulate_error:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, self.simulate_error)
        return tx_s.SimulateResponse(gas_info=abci_pb2.GasInfo(gas_used=SIMULATED_GAS))

    def BroadcastTx(self, request, context):
        self.broadcasted.append(request.tx_bytes)
        txhash = tx_hash(request.tx_bytes)
        if self.check_code:
            return tx_s.BroadcastTxResponse(tx_response=abci_pb2.TxResponse(
                txhash=txhash, code=self.check_code, codespace="sdk", raw_log="insufficient funds"))
        if self.commit_on_broadcast:
            self.committed[txhash] = committed_response(txhash)
        return tx_s.BroadcastTxResponse(tx_response=abci_pb2.TxResponse(txhash=txhash, code=0))

    def GetTx(self, request, context):
        if request.hash not in self.committed:
            context.abort(grpc.StatusCode.NOT_FOUND, "tx not found")
        return tx_s.GetTxResponse(tx_response=self.committed[request.hash])


def committed_response(txhash: str, code: int = 0) -> abci_pb2.TxResponse:
    event = abci_types.Event(type="transfer", attributes=[
        abci_types.EventAttribute(key="recipient", value=BOB, index=True),
        abci_types.EventAttribute(key="amount", value="1000usprint", index=True),
    ])
    return abci_pb2.TxResponse(txhash=txhash, height=7, code=code, gas_wanted=104000, gas_used=81234,
                               raw_log="", events=[event], timestamp="2025-01-01T00:00:00Z")


@pytest.fixture
def fake_node():
    node = FakeNode()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    bank_g.add_QueryServicer_to_server(node, server)
    auth_g.add_QueryServicer_to_server(node, server)
    tx_g.add_ServiceServicer_to_server(node, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    node.address = f"127.0.0.1:{port}"
    try:
        yield node
    finally:
        server.stop(grace=None)


@pytest.fixture
def home(tmp_path, fake_node):
    """A home dir with app.toml pointing at the fake node and a test-backend key 'alice'."""
    NodeConfig(chain_id=CHAIN_ID, grpc_address=fake_node.address).save(tmp_path)
    record = Keyring(tmp_path, backend="test").add_secret("alice", ALICE_SECRET)
    fake_node.accounts[record.address] = (5, 3, None)
    fake_node.balances[record.address] = [("usprint", 10_000_000)]
    return tmp_path


def run_main(capsys, args: list[str]) -> tuple[int, str, str]:
    """Run `sprintd ARGS` through main(); returns (exit code, stdout, stderr)."""
    code = 0
    try:
        main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]


# ---------------------------------------------------------------------- pure helpers


def test_fee_math_is_exact_integer_ceiling():
    assert compute_fee(100_000, (25, 1000)) == 2500
    assert compute_fee(1, (25, 1000)) == 1  # ceil(0.025)
    assert compute_fee(40, (25, 1000)) == 1
    assert compute_fee(41, (25, 1000)) == 2
    assert compute_fee(0, (25, 1000)) == 0
    assert adjust_gas(80_000, 1.3) == 104_000  # exact 13/10, not 1.3000000000000000444
    assert adjust_gas(10, (3, 2)) == 15
    assert adjust_gas(1, "1.01") == 2
    assert parse_dec_coin("0.025usprint") == (25, 1000, "usprint")
    assert parse_dec_coin("1usprint") == (1, 1, "usprint")
    with pytest.raises(ValueError):
        parse_dec_coin("0.025")
    with pytest.raises(ValueError):
        adjust_gas(1, 0)


@pytest.mark.parametrize("text,expected", [("auto", None), ("AUTO", None), ("200000", 200000), (5, 5)])
def test_parse_gas(text, expected):
    assert parse_gas(text) == expected


@pytest.mark.parametrize("text", ["0", "-5", "1.5", "lots", "", 0, True])
def test_parse_gas_rejects(text):
    with pytest.raises(ValueError):
        parse_gas(text)


def test_normalizers():
    assert normalize_grpc_address("http://0.0.0.0:9090") == "127.0.0.1:9090"
    assert normalize_grpc_address("localhost:9091") == "localhost:9091"
    for bad in ("localhost", "host:port", "https://x:1", ""):
        with pytest.raises(ValueError):
            normalize_grpc_address(bad)
    assert normalize_tx_hash("0x" + "ab" * 32) == "AB" * 32
    with pytest.raises(ValueError):
        normalize_tx_hash("abc")


@pytest.mark.parametrize("text,fragment", [
    ("1000", "has no denom; write 1000usprint"),
    ("1.5sprint", "write 1500000usprint"),
    ("10atom", "only usprint"),
    ("1.5usprint", "whole number of usprint"),
    ("0usprint", "must be positive"),
    ("-5usprint", "whole number of usprint"),
    ("", "whole number of usprint"),
])
def test_parse_amount_errors(text, fragment):
    with pytest.raises(CliError, match=fragment):
        parse_amount(text)


def test_parse_amount_ok():
    assert parse_amount("1000usprint") == 1000
    assert parse_amount(" 7usprint ") == 7
    assert parse_amount("0usprint", allow_zero=True) == 0


# ---------------------------------------------------------------------- CLI validation (no node needed)


@pytest.mark.parametrize("recipient,fragment", [
    ("sprint1notanaddress", "bad recipient address"),
    ("cosmos1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a", "bad recipient address"),
    (encode_address(bytes(20), "fetch"), "expected 'sprint'"),
])
def test_send_rejects_bad_recipient(capsys, tmp_path, recipient, fragment):
    code, out, err = run_main(capsys, ["tx", "bank", "send", "alice", recipient, "10usprint",
                                       "--home", str(tmp_path), "--chain-id", CHAIN_ID, "--yes"])
    assert_one_line_error(code, err, fragment)
    assert out == ""


@pytest.mark.parametrize("amount,fragment", [
    ("1000", "write 1000usprint"), ("2sprint", "write 2000000usprint"), ("5uatom", "only usprint"),
])
def test_send_rejects_bad_amount(capsys, tmp_path, amount, fragment):
    code, _, err = run_main(capsys, ["tx", "bank", "send", "alice", BOB, amount,
                                     "--home", str(tmp_path), "--chain-id", CHAIN_ID, "--yes"])
    assert_one_line_error(code, err, fragment)


@pytest.mark.parametrize("extra,fragment", [
    (["--gas", "lots"], "invalid --gas"),
    (["--gas-prices", "0.025uatom"], "fees are paid in usprint"),
    (["--gas-prices", "cheap"], "invalid --gas-prices"),
    (["--fees", "5000usprint", "--gas-prices", "0.025usprint"], "not both"),
    (["--fees", "5000"], "write 5000usprint"),
    (["--gas-adjustment", "0"], "must be positive"),
    (["--node", "nohostport"], "bad --node"),
])
def test_send_rejects_bad_options(capsys, home, extra, fragment):
    code, _, err = run_main(capsys, ["tx", "bank", "send", "alice", BOB, "10usprint",
                                     "--home", str(home), "--keyring-backend", "test", "--yes", *extra])
    assert_one_line_error(code, err, fragment)


def test_send_needs_chain_id_without_config(capsys, tmp_path):
    code, _, err = run_main(capsys, ["tx", "bank", "send", "alice", BOB, "10usprint",
                                     "--home", str(tmp_path), "--yes"])
    assert_one_line_error(code, err, "--chain-id is required")


def test_send_unknown_key(capsys, home):
    code, _, err = run_main(capsys, ["tx", "bank", "send", "carol", BOB, "10usprint",
                                     "--home", str(home), "--keyring-backend", "test", "--yes"])
    assert_one_line_error(code, err, "'carol' not found")


def test_unreachable_node_is_one_line(capsys, home):
    node = f"127.0.0.1:{free_port()}"
    expected = f"cannot reach node gRPC at {node}; is `sprintd start` running?"
    code, out, err = run_main(capsys, ["q", "bank", "balance", BOB, "--node", node, "--home", str(home)])
    assert_one_line_error(code, err, expected)
    code, out, err = run_main(capsys, ["tx", "bank", "send", "alice", BOB, "10usprint", "--node", node,
                                       "--home", str(home), "--keyring-backend", "test", "--yes"])
    assert_one_line_error(code, err, expected)
    code, out, err = run_main(capsys, ["q", "tx", GOOD_HASH, "--node", node, "--home", str(home)])
    assert_one_line_error(code, err, expected)


def test_query_rejects_bad_inputs(capsys, tmp_path):
    code, _, err = run_main(capsys, ["q", "bank", "balances", "sprint1xyz", "--home", str(tmp_path)])
    assert_one_line_error(code, err, "bad address")
    code, _, err = run_main(capsys, ["q", "auth", "account", "nope", "--home", str(tmp_path)])
    assert_one_line_error(code, err, "bad address")
    code, _, err = run_main(capsys, ["q", "tx", "XYZ", "--home", str(tmp_path)])
    assert_one_line_error(code, err, "invalid tx hash 'XYZ'")


def test_cli_error_surfaces_as_exception_without_main(tmp_path):
    result = CliRunner().invoke(cli, ["q", "tx", "XYZ", "--home", str(tmp_path)], standalone_mode=False)
    assert isinstance(result.exception, CliError)


# ---------------------------------------------------------------------- NodeClient against the fake node


def test_node_client_queries(fake_node):
    alice = SigningKey(ALICE_SECRET)
    fake_node.balances[alice.bech32] = [("a", 1), ("b", 2), ("usprint", 3)]
    fake_node.accounts[alice.bech32] = (4, 9, alice.pubkey)
    with NodeClient(fake_node.address, timeout=5) as client:
        assert client.balance(alice.bech32) == 3
        assert client.balance(alice.bech32, "nothing") == 0
        assert client.all_balances(alice.bech32) == [("a", 1), ("b", 2), ("usprint", 3)]  # 2 pages
        assert client.account(alice.bech32) == (4, 9, alice.pubkey)
        assert client.account(BOB) is None
        assert client.get_tx(GOOD_HASH) is None
        with pytest.raises(NodeError) as info:
            client.consensus_params()  # not served by the fake
        assert "does not serve cosmos.consensus.v1.Query/Params" in str(info.value)


def test_wait_for_tx_is_bounded(fake_node):
    with NodeClient(fake_node.address, timeout=5) as client:
        with pytest.raises(TxTimeoutError, match="not committed within 0.3s"):
            client.wait_for_tx(GOOD_HASH, timeout=0.3, poll_interval=0.1)
        fake_node.committed[GOOD_HASH] = committed_response(GOOD_HASH)
        assert client.wait_for_tx(GOOD_HASH.lower(), timeout=1).tx_response.height == 7


def test_sign_and_broadcast_simulates_then_signs_real_fee(fake_node):
    key = SigningKey(ALICE_SECRET)
    fake_node.accounts[key.bech32] = (5, 3, None)
    messages = [msg_send(key.bech32, BOB, 1000)]
    with NodeClient(fake_node.address, timeout=5) as client:
        response = sign_and_broadcast(client, key, messages, CHAIN_ID, memo="hi")
    assert response.code == 0

    probe = TxRaw.FromString(fake_node.simulated[0])
    probe_auth = AuthInfo.FromString(probe.auth_info_bytes)
    assert probe_auth.fee.gas_limit == 0 and list(probe_auth.fee.amount) == []

    raw = TxRaw.FromString(fake_node.broadcasted[0])
    assert response.txhash == tx_hash(fake_node.broadcasted[0])
    auth = AuthInfo.FromString(raw.auth_info_bytes)
    assert auth.fee.gas_limit == 104_000  # ceil(80000 * 1.3)
    assert [(c.denom, c.amount) for c in auth.fee.amount] == [("usprint", "2600")]  # ceil(104000 * 0.025)
    assert auth.signer_infos[0].sequence == 3
    assert TxBody.FromString(raw.body_bytes).memo == "hi"
    doc = sign_doc_bytes(raw.body_bytes, raw.auth_info_bytes, CHAIN_ID, 5)
    assert verify_signature(key.pubkey, raw.signatures[0], doc)


def test_sign_and_broadcast_fixed_gas_and_fees(fake_node):
    key = SigningKey(ALICE_SECRET)
    fake_node.accounts[key.bech32] = (1, 0, None)
    with NodeClient(fake_node.address, timeout=5) as client:
        sign_and_broadcast(client, key, [msg_send(key.bech32, BOB, 1)], CHAIN_ID, gas=150_000, fees=999)
        sign_and_broadcast(client, key, [msg_send(key.bech32, BOB, 1)], CHAIN_ID, gas="100000",
                           gas_price=(1, 10))
    assert fake_node.simulated == []
    fees = [AuthInfo.FromString(TxRaw.FromString(b).auth_info_bytes).fee for b in fake_node.broadcasted]
    assert (fees[0].gas_limit, fees[0].amount[0].amount) == (150_000, "999")
    assert (fees[1].gas_limit, fees[1].amount[0].amount) == (100_000, "10000")


def test_sign_and_broadcast_errors(fake_node):
    key = SigningKey(ALICE_SECRET)
    with NodeClient(fake_node.address, timeout=5) as client:
        with pytest.raises(NodeError, match="not found on the chain"):
            sign_and_broadcast(client, key, [msg_send(key.bech32, BOB, 1)], CHAIN_ID)
        fake_node.accounts[key.bech32] = (1, 0, None)
        fake_node.simulate_error = "insufficient funds: 1usprint < 5usprint"
        with pytest.raises(NodeError, match="^simulation failed: insufficient funds"):
            sign_and_broadcast(client, key, [msg_send(key.bech32, BOB, 1)], CHAIN_ID)
    assert fake_node.broadcasted == []


# ---------------------------------------------------------------------- CLI against the fake node


def test_cli_send_json(capsys, home, fake_node):
    code, out, err = run_main(capsys, ["tx", "bank", "send", "alice", BOB, "1000usprint", "--home", str(home),
                                       "--keyring-backend", "test", "--yes", "-o", "json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["code"] == 0
    assert data["txhash"] == tx_hash(fake_node.broadcasted[0])
    body = TxBody.FromString(TxRaw.FromString(fake_node.broadcasted[0]).body_bytes)
    send = MsgSend.FromString(body.messages[0].value)
    assert (send.to_address, send.amount[0].amount) == (BOB, "1000")


def test_cli_send_wait_prints_events(capsys, home, fake_node):
    code, out, err = run_main(capsys, ["tx", "bank", "send", "alice", BOB, "1000usprint", "--home", str(home),
                                       "--keyring-backend", "test", "--yes", "--wait", "--wait-timeout", "5"])
    assert code == 0, err
    assert "height: 7" in out and "code: 0" in out
    assert "transfer" in out and f"recipient: {BOB}" in out


def test_cli_send_rejected_by_check_tx(capsys, home, fake_node):
    fake_node.check_code = 5
    code, out, err = run_main(capsys, ["tx", "bank", "send", "alice", BOB, "1000usprint", "--home", str(home),
                                       "--keyring-backend", "test", "--yes"])
    assert_one_line_error(code, err, "code 5", "insufficient funds")
    assert "txhash:" in out


def test_cli_send_asks_for_confirmation(home, fake_node):
    runner = CliRunner()
    args = ["tx", "bank", "send", "alice", BOB, "1000usprint", "--home", str(home), "--keyring-backend", "test"]
    result = runner.invoke(cli, args, input="n\n", standalone_mode=False)
    assert isinstance(result.exception, CliError) and "cancelled" in str(result.exception)
    assert "fee:        2600usprint" in result.stderr
    assert fake_node.broadcasted == []
    result = runner.invoke(cli, args, input="y\n", standalone_mode=False)
    assert result.exception is None, result.exception
    assert len(fake_node.broadcasted) == 1


def test_cli_queries(capsys, home, fake_node):
    alice = SigningKey(ALICE_SECRET).bech32
    code, out, _ = run_main(capsys, ["q", "bank", "balance", alice, "--home", str(home), "-o", "json"])
    assert code == 0 and json.loads(out) == {"balance": {"denom": "usprint", "amount": "10000000"}}
    code, out, _ = run_main(capsys, ["q", "bank", "balances", alice, "--home", str(home)])
    assert code == 0 and out.strip() == "10000000usprint"
    code, out, _ = run_main(capsys, ["q", "auth", "account", alice, "--home", str(home), "-o", "json"])
    assert code == 0
    account = json.loads(out)["account"]
    assert (account["account_number"], account["sequence"], account["pub_key"]) == ("5", "3", None)
    code, _, err = run_main(capsys, ["q", "auth", "account", BOB, "--home", str(home)])
    assert_one_line_error(code, err, f"account {BOB} not found")


def test_cli_query_tx(capsys, home, fake_node):
    code, _, err = run_main(capsys, ["q", "tx", GOOD_HASH, "--home", str(home)])
    assert_one_line_error(code, err, f"tx {GOOD_HASH} not found (not yet committed, or wrong --node")
    fake_node.committed[GOOD_HASH] = committed_response(GOOD_HASH, code=0)
    code, out, _ = run_main(capsys, ["q", "tx", GOOD_HASH.lower(), "--home", str(home), "-o", "json"])
    data = json.loads(out)
    assert code == 0 and data["height"] == "7" and data["gas_used"] == "81234"
    assert data["events"][0]["type"] == "transfer"
    assert {"key": "recipient", "value": BOB, "index": True} in data["events"][0]["attributes"]


# ---------------------------------------------------------------------- CometBFT JSON-RPC client


class _RpcHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    close_after_reply = False

    def do_POST(self):  # noqa: N802
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(request)
        method, params = request["method"], request["params"]
        if method == "broadcast_tx_sync":
            reply = {"result": {"code": 0, "data": "", "log": "", "codespace": "", "hash": "AA"}}
        elif method == "validators":
            page = int(params["page"])
            reply = {"result": {"block_height": "9", "validators": [{"address": f"V{page}"}], "total": "2"}}
        elif method == "block":
            reply = {"error": {"code": -32603, "message": "Internal error",
                               "data": "height 99 must be less than or equal to the current blockchain height 9"}}
        else:
            reply = {"result": {"method": method}}
        body = json.dumps({"jsonrpc": "2.0", "id": request["id"], **reply}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if self.server.drop_connections:
            # Close without announcing it, like a server whose keep-alive idle timeout expired.
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def rpc_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RpcHandler)
    server.daemon_threads = True
    server.requests = []
    server.drop_connections = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_rpc_client_methods(rpc_server):
    rpc = CometRpc(f"tcp://127.0.0.1:{rpc_server.server_address[1]}", timeout=5)
    try:
        result = rpc.broadcast_tx_sync(b"\x01\x02")
        assert result == {"code": 0, "data": "", "log": "", "codespace": "", "hash": "AA"}
        assert rpc_server.requests[-1]["params"] == {"tx": "AQI="}
        assert [v["address"] for v in rpc.validators()] == ["V1", "V2"]
        assert rpc_server.requests[-1]["params"]["height"] == "9"  # pinned after the first page
        assert rpc.status() == {"method": "status"}
        with pytest.raises(RpcError, match="height 99 must be less than"):
            rpc.block(99)
        assert rpc_server.requests[-1]["params"] == {"height": "99"}
        # A keep-alive connection the server dropped is replaced transparently.
        rpc_server.drop_connections = True
        for _ in range(3):
            assert rpc.abci_info() == {"method": "abci_info"}
    finally:
        rpc.close()


def test_rpc_client_thread_safe(rpc_server):
    rpc = CometRpc(f"http://127.0.0.1:{rpc_server.server_address[1]}", timeout=5)
    errors = []

    def work():
        try:
            for _ in range(10):
                assert rpc.net_info() == {"method": "net_info"}
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    rpc.close()
    assert errors == []
    ids = [r["id"] for r in rpc_server.requests]
    assert len(ids) == len(set(ids)) == 30


def test_rpc_client_unreachable():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RpcUnavailable, match=f"cannot reach CometBFT RPC at {url}"):
        CometRpc(url, timeout=2).status()


def test_module_exports():
    assert node_client_mod.DEFAULT_GAS_PRICE == (25, 1000)
