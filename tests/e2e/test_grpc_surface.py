"""The gRPC surface of a running node: status codes, reflection, health, ABCI query parity."""

from __future__ import annotations

import base64

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.auth.v1beta1 import query_pb2 as auth_q, query_pb2_grpc as auth_grpc
from cosmos.bank.v1beta1 import query_pb2 as bank_q, query_pb2_grpc as bank_grpc
from cosmos.consensus.v1 import query_pb2 as cons_q, query_pb2_grpc as cons_grpc
from cosmos.tx.v1beta1 import service_pb2 as tx_s, service_pb2_grpc as tx_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from abci_app.rpc_client import CometRpc
from chain.tx.crypto import SigningKey


@pytest.fixture(scope="module")
def channel(devnet):
    _, processes = devnet
    with grpc.insecure_channel(processes.grpc_address) as ch:
        yield ch


def _code(call) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as info:
        call()
    return info.value.code(), info.value.details()


def test_invalid_and_unknown_requests_get_specific_statuses(devnet, channel):
    info, _ = devnet
    bank, auth, txs = bank_grpc.QueryStub(channel), auth_grpc.QueryStub(channel), tx_grpc.ServiceStub(channel)
    code, details = _code(lambda: bank.Balance(bank_q.QueryBalanceRequest(address="sprint1bad", denom="usprint")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "bech32" in details
    code, _ = _code(lambda: bank.Balance(bank_q.QueryBalanceRequest(address=info["accounts"][0]["address"], denom="")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    fresh = SigningKey(b"\x42" * 32).bech32  # valid address that never received anything
    code, details = _code(lambda: auth.Account(auth_q.QueryAccountRequest(address=fresh)))
    assert code == grpc.StatusCode.NOT_FOUND and "not found" in details
    code, details = _code(lambda: txs.GetTx(tx_s.GetTxRequest(hash="AB" * 32)))
    assert code == grpc.StatusCode.NOT_FOUND and "tx not found" in details
    code, _ = _code(lambda: txs.GetTx(tx_s.GetTxRequest(hash="xyz")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    code, details = _code(lambda: txs.Simulate(tx_s.SimulateRequest(tx_bytes=b"\xff\x00junk")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "code 2" in details


def test_consensus_params_health_and_reflection(channel):
    params = cons_grpc.QueryStub(channel).Params(cons_q.QueryParamsRequest()).params
    assert params.block.max_bytes > 0
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    answers = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]))
    names = {s.name for answer in answers for s in answer.list_services_response.service}
    assert {"cosmos.bank.v1beta1.Query", "cosmos.auth.v1beta1.Query", "cosmos.tx.v1beta1.Service",
            "cosmos.consensus.v1.Query", "sprint.auth.v1.Query", "sprint.node.v1.Query"} <= names


def test_abci_query_matches_grpc(devnet, channel):
    info, processes = devnet
    address = info["accounts"][0]["address"]
    request = bank_q.QueryBalanceRequest(address=address, denom="usprint")
    via_grpc = bank_grpc.QueryStub(channel).Balance(request)
    result = CometRpc(processes.rpc_url).call("abci_query", path="/cosmos.bank.v1beta1.Query/Balance",
                                              data=request.SerializeToString().hex())
    via_abci = bank_q.QueryBalanceResponse.FromString(base64.b64decode(result["response"]["value"]))
    assert via_abci.balance.denom == "usprint"
    assert via_abci.balance.amount == via_grpc.balance.amount
    bad = CometRpc(processes.rpc_url).call("abci_query", path="/cosmos.bank.v1beta1.Query/Balance",
                                           data=bank_q.QueryBalanceRequest(address="x").SerializeToString().hex())
    assert bad["response"]["code"] == 18  # the SDK's ErrInvalidRequest for an InvalidArgument query


def test_block_subscription_pushes_consecutive_commits(devnet):
    from abci_app.client import NodeClient

    _, processes = devnet
    with NodeClient(processes.grpc_address) as client:
        start = client.latest_height()
        stream = client.subscribe_blocks(from_height=start + 1)
        heights = [next(stream).height for _ in range(3)]
        stream.close()
    assert heights == [start + 1, start + 2, start + 3]


def test_block_subscription_refuses_negative_height(devnet, channel):
    from sprint.node.v1 import query_pb2 as node_q, query_pb2_grpc as node_grpc

    stream = node_grpc.EventsStub(channel).SubscribeBlocks(node_q.SubscribeBlocksRequest(from_height=-1))
    code, details = _code(lambda: next(stream))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "from_height" in details
