"""ABCI queries at recent heights (a window of `query_history` commits) and SDK-style query errors."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.auth.v1beta1 import query_pb2 as auth_query
from cosmos.bank.v1beta1 import query_pb2 as bank_query
from tendermint.abci import types_pb2 as abci

from chain.app import App
from chain.store.memory import MemoryDB
from tests.helpers.chain import genesis_state, init_app, make_key, make_keys, make_send, run_block

KEYS = make_keys(4)
ALICE, BOB = KEYS[0], KEYS[1]
BALANCE = "/cosmos.bank.v1beta1.Query/Balance"


def _balance_at(app: App, height: int) -> abci.ResponseQuery:
    data = bank_query.QueryBalanceRequest(address=BOB.bech32, denom="usprint").SerializeToString()
    return app.query(abci.RequestQuery(path=BALANCE, data=data, height=height))


def _amount(resp: abci.ResponseQuery) -> int:
    return int(bank_query.QueryBalanceResponse.FromString(resp.value).balance.amount)


def _chain(query_history: int) -> App:
    app = App(MemoryDB(), sync_writes=False, query_history=query_history)
    init_app(app, genesis_state(KEYS))
    run_block(app, [])  # height 1
    for sequence in range(4):  # heights 2..5, BOB gains 10 each
        run_block(app, [make_send(ALICE, BOB.bech32, 10, sequence=sequence)])
    return app


def test_recent_heights_answer_with_their_own_state():
    app = _chain(query_history=3)
    latest = _amount(_balance_at(app, 0))
    assert _amount(_balance_at(app, 5)) == latest
    assert _amount(_balance_at(app, 4)) == latest - 10
    resp = _balance_at(app, 3)
    assert resp.code == 0 and resp.height == 3 and _amount(resp) == latest - 20


def test_heights_outside_the_window_are_refused_clearly():
    app = _chain(query_history=3)
    old = _balance_at(app, 2)
    assert old.code == 18 and "no longer queryable" in old.log and "query_history" in old.log
    future = _balance_at(app, 9)
    assert future.code == 18 and "not committed yet" in future.log


def test_errors_read_like_the_sdk_s_grpc_errors_over_abci():
    app = _chain(query_history=3)
    fresh = make_key(77).bech32
    resp = app.query(abci.RequestQuery(path="/cosmos.auth.v1beta1.Query/Account",
                                       data=auth_query.QueryAccountRequest(address=fresh).SerializeToString()))
    assert (resp.code, resp.codespace) == (38, "sdk")
    assert resp.log.startswith("rpc error: code = NotFound desc = ") and resp.log.endswith(": key not found")
    bad = app.query(abci.RequestQuery(path="/cosmos.auth.v1beta1.Query/Account",
                                      data=auth_query.QueryAccountRequest(address="nope").SerializeToString()))
    assert bad.code == 18 and bad.log.startswith("rpc error: code = InvalidArgument desc = ")
