"""The node's gRPC server under load, over real gRPC on loopback with the in-process App (MemoryDB):
200 open block streams hold no request thread (queries still answer, commits still reach every
stream), stream / RPC / Simulate caps answer RESOURCE_EXHAUSTED, huge inputs come back as
INVALID_ARGUMENT with a short message, and the server stops cleanly with streams open."""

from __future__ import annotations

import threading
import time

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.auth.v1beta1 import query_pb2 as auth_q, query_pb2_grpc as auth_grpc
from cosmos.bank.v1beta1 import query_pb2 as bank_q, query_pb2_grpc as bank_grpc
from cosmos.tx.v1beta1 import service_pb2 as tx_s, service_pb2_grpc as tx_grpc
from sprint.node.v1 import query_pb2 as node_q, query_pb2_grpc as node_grpc
from tendermint.abci import types_pb2 as abci

from abci_app.grpc.limits import GrpcLimits
from abci_app.grpc.server import build_grpc_server
from abci_app.metrics import render
from abci_app.ports import free_port
from chain.query import MAX_MESSAGE_CHARS
from chain.store.memory import MemoryDB
from tests.helpers.chain import genesis_state, make_keys, make_send, new_app, run_block
from tests.helpers.grpc_load import balance_latencies, p99

STREAMS = 200
DEADLINE = 5.0  # per unary call: "promptly" means well inside this
HUGE_ADDRESS = "sprint1" + "q" * 100_000


def _app():
    keys = make_keys(2)
    app = new_app(MemoryDB(), genesis_state(keys))
    run_block(app)
    return app, keys


def _serve(app, **limits):
    address = f"127.0.0.1:{free_port()}"
    server = build_grpc_server(app, None, address, limits=GrpcLimits(**limits))
    server.start()
    return server, address


@pytest.fixture
def node():
    """(app, keys, server, address): 4 request threads, caps that allow 200 streams from one client."""
    app, keys = _app()
    server, address = _serve(app, worker_threads=4, max_streams_per_client=250, max_streams_total=300,
                             max_concurrent_rpcs=400)
    try:
        yield app, keys, server, address
    finally:
        assert server.stop(0).wait(10), "gRPC server did not stop"


def _open_streams(channel, count: int, from_height: int = 0) -> list:
    stub = node_grpc.EventsStub(channel)
    return [stub.SubscribeBlocks(node_q.SubscribeBlocksRequest(from_height=from_height), timeout=120)
            for _ in range(count)]


def _wait_open(server, count: int, timeout: float = 20.0) -> None:
    """Wait until the server counts exactly `count` open block streams."""
    deadline = time.monotonic() + timeout
    while server.events.limiter.open_streams != count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.events.limiter.open_streams == count, \
        f"{server.events.limiter.open_streams} streams open on the server, expected {count}"


def _eventually(call, timeout: float = 10.0):
    """`call()` once it stops failing with RESOURCE_EXHAUSTED (a finished RPC frees its slot
    on the server a moment after the client has its answer)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return call()
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.RESOURCE_EXHAUSTED or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _rpc_error(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as info:
        call()
    return info.value


def test_queries_answer_and_commits_arrive_with_200_streams_open(node):
    app, keys, server, address = node
    with grpc.insecure_channel(address) as channel:
        idle = balance_latencies(channel, keys[0].bech32, 200, DEADLINE)
        streams = _open_streams(channel, STREAMS)
        _wait_open(server, STREAMS)
        assert all(next(s).height == 1 for s in streams)
        loaded = balance_latencies(channel, keys[0].bech32, 200, DEADLINE)  # each under DEADLINE or it raises
        tx = make_send(keys[0], keys[1].bech32, 5, sequence=0)
        assert run_block(app, [tx]).results[0].code == 0
        assert [next(s).height for s in streams] == [2] * STREAMS
        assert bank_grpc.QueryStub(channel).Balance(
            bank_q.QueryBalanceRequest(address=keys[1].bech32, denom="usprint"), timeout=DEADLINE).balance.amount
        for stream in streams:
            stream.cancel()
    print(f"\nBalance p99 over 200 queries: {p99(idle) * 1000:.2f} ms with no stream open, "
          f"{p99(loaded) * 1000:.2f} ms with {STREAMS} streams open")
    _wait_open(server, 0)  # cancelled streams release their slots


def test_per_client_stream_cap_is_resource_exhausted_and_frees_on_close():
    app, _ = _app()
    server, address = _serve(app, max_streams_per_client=3, max_streams_total=10)
    try:
        with grpc.insecure_channel(address) as channel:
            streams = _open_streams(channel, 3)
            assert [next(s).height for s in streams] == [1, 1, 1]
            extra = _open_streams(channel, 1)[0]
            err = _rpc_error(lambda: next(extra))
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "too many open block streams from 127.0.0.1 (3 per client)" in err.details()
            metrics = render(app, server.metrics_lines)
            assert "sprint_grpc_block_streams_open 3\n" in metrics
            assert "sprint_grpc_block_streams_refused_total 1\n" in metrics
            streams[0].cancel()
            _wait_open(server, 2)
            assert next(_open_streams(channel, 1)[0]).height == 1  # the freed slot is usable again
    finally:
        server.stop(0).wait(10)


def test_total_stream_cap_is_resource_exhausted():
    app, _ = _app()
    server, address = _serve(app, max_streams_per_client=10, max_streams_total=4)
    try:
        with grpc.insecure_channel(address) as channel:
            streams = _open_streams(channel, 4)
            assert [next(s).height for s in streams] == [1] * 4
            err = _rpc_error(lambda: next(_open_streams(channel, 1)[0]))
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "too many open block streams on this node (4)" in err.details()
    finally:
        server.stop(0).wait(10)


class _GatedSimulate:
    """Wraps the app's real `simulate` so a test can hold simulations in flight."""

    def __init__(self, app):
        self.real = app.simulate
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()
        app.simulate = self

    def __call__(self, tx_bytes: bytes):
        self.entered.release()
        self.release.wait(30)
        return self.real(tx_bytes)


def _simulate_in_background(address: str, tx: bytes, results: list) -> threading.Thread:
    def run():
        with grpc.insecure_channel(address) as channel:
            try:
                results.append(tx_grpc.ServiceStub(channel).Simulate(tx_s.SimulateRequest(tx_bytes=tx), timeout=30))
            except grpc.RpcError as err:
                results.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_simulate_concurrency_is_capped_and_queries_keep_answering():
    app, keys = _app()
    gate = _GatedSimulate(app)
    server, address = _serve(app, worker_threads=4, max_concurrent_simulations=2)
    try:
        tx = make_send(keys[0], keys[1].bech32, 5, sequence=0)
        results: list = []
        threads = [_simulate_in_background(address, tx, results) for _ in range(2)]
        assert gate.entered.acquire(timeout=10) and gate.entered.acquire(timeout=10)
        with grpc.insecure_channel(address) as channel:
            err = _rpc_error(lambda: tx_grpc.ServiceStub(channel).Simulate(
                tx_s.SimulateRequest(tx_bytes=tx), timeout=DEADLINE))
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "too many concurrent simulations, retry" in err.details()
            assert "sprint_grpc_simulations_refused_total 1\n" in render(app, server.metrics_lines)
            balance_latencies(channel, keys[0].bech32, 5, DEADLINE)
        gate.release.set()
        for thread in threads:
            thread.join(30)
        assert len(results) == 2 and all(not isinstance(r, grpc.RpcError) for r in results), results
        assert all(r.gas_info.gas_used > 0 for r in results)
    finally:
        gate.release.set()
        server.stop(0).wait(10)


def test_concurrent_rpc_cap_is_resource_exhausted():
    app, keys = _app()
    gate = _GatedSimulate(app)
    server, address = _serve(app, max_concurrent_rpcs=3, max_streams_total=2)
    try:
        with grpc.insecure_channel(address) as channel:
            streams = _open_streams(channel, 2)
            assert [next(s).height for s in streams] == [1, 1]
            results: list = []
            thread = _simulate_in_background(address, make_send(keys[0], keys[1].bech32, 5, sequence=0), results)
            assert gate.entered.acquire(timeout=10)  # 3 RPCs in flight: the cap
            err = _rpc_error(lambda: balance_latencies(channel, keys[0].bech32, 1, DEADLINE))
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            gate.release.set()
            thread.join(30)
            _eventually(lambda: balance_latencies(channel, keys[0].bech32, 1, DEADLINE))  # the slot frees up
    finally:
        gate.release.set()
        server.stop(0).wait(10)


def test_huge_inputs_are_invalid_argument_with_a_short_message(node):
    app, _, _, address = node
    with grpc.insecure_channel(address) as channel:
        calls = [
            lambda: bank_grpc.QueryStub(channel).Balance(
                bank_q.QueryBalanceRequest(address=HUGE_ADDRESS, denom="usprint"), timeout=DEADLINE),
            lambda: auth_grpc.QueryStub(channel).Account(
                auth_q.QueryAccountRequest(address=HUGE_ADDRESS), timeout=DEADLINE),
            lambda: tx_grpc.ServiceStub(channel).GetTx(tx_s.GetTxRequest(hash="z" * 100_000), timeout=DEADLINE),
        ]
        for call in calls:
            err = _rpc_error(call)
            assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
            assert len(err.details()) <= MAX_MESSAGE_CHARS and "…" in err.details()
        balance_err = _rpc_error(calls[0])
        assert balance_err.details().endswith("bad checksum or characters")  # the reason survives
    data = bank_q.QueryBalanceRequest(address=HUGE_ADDRESS, denom="usprint").SerializeToString()
    answer = app.query(abci.RequestQuery(path="/cosmos.bank.v1beta1.Query/Balance", data=data))
    assert answer.code != 0 and "bad checksum or characters" in answer.log
    assert len(answer.log) <= MAX_MESSAGE_CHARS + 100  # the message plus the SDK-style "rpc error: ..." frame


def test_server_stops_cleanly_with_streams_open():
    app, _ = _app()
    listeners = len(app.commit_listeners)
    server, address = _serve(app)
    assert len(app.commit_listeners) == listeners + 1
    with grpc.insecure_channel(address) as channel:
        streams = _open_streams(channel, 50)
        assert all(next(s).height == 1 for s in streams)
        start = time.monotonic()
        assert server.stop(grace=1).wait(10), "gRPC server did not stop"
        assert time.monotonic() - start < 5
        err = _rpc_error(lambda: next(streams[0]))
        assert err.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
    assert len(app.commit_listeners) == listeners  # no listener left behind on a closed loop
    run_block(app)  # commits still work after the server is gone
    assert server.stop(0).wait(1)  # a second stop is harmless


def test_sync_handler_abort_stops_the_handler():
    """grpc.aio returns from a sync handler's abort (grpc/grpc#37518); ours raises, as the sync API says."""
    from abci_app.grpc.server import GrpcServer

    after_abort = []

    def unary(request, context):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "unary refused")
        after_abort.append("unary")

    def stream(request, context):
        yield b"first"
        context.abort(grpc.StatusCode.NOT_FOUND, "stream refused")
        after_abort.append("stream")
        yield b"never"

    server = GrpcServer(GrpcLimits())
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Abort", {
        "Unary": grpc.unary_unary_rpc_method_handler(unary),
        "Stream": grpc.unary_stream_rpc_method_handler(stream)}),))
    address = f"127.0.0.1:{free_port()}"
    server.add_insecure_port(address)
    server.start()
    try:
        with grpc.insecure_channel(address) as channel:
            err = _rpc_error(lambda: channel.unary_unary("/test.Abort/Unary")(b"", timeout=DEADLINE))
            assert (err.code(), err.details()) == (grpc.StatusCode.INVALID_ARGUMENT, "unary refused")
            responses = channel.unary_stream("/test.Abort/Stream")(b"", timeout=DEADLINE)
            assert next(responses) == b"first"
            err = _rpc_error(lambda: next(responses))
            assert (err.code(), err.details()) == (grpc.StatusCode.NOT_FOUND, "stream refused")
        assert after_abort == []
    finally:
        server.stop(0).wait(10)


def test_sync_streams_hold_no_thread_between_messages_and_close_when_cancelled():
    """Sync generator handlers (the blob service's Get) on 2 threads: 6 slow readers hold none of
    them, a unary call still answers, and cancelled streams close their generators."""
    from abci_app.grpc.server import GrpcServer

    closed = []

    def chunks(request, context):
        try:
            for _ in range(1000):
                yield b"x" * (1 << 20)  # far more than HTTP/2 flow control lets through unread
        finally:
            closed.append(1)

    server = GrpcServer(GrpcLimits(worker_threads=2))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Sync", {
        "Chunks": grpc.unary_stream_rpc_method_handler(chunks),
        "Echo": grpc.unary_unary_rpc_method_handler(lambda request, context: request)}),))
    address = f"127.0.0.1:{free_port()}"
    server.add_insecure_port(address)
    server.start()
    try:
        with grpc.insecure_channel(address, options=[("grpc.max_receive_message_length", 8 << 20)]) as channel:
            streams = [channel.unary_stream("/test.Sync/Chunks")(b"", timeout=60) for _ in range(6)]
            assert all(len(next(s)) == 1 << 20 for s in streams)
            assert channel.unary_unary("/test.Sync/Echo")(b"ping", timeout=DEADLINE) == b"ping"
            for stream in streams:
                stream.cancel()
            deadline = time.monotonic() + 10
            while len(closed) < 6 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert len(closed) == 6, "cancelled streams left their generators open"
            assert channel.unary_unary("/test.Sync/Echo")(b"again", timeout=DEADLINE) == b"again"
    finally:
        server.stop(0).wait(10)


def test_bind_failure_is_a_clear_error_and_leaves_nothing_running():
    import socket

    from abci_app.grpc.server import GrpcBindError

    app, _ = _app()
    listeners, threads = len(app.commit_listeners), threading.active_count()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        address = f"127.0.0.1:{busy.getsockname()[1]}"
        with pytest.raises(GrpcBindError, match=f"cannot listen for gRPC on {address}"):
            build_grpc_server(app, None, address)
    deadline = time.monotonic() + 10
    while threading.active_count() > threads and time.monotonic() < deadline:
        time.sleep(0.02)
    assert threading.active_count() == threads and len(app.commit_listeners) == listeners
