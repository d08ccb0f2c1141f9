"""gRPC module queries at recent heights, as the Cosmos SDK serves them: the `x-cosmos-block-height`
request metadata picks a committed height within the query history window (a bad one is
INVALID_ARGUMENT), and the answered height comes back in `x-cosmos-block-height` metadata."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.bank.v1beta1 import query_pb2 as bank_q, query_pb2_grpc as bank_grpc

from abci_app.grpc.server import build_grpc_server
from abci_app.ports import free_port
from chain.store.memory import MemoryDB
from tests.helpers.chain import INITIAL_BALANCE, genesis_state, make_keys, make_send, new_app, run_block


@pytest.fixture
def served():
    keys = make_keys(2)
    app = new_app(MemoryDB(), genesis_state(keys))
    run_block(app)  # height 1: genesis balances
    run_block(app, [make_send(keys[0], keys[1].bech32, 500, sequence=0)])  # height 2
    address = f"127.0.0.1:{free_port()}"
    server = build_grpc_server(app, None, address)
    server.start()
    try:
        with grpc.insecure_channel(address) as channel:
            yield app, keys, bank_grpc.QueryStub(channel)
    finally:
        server.stop(0).wait(5)


def _balance_at(stub, address: str, height: str | None):
    metadata = () if height is None else (("x-cosmos-block-height", height),)
    response, call = stub.Balance.with_call(bank_q.QueryBalanceRequest(address=address, denom="usprint"),
                                            metadata=metadata, timeout=10)
    headers = dict(call.initial_metadata()) | dict(call.trailing_metadata())
    return int(response.balance.amount), headers["x-cosmos-block-height"]


def test_block_height_metadata_selects_the_height_and_is_echoed(served):
    app, keys, stub = served
    assert _balance_at(stub, keys[1].bech32, None) == (INITIAL_BALANCE + 500, str(app.height))
    assert _balance_at(stub, keys[1].bech32, "1") == (INITIAL_BALANCE, "1")
    assert _balance_at(stub, keys[1].bech32, "0") == (INITIAL_BALANCE + 500, "2")


@pytest.mark.parametrize("height,words", [("99", "not committed yet"), ("abc", "non-negative integer"),
                                          ("-1", "non-negative integer")])
def test_bad_block_height_metadata_is_invalid_argument(served, height, words):
    _app, keys, stub = served
    with pytest.raises(grpc.RpcError) as err:
        _balance_at(stub, keys[1].bech32, height)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and words in err.value.details()
