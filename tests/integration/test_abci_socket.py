"""The ABCI socket server, driven by a tiny client speaking unsigned-varint framed Requests."""

from __future__ import annotations

import json
import time

import cosmpy.protos  # noqa: F401
import pytest
from cosmos.bank.v1beta1 import query_pb2 as bank_query
from tendermint.abci import types_pb2 as abci

from abci_app.abci_server import decode_varint, encode_varint
from chain.app import App
from chain.store.memory import MemoryDB
from tests.helpers.abci_client import ServerThread, frame
from tests.helpers.chain import (
    CHAIN_ID, FEE, INITIAL_BALANCE, genesis_state, make_keys, make_send, timestamp,
)

KEYS = make_keys(3)
ALICE, BOB = KEYS[0], KEYS[1]
FLUSH = abci.Request(flush=abci.RequestFlush())


def req(**kwargs) -> abci.Request:
    return abci.Request(**kwargs)


def init_request() -> abci.Request:
    return req(init_chain=abci.RequestInitChain(
        chain_id=CHAIN_ID, time=timestamp(1_700_000_000), initial_height=1,
        app_state_bytes=json.dumps(genesis_state(KEYS)).encode()))


def finalize_request(height: int, txs=()) -> abci.Request:
    return req(finalize_block=abci.RequestFinalizeBlock(height=height, txs=list(txs),
                                                        time=timestamp(1_700_000_000 + height)))


@pytest.fixture
def server():
    app = App(MemoryDB(), sync_writes=False)
    with ServerThread(app) as running:
        running.app = app
        yield running


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 16383, 16384, 2**32, 2**63 - 1])
def test_unsigned_varint_round_trip(value):
    encoded = encode_varint(value)
    assert decode_varint(encoded, 0) == (value, len(encoded))
    assert decode_varint(encoded[:-1], 0) is None
    if value == 300:
        assert encoded == b"\xac\x02"  # unsigned, not zigzag (which would be b"\xd8\x04")


def test_full_block_cycle_over_one_connection(server):
    with server.client() as client:
        assert client.call(req(echo=abci.RequestEcho(message="hello"))).echo.message == "hello"
        info = client.call(req(info=abci.RequestInfo(version="0.38.x"))).info
        assert (info.last_block_height, info.last_block_app_hash) == (0, b"")

        init = client.call(init_request()).init_chain
        assert len(init.app_hash) == 32

        empty = client.call(finalize_request(1)).finalize_block
        assert client.call(req(commit=abci.RequestCommit())).WhichOneof("value") == "commit"

        tx = make_send(ALICE, BOB.bech32, 250, sequence=0)
        checked = client.call(req(check_tx=abci.RequestCheckTx(tx=tx, type=abci.NEW))).check_tx
        assert checked.code == 0, checked.log
        bad = client.call(req(check_tx=abci.RequestCheckTx(tx=b"junk", type=abci.NEW))).check_tx
        assert bad.code == 2 and bad.log

        block = client.call(finalize_request(2, [tx, b"junk"])).finalize_block
        assert [r.code for r in block.tx_results] == [0, 2]
        assert len(block.app_hash) == 32 and block.app_hash != empty.app_hash
        client.call(req(commit=abci.RequestCommit()))

        info = client.call(req(info=abci.RequestInfo())).info
        assert (info.last_block_height, info.last_block_app_hash) == (2, block.app_hash)
        query = client.call(req(query=abci.RequestQuery(
            path="/cosmos.bank.v1beta1.Query/Balance",
            data=bank_query.QueryBalanceRequest(address=BOB.bech32, denom="usprint").SerializeToString()))).query
        assert query.code == 0 and query.height == 2
        amount = bank_query.QueryBalanceResponse.FromString(query.value).balance.amount
        assert int(amount) == INITIAL_BALANCE + 250
    assert server.app.keepers.bank.balance(server.app.committed_store(), ALICE.address, "usprint") == \
        INITIAL_BALANCE - 250 - FEE


def test_several_requests_before_one_flush_are_answered_in_order(server):
    with server.client() as client:
        client.call(init_request())
        client.send_requests(
            req(echo=abci.RequestEcho(message="one")),
            req(info=abci.RequestInfo()),
            req(echo=abci.RequestEcho(message="two")),
            req(check_tx=abci.RequestCheckTx(tx=b"\x01", type=abci.NEW)),
            req(echo=abci.RequestEcho(message="three")),
            FLUSH,
        )
        answers = [client.recv() for _ in range(6)]

    kinds = [a.WhichOneof("value") for a in answers]
    assert kinds == ["echo", "info", "echo", "check_tx", "echo", "flush"]
    assert [a.echo.message for a in answers if a.HasField("echo")] == ["one", "two", "three"]
    assert answers[3].check_tx.code == 2


def test_a_request_split_across_writes_is_reassembled(server):
    payload = "x" * 5000  # a multi-byte length prefix
    data = frame(req(echo=abci.RequestEcho(message=payload))) + frame(FLUSH)
    with server.client() as client:
        client.send(data[:1])  # half of the varint length prefix
        time.sleep(0.05)
        client.send(data[1:2000])
        time.sleep(0.05)
        client.send(data[2000:])
        answer = client.recv()
        assert client.recv().WhichOneof("value") == "flush"

    assert answer.echo.message == payload


def test_connections_are_independent_and_share_the_app(server):
    with server.client() as consensus, server.client() as mempool, server.client() as query:
        consensus.call(init_request())
        consensus.call(finalize_request(1))
        consensus.call(req(commit=abci.RequestCommit()))
        tx = make_send(ALICE, BOB.bech32, 1, sequence=0)
        assert mempool.call(req(check_tx=abci.RequestCheckTx(tx=tx, type=abci.NEW))).check_tx.code == 0
        assert query.call(req(info=abci.RequestInfo())).info.last_block_height == 1


def test_finalize_block_error_returns_an_exception_response_and_the_server_keeps_serving(server):
    with server.client() as consensus:
        consensus.call(init_request())
        consensus.call(finalize_request(1))
        consensus.call(req(commit=abci.RequestCommit()))

        wrong = consensus.call(finalize_request(7))

        assert wrong.WhichOneof("value") == "exception"
        assert "finalize_block" in wrong.exception.error and "7" in wrong.exception.error
        # The same connection still answers...
        assert consensus.call(req(echo=abci.RequestEcho(message="still here"))).echo.message == "still here"
        commit_without_block = consensus.call(req(commit=abci.RequestCommit()))
        assert commit_without_block.WhichOneof("value") == "exception"

    # ...and so do new connections, with the state untouched.
    with server.client() as other:
        info = other.call(req(info=abci.RequestInfo())).info
        assert info.last_block_height == 1
        assert other.call(finalize_request(2)).WhichOneof("value") == "finalize_block"


def test_check_tx_and_query_errors_never_become_exceptions(server):
    with server.client() as client:
        # Before InitChain: refused cleanly with a code, not a ResponseException.
        early = client.call(req(check_tx=abci.RequestCheckTx(tx=b"\x0a\x00", type=abci.NEW)))
        assert early.WhichOneof("value") == "check_tx" and early.check_tx.code != 0
        bad_query = client.call(req(query=abci.RequestQuery(path="/no.such.Query/Method", data=b"")))
        assert bad_query.WhichOneof("value") == "query" and bad_query.query.code != 0
        garbled = client.call(req(query=abci.RequestQuery(path="/cosmos.bank.v1beta1.Query/Balance",
                                                          data=b"\xff\xff\xff")))
        assert garbled.query.code != 0


def test_state_sync_and_vote_extension_requests_get_default_answers(server):
    with server.client() as client:
        snapshots = client.call(req(list_snapshots=abci.RequestListSnapshots()))
        offer = client.call(req(offer_snapshot=abci.RequestOfferSnapshot()))
        extend = client.call(req(extend_vote=abci.RequestExtendVote(height=1)))
        verify = client.call(req(verify_vote_extension=abci.RequestVerifyVoteExtension(height=1)))

    assert snapshots.WhichOneof("value") == "list_snapshots"
    assert offer.offer_snapshot.result == abci.ResponseOfferSnapshot.REJECT
    assert extend.WhichOneof("value") == "extend_vote"
    assert verify.verify_vote_extension.status == abci.ResponseVerifyVoteExtension.ACCEPT


def test_undecodable_request_closes_only_that_connection(server):
    with server.client() as healthy:
        healthy.call(req(echo=abci.RequestEcho(message="before")))
        with server.client() as broken:
            broken.send(encode_varint(3) + b"\xff\xff\xff")
            with pytest.raises((ConnectionError, OSError)):
                broken.recv()
        assert healthy.call(req(echo=abci.RequestEcho(message="after"))).echo.message == "after"
    with server.client() as fresh:
        assert fresh.call(req(echo=abci.RequestEcho(message="new"))).echo.message == "new"
