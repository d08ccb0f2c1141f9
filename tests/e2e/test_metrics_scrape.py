"""Prometheus scrape of a real devnet (cometbft + sprintd) and its host's sprint-worker: both
endpoints serve valid exposition text, the node's height rises, FinalizeBlock is timed, the
worker's gRPC calls are counted, and the worker reports searched nonces after a sprint phase."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from abci_app.node_config import NodeConfig
from abci_app.ports import free_port
from tests.e2e.conftest import make_devnet_home, require_cometbft
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.e2e

WORKER_WAIT = 120.0  # up to two 11-block epochs: commit + reveal, then a sprint phase


def scrape(address: str) -> dict:
    """{family name: [samples]} of http://address/metrics (no proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://{address}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def value(families: dict, sample_name: str, **labels) -> float:
    """The value of one sample (0 when absent)."""
    family = sample_name.removesuffix("_total").removesuffix("_count").removesuffix("_sum")
    for sample in families.get(family, []):
        if sample.name == sample_name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return 0.0


def _wait_for(predicate, timeout: float, what: str, processes):
    """wait_until every 0.5 s, failing at once when the devnet or its worker died; the failure
    carries the tail of the worker's log."""
    def alive() -> None:
        processes.check_alive()
        assert processes.worker_exit() is None, "worker exited"

    try:
        return wait_until(predicate, timeout, what, interval=0.5, alive=alive)
    except AssertionError as err:
        raise AssertionError(f"{err}: {processes.worker_log.read_text()[-3000:]}") from None


@pytest.fixture(scope="module")
def devnet_with_worker(tmp_path_factory):
    """(node metrics address, worker metrics address, DevnetProcesses) with a running worker."""
    require_cometbft()
    from abci_app.devnet_runner import DevnetProcesses

    info = make_devnet_home(tmp_path_factory.mktemp("metrics") / "home")
    node_metrics, worker_metrics = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    config = NodeConfig.load(info["home"])
    config.metrics_address = node_metrics
    config.save(info["home"])
    processes = DevnetProcesses(info["home"], worker_threads=1,
                                worker_args=["--device", "cpu", "--no-inference", "--metrics-address", worker_metrics])
    processes.start(ready_timeout=60)
    try:
        processes.start_worker()
        yield node_metrics, worker_metrics, processes
    finally:
        processes.stop()


def test_node_metrics_rise_and_time_finalize_block(devnet_with_worker):
    node, _, processes = devnet_with_worker
    first = scrape(node)
    height = value(first, "sprint_block_height")
    processes.wait_for_height(int(height) + 2, timeout=30)
    later = scrape(node)
    assert height > 0 and value(later, "sprint_block_height") >= height + 2
    assert value(later, "sprint_abci_request_seconds_count", method="finalize_block") > 0
    assert value(later, "sprint_abci_request_seconds_count", method="commit") > 0
    assert value(later, "sprint_block_interval_seconds_count") > 0
    assert 0 < value(later, "sprint_block_interval_seconds_sum") / value(later, "sprint_block_interval_seconds_count") < 10
    assert "sprint_blob_store_bytes" in later and "sprint_grpc_block_streams_open" in later


def test_worker_metrics_and_its_grpc_calls(devnet_with_worker):
    node, worker, processes = devnet_with_worker

    def searched():
        try:
            families = scrape(worker)
        except OSError:
            return None  # the worker is still importing torch / connecting
        return families if value(families, "sprint_worker_nonces_searched_total") > 0 else None

    families = _wait_for(searched, WORKER_WAIT, "the worker to search nonces in a sprint phase", processes)
    assert value(families, "sprint_worker_last_seen_height") > 0
    assert sum(s.value for s in families["sprint_worker_phase"]) == 1
    assert value(families, "sprint_worker_txs_sent_total", result="accepted") >= 2  # seed commit + reveal
    assert value(families, "sprint_worker_nonces_per_second") > 0

    calls = scrape(node)["sprint_grpc_calls"]
    ok = {s.labels["method"]: s.value for s in calls if s.labels["code"] == "OK"}
    assert ok.get("/sprint.sprint.v1.Query/Epoch", 0) > 0, ok  # the worker asks for the epoch every block
    assert ok.get("/cosmos.tx.v1beta1.Service/BroadcastTx", 0) >= 2, ok
    assert all(s.labels["method"].startswith("/") or s.labels["method"] == "unknown" for s in calls)
