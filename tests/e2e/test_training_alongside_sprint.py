"""Training runs alongside the Sprint and inference without missing their windows (issue 11).

A real devnet (cometbft + sprintd + the host's sprint-worker, 11-block Sprint epochs, see
conftest.py) with the Sprint ON. A tiny-lm fine-tune on a 24 KB English-like corpus is submitted
with `sprintd tx training submit --wait` in a thread; while it trains, inference jobs are submitted
with `sprintd tx inference submit --wait`. The single host trains, serves inference and takes part
in every Sprint epoch at once: its segments pass without a committee (docs/training.md §5).

Asserted: the training job COMPLETES, every inference job completes, at least two full Sprint
epochs ran inside the training window, and in EVERY epoch that overlapped it the host's seed commit
and reveal landed (the chain accepts each only in its phase), its proof batches were accepted and
the epoch settled it a weight > 0 -- no window missed.
"""

from __future__ import annotations

import json
import re
import threading
import time

import grpc
import pytest

from tests.e2e.conftest import DEVNET_EPOCH_BLOCKS, make_devnet_home, require_cometbft, sprintd
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.e2e

CORPUS_BYTES = 24_576
TRAIN = {"steps": "960", "batch": "8", "seq": "64", "lr": "3e-3"}
INFERENCE_JOBS = 3
MIN_FULL_EPOCHS = 2


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    """(info, DevnetProcesses) of a devnet whose host worker runs (one torch thread, 2-core box)."""
    require_cometbft()
    from abci_app.devnet_runner import DevnetProcesses

    info = make_devnet_home(tmp_path_factory.mktemp("alongside") / "home")
    processes = DevnetProcesses(info["home"], worker=True, worker_threads=1).start(ready_timeout=60)
    try:
        yield info, processes
    finally:
        processes.stop()


class Chain:
    """gRPC query stubs on the devnet node."""

    def __init__(self, address: str):
        from sprint.sprint.v1 import query_pb2_grpc as sprint
        from sprint.training.v1 import query_pb2_grpc as training

        channel = grpc.insecure_channel(address)
        self.sprint, self.training = sprint.QueryStub(channel), training.QueryStub(channel)

    def epoch(self, number: int | None = None):
        from sprint.sprint.v1 import query_pb2

        request = query_pb2.QueryEpochRequest() if number is None else query_pb2.QueryEpochRequest(number=number)
        return self.sprint.Epoch(request, timeout=5).epoch

    def summary(self, epoch: int, host: str):
        from sprint.sprint.v1 import query_pb2

        try:
            return self.sprint.ProofSummary(query_pb2.QueryProofSummaryRequest(epoch=epoch, host=host),
                                            timeout=5).summary
        except grpc.RpcError as err:
            if err.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise

    def jobs(self) -> list:
        from sprint.training.v1 import query_pb2

        return list(self.training.Jobs(query_pb2.QueryJobsRequest(limit=100), timeout=5).jobs)


def worker_alive(processes) -> None:
    if processes.worker is None or processes.worker.poll() is not None:
        raise AssertionError(f"the worker died:\n{processes.worker_log.read_text()[-3000:]}")


def tx_args(info, sender: str) -> tuple[str, ...]:
    return ("--from", sender, "--home", info["home"], "--keyring-backend", "test", "--yes", "--output", "json")


def submit_training(info, corpus, result: dict) -> None:
    """`sprintd tx training submit --wait` (run in a thread): result gets the CLI's JSON and wall time."""
    started = time.monotonic()
    run = sprintd("tx", "training", "submit", "--model", "tiny-lm", "--dataset-file", str(corpus),
                  "--steps", TRAIN["steps"], "--batch-size", TRAIN["batch"], "--seq-len", TRAIN["seq"],
                  "--lr", TRAIN["lr"], "--output-model", "alongside-lm", "--wait", "--timeout", "200",
                  *tx_args(info, "alice"), timeout=240)
    result.update(run=run, wall=time.monotonic() - started)


def submit_inference(info, i: int) -> tuple[dict, float]:
    """One `sprintd tx inference submit --wait`: (its JSON, latency in seconds)."""
    started = time.monotonic()
    run = sprintd("tx", "inference", "submit", "--model", "tiny-lm", "--prompt", f"Training alongside {i}",
                  "--max-tokens", "8", "--temperature", "0", "--wait", "--timeout", "90", *tx_args(info, "bob"),
                  timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout), time.monotonic() - started


def settled_once(chain: Chain, host: str) -> bool:
    """True once some past epoch settled `host` a weight > 0."""
    summaries = (chain.summary(n, host) for n in range(chain.epoch().number))
    return any(s is not None and s.settled_weight > 0 for s in summaries)


def overlapping_epochs(chain: Chain, first: int, last: int) -> list:
    """EpochInfo of every epoch whose blocks intersect heights [first, last]."""
    epochs, number = [], chain.epoch().number
    while number >= 0:
        info = chain.epoch(number)
        if info.end_height < first:
            break
        if info.start_height <= last:
            epochs.append(info)
        number -= 1
    return sorted(epochs, key=lambda e: e.number)


def test_training_runs_alongside_the_sprint_and_inference(devnet, tmp_path):
    from sprint.sprint.v1 import sprint_pb2
    from sprint.training.v1 import training_pb2

    from worker.training.corpus import english_corpus

    info, processes = devnet
    chain = Chain(processes.grpc_address)
    host = info["host"]["operator"]["address"]
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(english_corpus(CORPUS_BYTES, 1))

    # start from a worker already in step with the Sprint (an epoch settled it a weight), so a window
    # missed later is training's doing, not the worker's start-up (it builds the sprint model first)
    wait_until(lambda: settled_once(chain, host), 90, "an epoch that settled the host a weight", interval=0.5,
               alive=lambda: worker_alive(processes))
    training: dict = {}
    thread = threading.Thread(target=submit_training, args=(info, corpus, training), daemon=True)
    thread.start()
    job = wait_until(lambda: next((j for j in chain.jobs() if j.output_model == "alongside-lm"
                                   and j.status == training_pb2.TRAINING_JOB_STATUS_TRAINING), None),
                     90, "the training job assigned to the devnet host", alive=lambda: worker_alive(processes))
    latencies = []
    for i in range(INFERENCE_JOBS):
        assert thread.is_alive(), "training finished before the inference jobs: raise TRAIN['steps']"
        done, latency = submit_inference(info, i)
        assert done["status"] in ("JOB_STATUS_COMPLETED", "JOB_STATUS_SETTLED"), done
        latencies.append(round(latency, 1))
    assert thread.is_alive(), "training finished before the last inference job: raise TRAIN['steps']"
    thread.join(timeout=240)
    assert not thread.is_alive(), "sprintd tx training submit --wait did not return"
    run = training["run"]
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["status"] == "TRAINING_JOB_STATUS_COMPLETED", result
    worker_alive(processes)

    job = next(j for j in chain.jobs() if j.id == job.id)
    assert job.host == host and job.status == training_pb2.TRAINING_JOB_STATUS_COMPLETED
    first, last = job.assigned_height, job.finished_height
    epochs = overlapping_epochs(chain, first, last)
    full = [e.number for e in epochs if first <= e.start_height and e.end_height <= last]
    assert len(full) >= MIN_FULL_EPOCHS, f"only {full} ran inside training {first}..{last}: raise TRAIN['steps']"
    processes.wait_for_height(epochs[-1].end_height + 2, timeout=60)

    rows = []
    for epoch in epochs:
        s = chain.summary(epoch.number, host)
        row = (epoch.number, epoch.start_height, epoch.end_height, s and s.committed, s and s.revealed,
               s and s.batches, s and sprint_pb2.ProofStatus.Name(s.status), s and s.settled_weight)
        rows.append(row)
        assert s is not None and s.committed and s.revealed, f"epoch {epoch.number}: seed window missed {row}"
        assert s.batches > 0 and s.status == sprint_pb2.PROOF_STATUS_ACCEPTED, f"proofs missed: {row}"
        assert s.settled_weight > 0, f"epoch {epoch.number} settled no weight: {row}"
    log = processes.worker_log.read_text()
    trained = re.findall(r"training job \d+: segment \d+ .*trained in [^\n]*", log)
    print(f"\ntraining job {job.id}: heights {first}..{last}, wall {training['wall']:.1f}s, "
          f"{len(trained)} segments ({DEVNET_EPOCH_BLOCKS}-block epochs, full inside: {full})")
    print("epoch start end committed revealed batches status weight")
    for row in rows:
        print(" ".join(str(x) for x in row))
    print(f"inference latencies (s): {latencies}")
