"""The tx service's SDK-shaped results over real gRPC with the in-process App: Simulate fills
Result.data / msg_responses, GetTx's TxResponse.data is the hex of ExecTxResult.data (TxMsgData);
GetTxsEvent's query building and argument checks (the CometBFT side is in tests/e2e)."""

from __future__ import annotations

import hashlib

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.base.abci.v1beta1.abci_pb2 import TxMsgData
from cosmos.tx.v1beta1 import service_pb2 as tx_s, service_pb2_grpc as tx_grpc

from abci_app.grpc.server import build_grpc_server
from abci_app.grpc.tx_search import event_query
from abci_app.ports import free_port
from chain.store.memory import MemoryDB
from tests.helpers.chain import genesis_state, make_keys, make_send, new_app, run_block

SEND_RESPONSE = "/cosmos.bank.v1beta1.MsgSendResponse"


@pytest.fixture
def served():
    keys = make_keys(2)
    app = new_app(MemoryDB(), genesis_state(keys))
    run_block(app)
    address = f"127.0.0.1:{free_port()}"
    server = build_grpc_server(app, None, address)
    server.start()
    try:
        with grpc.insecure_channel(address) as channel:
            yield app, keys, tx_grpc.ServiceStub(channel)
    finally:
        server.stop(0).wait(5)


def test_simulate_and_get_tx_carry_msg_responses(served):
    app, keys, stub = served
    tx = make_send(keys[0], keys[1].bech32, 10, sequence=0)
    simulated = stub.Simulate(tx_s.SimulateRequest(tx_bytes=tx), timeout=10)
    assert [r.type_url for r in simulated.result.msg_responses] == [SEND_RESPONSE]
    assert TxMsgData.FromString(simulated.result.data).msg_responses[0].type_url == SEND_RESPONSE
    block = run_block(app, [tx])
    found = stub.GetTx(tx_s.GetTxRequest(hash=hashlib.sha256(tx).hexdigest()), timeout=10).tx_response
    assert found.data == block.results[0].data.hex().upper() != ""
    assert TxMsgData.FromString(bytes.fromhex(found.data)).msg_responses[0].type_url == SEND_RESPONSE


def test_get_txs_event_checks_its_arguments(served):
    _app, _keys, stub = served
    with pytest.raises(grpc.RpcError) as err:
        stub.GetTxsEvent(tx_s.GetTxsEventRequest(), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "query cannot be empty" in err.value.details()
    with pytest.raises(grpc.RpcError) as err:
        stub.GetTxsEvent(tx_s.GetTxsEventRequest(query="tx.height>0"), timeout=10)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE  # no CometBFT behind this server
    with pytest.raises(grpc.RpcError) as err:
        stub.GetBlockWithTxs(tx_s.GetBlockWithTxsRequest(height=0), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_event_query_joins_sdk_events_for_cometbft():
    request = tx_s.GetTxsEventRequest(events=["message.sender=sprint1abc", "tx.height=5", "transfer.amount='7u'"])
    assert event_query(request) == "message.sender='sprint1abc' AND tx.height=5 AND transfer.amount='7u'"
    assert event_query(tx_s.GetTxsEventRequest(query="tx.height>3", events=["a.b=c"])) == "tx.height>3"
