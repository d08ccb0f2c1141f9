"""Worker metrics: each WorkerMetrics has its own registry; the agents count phases, nonces, jobs
and txs; the endpoint serves them over HTTP."""

from __future__ import annotations

import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sprint.sprint.v1 import sprint_pb2

from abci_app.ports import free_port
from worker.metrics import PHASES, WorkerMetrics, phase_name, serve


def value(metrics: WorkerMetrics, name: str, **labels) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    assert found is not None, (name, labels)
    return found


def test_phase_gauge_marks_only_the_current_phase():
    metrics = WorkerMetrics()
    metrics.saw_block(42, 3, sprint_pb2.PHASE_SPRINT)
    assert value(metrics, "sprint_worker_phase", phase="sprint") == 1
    assert sum(value(metrics, "sprint_worker_phase", phase=p) for p in PHASES) == 1
    assert value(metrics, "sprint_worker_last_seen_height") == 42 and value(metrics, "sprint_worker_epoch") == 3
    metrics.saw_block(43, 3, sprint_pb2.PHASE_PROOF)
    assert value(metrics, "sprint_worker_phase", phase="sprint") == 0
    assert value(metrics, "sprint_worker_phase", phase="proof") == 1
    assert phase_name(99) == "unspecified"  # a phase this worker does not know stays a bounded label


def test_two_workers_in_one_process_do_not_share_counters():
    one, two = WorkerMetrics(), WorkerMetrics()
    one.searched_chunk(64, 2)
    one.tx_sent(0), one.tx_sent(5), one.tx_sent(-1)
    assert value(one, "sprint_worker_nonces_searched_total") == 64
    assert value(one, "sprint_worker_valid_nonces_total") == 2
    assert value(two, "sprint_worker_nonces_searched_total") == 0
    assert [value(one, "sprint_worker_txs_sent_total", result=r) for r in ("accepted", "rejected", "refused")] == \
        [1, 1, 1]


class _Function:
    """A PoW function stand-in: every 10th nonce is a hit."""

    def search(self, pubkey, start, count, threshold_micro):
        return [(n, 5) for n in range(start, start + count) if n % 10 == 0]


def test_sprint_search_counts_nonces_and_speed(tmp_path):
    from worker.agent.sprint_agent import SprintAgent
    from worker.agent.state import StateFile

    agent = SprintAgent.__new__(SprintAgent)  # no node: the search loop only
    agent.metrics, agent.cheat, agent.searched, agent._chunk = WorkerMetrics(), None, 0, 64
    agent.state, agent.host_pubkey = StateFile(tmp_path / "state.json"), b"\x02" * 33
    agent.params = SimpleNamespace(max_nonce=200, distance_threshold_micro=10)
    agent.participating = lambda epoch: True
    agent.function = lambda seed: _Function()
    lines: list[str] = []
    agent.echo = lines.append
    agent.search_until(sprint_pb2.EpochInfo(number=1, seed=b"s" * 32), done=lambda: False)
    assert value(agent.metrics, "sprint_worker_nonces_searched_total") == 200
    assert value(agent.metrics, "sprint_worker_valid_nonces_total") == 20
    assert value(agent.metrics, "sprint_worker_nonces_per_second") > 0


def test_tx_sender_counts_results():
    from worker.agent.tx_sender import TxSender

    sender = TxSender(client=None, key=None, chain_id="c")
    answers = iter([("AA", 0, ""), ("BB", 13, "insufficient fee"), ("", -1, "simulation failed")])
    sender._send = lambda messages: next(answers)
    assert [sender.send([])[1] for _ in range(3)] == [0, 13, -1]
    assert [value(sender.metrics, "sprint_worker_txs_sent_total", result=r)
            for r in ("accepted", "rejected", "refused")] == [1, 1, 1]


def test_inference_agent_counts_executed_and_failed_jobs(tmp_path):
    from tests.unit.worker.test_inference_agent import ME, epoch_info, job, make_agent

    agent, view, _, _ = make_agent(tmp_path)
    view.all_jobs = [job(1, executor=ME, deadline=30), job(2, executor=ME, deadline=30)]
    agent.step(20, epoch_info())
    assert value(agent.metrics, "sprint_worker_inference_jobs_total", action="execute", result="ok") == 2

    broken, view2, _, _ = make_agent(tmp_path / "b")
    broken.runtime.execute_many = lambda *args: (_ for _ in ()).throw(RuntimeError("no such model"))
    view2.all_jobs = [job(3, executor=ME, deadline=30)]
    broken.step(20, epoch_info())
    assert value(broken.metrics, "sprint_worker_inference_jobs_total", action="execute", result="failed") == 1


def test_endpoint_serves_the_registry_and_only_metrics(tmp_path):
    metrics = WorkerMetrics()
    metrics.saw_block(7, 1, sprint_pb2.PHASE_COMMIT)
    metrics.searched_chunk(10, 1)
    port = free_port()
    server = serve(metrics, f"127.0.0.1:{port}")
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        families = {f.name: f for f in text_string_to_metric_families(body)}
        assert families["sprint_worker_last_seen_height"].samples[0].value == 7
        assert families["sprint_worker_nonces_searched"].type == "counter"
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
    finally:
        server.stop()


def test_metrics_address_defaults_to_loopback_and_a_busy_one_is_a_cli_error():
    from abci_app.cli.common import CliError
    from abci_app.metrics import split_address
    from worker.cli import _serve_metrics

    assert split_address(":9465") == ("127.0.0.1", 9465)
    first = serve(WorkerMetrics(), ":0")
    try:
        with pytest.raises(CliError, match=f"cannot listen for metrics on 127.0.0.1:{first.port}.*--metrics-address"):
            _serve_metrics(WorkerMetrics(), f"127.0.0.1:{first.port}")
    finally:
        first.stop()
