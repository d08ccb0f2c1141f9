"""The tx service behind ABCI Query, as CosmJS uses it: `abci_query` with path
`/cosmos.tx.v1beta1.Service/Simulate` (sendTokens(..., "auto")) or `/GetTx` answers like the gRPC
method; failures read like the SDK's (code 18 InvalidArgument, 38 NotFound)."""

from __future__ import annotations

import hashlib

import cosmpy.protos  # noqa: F401
from cosmos.tx.v1beta1 import service_pb2 as tx_s
from tendermint.abci import types_pb2 as abci

from abci_app.grpc.server import build_grpc_server
from abci_app.ports import free_port
from chain.store.memory import MemoryDB
from tests.helpers.chain import genesis_state, make_keys, make_send, new_app, run_block

SIMULATE = "/cosmos.tx.v1beta1.Service/Simulate"
GET_TX = "/cosmos.tx.v1beta1.Service/GetTx"


def _node():
    keys = make_keys(2)
    app = new_app(MemoryDB(), genesis_state(keys))
    run_block(app)
    server = build_grpc_server(app, None, f"127.0.0.1:{free_port()}")
    return app, keys, server


def _query(app, path: str, request) -> abci.ResponseQuery:
    return app.query(abci.RequestQuery(path=path, data=request.SerializeToString()))


def test_simulate_and_get_tx_answer_through_abci_query():
    app, keys, server = _node()
    try:
        tx = make_send(keys[0], keys[1].bech32, 10, sequence=0)
        answer = _query(app, SIMULATE, tx_s.SimulateRequest(tx_bytes=tx))
        assert answer.code == 0, answer.log
        simulated = tx_s.SimulateResponse.FromString(answer.value)
        assert simulated.gas_info.gas_used > 0
        assert any(e.type == "transfer" for e in simulated.result.events)
        block = run_block(app, [tx])
        assert block.results[0].code == 0
        tx_hash = tx_s.GetTxRequest(hash=hashlib.sha256(tx).hexdigest().upper())
        found = _query(app, GET_TX, tx_hash)
        assert found.code == 0, found.log
        assert tx_s.GetTxResponse.FromString(found.value).tx_response.height == app.height
    finally:
        server.stop(0).wait(5)


def test_tx_service_errors_read_like_the_sdk_over_abci():
    app, _keys, server = _node()
    try:
        bad = _query(app, SIMULATE, tx_s.SimulateRequest(tx_bytes=b"\xff\x00junk"))
        assert bad.code == 18 and bad.codespace == "sdk"
        assert bad.log.startswith("rpc error: code = InvalidArgument desc = ")
        empty = _query(app, SIMULATE, tx_s.SimulateRequest())
        assert empty.code == 18 and "empty tx" in empty.log
        missing = _query(app, GET_TX, tx_s.GetTxRequest(hash="AB" * 32))
        assert missing.code == 38 and "tx not found" in missing.log
        undecodable = app.query(abci.RequestQuery(path=SIMULATE, data=b"\xff\xff\xff"))
        assert undecodable.code == 18 and "cannot decode" in undecodable.log
    finally:
        server.stop(0).wait(5)
