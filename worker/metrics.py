"""The worker's Prometheus metrics, on a registry of its own (`sprint-worker start --metrics-address`).

    sprint_worker_phase{phase}                     1 for the Sprint phase of the last block seen, else 0
    sprint_worker_epoch                            Sprint epoch of the last block seen
    sprint_worker_last_seen_height                 newest block the agent acted on
    sprint_worker_nonces_searched_total            PoW nonces evaluated
    sprint_worker_valid_nonces_total               nonces under the distance threshold
    sprint_worker_nonces_per_second                speed of the last search (between two blocks)
    sprint_worker_inference_jobs_total{action,result}  action: execute|check|vote, result: ok|failed
    sprint_worker_txs_sent_total{result}           accepted | rejected (CheckTx code) | refused
                                                   (simulation or node error)
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

PHASES = ("unspecified", "commit", "reveal", "sprint", "proof", "validation", "settlement")
JOB_ACTIONS = ("execute", "check", "vote")
TX_RESULTS = ("accepted", "rejected", "refused")


def phase_name(phase: int) -> str:
    """The label value of a sprint_pb2.Phase number ("unspecified" for unknown numbers)."""
    return PHASES[phase] if 0 <= phase < len(PHASES) else "unspecified"


class WorkerMetrics:
    """Every metric of one worker (agents share one instance)."""

    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.phase = Gauge("sprint_worker_phase", "1 for the Sprint phase of the last block seen", ["phase"],
                           registry=r)
        self.epoch = Gauge("sprint_worker_epoch", "Sprint epoch of the last block seen", registry=r)
        self.height = Gauge("sprint_worker_last_seen_height", "Newest block height the worker acted on", registry=r)
        self.searched = Counter("sprint_worker_nonces_searched", "PoW nonces evaluated", registry=r)
        self.valid = Counter("sprint_worker_valid_nonces", "Nonces found under the distance threshold", registry=r)
        self.rate = Gauge("sprint_worker_nonces_per_second", "Nonces per second of the last search", registry=r)
        self.jobs = Counter("sprint_worker_inference_jobs", "Inference jobs executed, checked or re-verified",
                            ["action", "result"], registry=r)
        self.txs = Counter("sprint_worker_txs_sent", "Txs broadcast by the worker, by result", ["result"], registry=r)
        for name in PHASES:
            self.phase.labels(name).set(0)
        for action in JOB_ACTIONS:
            for result in ("ok", "failed"):
                self.jobs.labels(action, result)
        for result in TX_RESULTS:
            self.txs.labels(result)

    def saw_block(self, height: int, epoch: int, phase: int) -> None:
        """The agent acted on block `height`, in `phase` (sprint_pb2.Phase) of `epoch`."""
        self.height.set(height)
        self.epoch.set(epoch)
        current = phase_name(phase)
        for name in PHASES:
            self.phase.labels(name).set(1 if name == current else 0)

    def searched_chunk(self, count: int, valid: int) -> None:
        self.searched.inc(count)
        self.valid.inc(valid)

    def search_speed(self, nonces: int, seconds: float) -> None:
        if seconds > 0:
            self.rate.set(nonces / seconds)

    def job(self, action: str, ok: bool = True, count: int = 1) -> None:
        """`count` inference jobs executed/checked/re-verified (`action`), or failed to be."""
        self.jobs.labels(action, "ok" if ok else "failed").inc(count)

    def tx_sent(self, code: int) -> None:
        """A broadcast answered with CheckTx `code` (negative: refused before CheckTx)."""
        self.txs.labels("accepted" if code == 0 else "rejected" if code > 0 else "refused").inc()


def serve(metrics: WorkerMetrics, address: str):
    """Start serving `metrics` at http://address/metrics; returns the server (call `stop()`)."""
    from abci_app.metrics import RegistryServer

    server = RegistryServer(metrics.registry, address)
    server.start()
    return server
