"""cosmos.base.tendermint.v1beta1.Service over real gRPC with the in-process App: CometBFT
unreachable is UNAVAILABLE with a one-line reason, ABCIQuery answers in-process like ABCI Query,
and validator-set pagination hands out offsets as next_key."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmos.base.tendermint.v1beta1 import query_pb2 as tm_q, query_pb2_grpc as tm_grpc

from abci_app.grpc import comet_json
from abci_app.grpc.server import build_grpc_server
from abci_app.ports import free_port
from abci_app.rpc_client import CometRpc
from chain.store.memory import MemoryDB
from tests.helpers.chain import genesis_state, make_keys, new_app, run_block

ED25519_KEY = "dGVzdC1lZDI1NTE5LWtleS0zMi1ieXRlcy1sb25nISE="  # 32 bytes, base64


class FixedValidators:
    """Stands in for CometRpc.validator_set only (a shape test for pagination; e2e uses CometBFT)."""

    def __init__(self, count: int):
        self.set = [{"address": f"{i:040X}", "pub_key": {"type": "tendermint/PubKeyEd25519", "value": ED25519_KEY},
                     "voting_power": str(10 + i), "proposer_priority": "0"} for i in range(count)]

    def validator_set(self, height):
        return height or 7, self.set


@pytest.fixture
def served():
    app = new_app(MemoryDB(), genesis_state(make_keys(1)))
    run_block(app)
    address = f"127.0.0.1:{free_port()}"
    dead_rpc = CometRpc(f"http://127.0.0.1:{free_port()}", timeout=2)  # nothing listens there
    server = build_grpc_server(app, dead_rpc, address)
    server.start()
    try:
        with grpc.insecure_channel(address) as channel:
            yield app, tm_grpc.ServiceStub(channel)
    finally:
        server.stop(0).wait(5)


@pytest.mark.parametrize("method,request_", [
    ("GetNodeInfo", tm_q.GetNodeInfoRequest()), ("GetSyncing", tm_q.GetSyncingRequest()),
    ("GetLatestBlock", tm_q.GetLatestBlockRequest()), ("GetBlockByHeight", tm_q.GetBlockByHeightRequest(height=1)),
    ("GetLatestValidatorSet", tm_q.GetLatestValidatorSetRequest()),
    ("GetValidatorSetByHeight", tm_q.GetValidatorSetByHeightRequest(height=1)),
])
def test_cometbft_unreachable_is_unavailable_with_one_line(served, method, request_):
    _app, stub = served
    with pytest.raises(grpc.RpcError) as err:
        getattr(stub, method)(request_, timeout=10)
    assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "cannot reach CometBFT RPC" in err.value.details() and "\n" not in err.value.details()


def test_bad_heights_are_invalid_argument(served):
    _app, stub = served
    with pytest.raises(grpc.RpcError) as err:
        stub.GetBlockByHeight(tm_q.GetBlockByHeightRequest(height=0), timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_abci_query_answers_in_process(served):
    app, stub = served
    answer = stub.ABCIQuery(tm_q.ABCIQueryRequest(path="/cosmos.auth.v1beta1.Query/Bech32Prefix"), timeout=10)
    assert answer.code == 0 and answer.height == app.height and b"sprint" in answer.value
    unknown = stub.ABCIQuery(tm_q.ABCIQueryRequest(path="/no.such.Query/Method"), timeout=10)
    assert unknown.code == 38 and unknown.codespace == "sdk"


def test_validator_set_pages():
    from abci_app.grpc.tendermint_service import TendermintService

    class Context:
        def abort(self, code, details):
            raise AssertionError(details)

    service = TendermintService(None, FixedValidators(5))
    first = service.GetLatestValidatorSet(tm_q.GetLatestValidatorSetRequest(pagination=PageRequest(limit=2)), Context())
    assert [v.voting_power for v in first.validators] == [10, 11] and first.pagination.total == 5
    second = service.GetLatestValidatorSet(tm_q.GetLatestValidatorSetRequest(
        pagination=PageRequest(key=first.pagination.next_key, limit=2)), Context())
    assert [v.voting_power for v in second.validators] == [12, 13]
    last = service.GetValidatorSetByHeight(tm_q.GetValidatorSetByHeightRequest(
        height=3, pagination=PageRequest(offset=4)), Context())
    assert last.block_height == 3 and len(last.validators) == 1 and last.pagination.next_key == b""
    assert last.validators[0].address == comet_json.valcons("00" * 16 + "00000004")
    assert last.validators[0].address.startswith("sprintvalcons1")
