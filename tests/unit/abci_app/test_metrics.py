"""The node's Prometheus endpoint serves live counters from the App; NodeMetrics (prometheus_client,
one registry per node) times the ABCI handlers, counts block intervals, tx codes, gRPC calls by
method and status, and the blob store's bytes."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import cosmpy.protos  # noqa: F401
import grpc
import pytest
from cosmos.bank.v1beta1 import query_pb2 as bank_q, query_pb2_grpc as bank_grpc
from prometheus_client.parser import text_string_to_metric_families
from sprint.node.v1 import query_pb2 as node_q, query_pb2_grpc as node_grpc
from tendermint.abci import types_pb2 as abci

from abci_app.abci_server import Dispatcher
from abci_app.blobs.store import BlobStore
from abci_app.faults import Faults
from abci_app.grpc.server import build_grpc_server
from abci_app.metrics import (BlobStoreCollector, MetricsBindError, MetricsServer, NodeMetrics, RegistryServer,
                              code_label)
from abci_app.ports import free_port
from chain.store.memory import MemoryDB
from tests.helpers.chain import genesis_state, make_keys, make_send, new_app, run_block, timestamp


def test_metrics_endpoint_reports_height_and_tx_counters():
    keys = make_keys(4)
    app = new_app(MemoryDB())
    run_block(app, [], 1)
    run_block(app, [make_send(keys[0], keys[1].bech32, 5, sequence=0)], 2)
    port = free_port()
    server = MetricsServer(app, f"127.0.0.1:{port}")
    server.start()
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        assert "sprint_block_height 2" in body
        assert "sprint_txs_committed_total 1" in body
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/other", timeout=5)
        families = {f.name: f for f in text_string_to_metric_families(body)}  # valid exposition
        assert families["sprint_block_height"].samples[0].value == 2
    finally:
        server.stop()


def sample(metrics: NodeMetrics, name: str, **labels) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def _finalize(dispatcher: Dispatcher, height: int, seconds: int, txs=()) -> abci.Response:
    request = abci.Request(finalize_block=abci.RequestFinalizeBlock(
        height=height, time=timestamp(seconds), txs=list(txs), hash=bytes([height]) * 32))
    response = dispatcher.dispatch(request)
    assert response.WhichOneof("value") == "finalize_block", response
    dispatcher.dispatch(abci.Request(commit=abci.RequestCommit()))
    return response


def test_dispatcher_times_abci_and_counts_block_intervals_and_tx_codes():
    keys = make_keys(4)
    app = new_app(MemoryDB(), genesis_state(keys))
    run_block(app, [], 1, time=1_000)
    metrics = NodeMetrics(app)
    dispatcher = Dispatcher(app, faults=Faults(), metrics=metrics.abci)
    good = make_send(keys[0], keys[1].bech32, 5, sequence=0)
    stale = make_send(keys[0], keys[1].bech32, 5, sequence=0)  # same sequence again: fails in the block
    dispatcher.dispatch(abci.Request(check_tx=abci.RequestCheckTx(tx=good)))
    _finalize(dispatcher, 2, 1_002)
    response = _finalize(dispatcher, 3, 1_005, [good, stale])
    codes = [r.code for r in response.finalize_block.tx_results]
    assert codes[0] == 0 and codes[1] != 0

    assert sample(metrics, "sprint_abci_request_seconds_count", method="check_tx") == 1
    assert sample(metrics, "sprint_abci_request_seconds_count", method="finalize_block") == 2
    assert sample(metrics, "sprint_abci_request_seconds_count", method="commit") == 2
    assert sample(metrics, "sprint_block_interval_seconds_count") == 1  # 2 -> 3 (the first has no predecessor)
    assert sample(metrics, "sprint_block_interval_seconds_sum") == 3.0
    assert sample(metrics, "sprint_block_time_seconds") == 1_005
    assert sample(metrics, "sprint_txs_by_code_total", code="0") == 1
    assert sample(metrics, "sprint_txs_by_code_total", code=code_label(codes[1])) == 1
    assert sample(metrics, "sprint_block_height") == 3
    assert sample(metrics, "sprint_txs_committed_total") == 1 and sample(metrics, "sprint_txs_failed_total") == 1
    assert sample(metrics, "sprint_check_tx_total") == 1


def test_a_height_seen_again_is_not_counted_twice():
    app = new_app(MemoryDB())
    metrics = NodeMetrics(app)
    request = abci.RequestFinalizeBlock(height=5, time=timestamp(100))
    answer = abci.ResponseFinalizeBlock(tx_results=[abci.ExecTxResult(code=0)])
    for _ in range(2):
        metrics.abci.observe("finalize_block", request, answer, 0.01)
    assert sample(metrics, "sprint_txs_by_code_total", code="0") == 1
    assert sample(metrics, "sprint_abci_request_seconds_count", method="finalize_block") == 2  # timing: both


def test_a_failing_metric_never_fails_the_block():
    class Broken:
        def observe(self, *args):
            raise RuntimeError("metrics bug")

    app = new_app(MemoryDB())
    run_block(app, [], 1)
    response = _finalize(Dispatcher(app, faults=Faults(), metrics=Broken()), 2, 2_000)
    assert response.finalize_block.app_hash and app.height == 2


def test_code_labels_are_bounded():
    assert [code_label(c) for c in (0, 5, 99)] == ["0", "5", "99"]
    assert code_label(100) == code_label(2**32 - 1) == code_label(-1) == "other"


def test_two_nodes_in_one_process_have_their_own_registries():
    one, two = NodeMetrics(new_app(MemoryDB())), NodeMetrics(new_app(MemoryDB()))
    one.abci.observe("check_tx", abci.RequestCheckTx(), abci.ResponseCheckTx(), 0.001)
    assert sample(one, "sprint_abci_request_seconds_count", method="check_tx") == 1
    assert sample(two, "sprint_abci_request_seconds_count", method="check_tx") == 0


def test_blob_bytes_are_rescanned_at_most_every_ttl(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    now = [0.0]
    collector = BlobStoreCollector(store.root, ttl=10, clock=lambda: now[0])
    assert collector.scan() == (0, 0)  # no directory yet
    now[0] = 20
    store.put(b"a" * 100)
    store.put(b"b" * 50)
    (store.root / "stray.tmp").write_bytes(b"x" * 999)  # not a blob
    assert collector.scan() == (150, 2)
    store.put(b"c" * 7)
    now[0] = 25
    assert collector.scan() == (150, 2)  # cached
    now[0] = 30
    assert collector.scan() == (157, 3)


def test_grpc_calls_are_counted_by_method_and_status():
    keys = make_keys(2)
    app = new_app(MemoryDB(), genesis_state(keys))
    run_block(app)
    metrics = NodeMetrics(app)
    address = f"127.0.0.1:{free_port()}"
    server = build_grpc_server(app, None, address, interceptors=metrics.interceptors())
    metrics.watch_grpc(server)
    server.start()
    try:
        with grpc.insecure_channel(address) as channel:
            bank = bank_grpc.QueryStub(channel)
            bank.Balance(bank_q.QueryBalanceRequest(address=keys[0].bech32, denom="usprint"), timeout=5)
            with pytest.raises(grpc.RpcError) as bad:
                bank.Balance(bank_q.QueryBalanceRequest(address="nope", denom="usprint"), timeout=5)
            with pytest.raises(grpc.RpcError) as unknown:
                channel.unary_unary("/no.such.Service/Method")(b"", timeout=5)
            stream = node_grpc.EventsStub(channel).SubscribeBlocks(node_q.SubscribeBlocksRequest(from_height=1))
            assert next(stream).height == 1
            stream.cancel()
        balance = "/cosmos.bank.v1beta1.Query/Balance"
        assert sample(metrics, "sprint_grpc_calls_total", method=balance, code="OK") == 1
        assert sample(metrics, "sprint_grpc_calls_total", method=balance, code=bad.value.code().name) == 1
        assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert unknown.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert sample(metrics, "sprint_grpc_calls_total", method="unknown", code="UNIMPLEMENTED") == 1
        subscribe = "/sprint.node.v1.Events/SubscribeBlocks"
        deadline = time.monotonic() + 10
        while sample(metrics, "sprint_grpc_calls_total", method=subscribe, code="CANCELLED") != 1:
            assert time.monotonic() < deadline, metrics.text()
            time.sleep(0.05)
        text = metrics.text()  # the caps' sprint_grpc_* families are still served, under their names
        assert "sprint_grpc_block_streams_open 0" in text and "sprint_grpc_simulations_refused_total 0" in text
    finally:
        assert server.stop(0).wait(10)


def test_a_busy_metrics_address_is_a_clear_error():
    first = RegistryServer(NodeMetrics(new_app(MemoryDB())).registry, "127.0.0.1:0")
    try:
        with pytest.raises(MetricsBindError, match=f"cannot listen for metrics on 127.0.0.1:{first.port}"):
            RegistryServer(NodeMetrics(new_app(MemoryDB())).registry, f"127.0.0.1:{first.port}")
    finally:
        first.stop()


def test_the_grafana_dashboard_only_uses_exposed_metrics():
    """Every sprint_* series deploy/grafana/sprintchain.json queries is one the node or worker serves."""
    import json
    import re
    from pathlib import Path

    from worker.metrics import WorkerMetrics

    dashboard = json.loads((Path(__file__).parents[3] / "deploy/grafana/sprintchain.json").read_text())
    used = {name for panel in dashboard["panels"] for target in panel.get("targets", [])
            for name in re.findall(r"\bsprint_[a-z_]+", target["expr"])}
    app = new_app(MemoryDB())
    metrics = NodeMetrics(app)
    metrics.abci.txs.labels("0")
    server = build_grpc_server(app, None, f"127.0.0.1:{free_port()}")
    try:
        metrics.watch_grpc(server)
        metrics.grpc_calls.calls.labels("/x.Y/Z", "OK")
        metrics.registry.register(BlobStoreCollector("/nonexistent"))
        served = {s.name for registry in (metrics.registry, WorkerMetrics().registry)
                  for family in registry.collect() for s in family.samples}
    finally:
        server.stop(0).wait(10)
    assert used and used <= served, used - served
    assert {"sprint_block_height", "sprint_abci_request_seconds_bucket", "sprint_grpc_calls_total",
            "sprint_worker_phase", "sprint_worker_nonces_searched_total"} <= used
