"""`sprintd tx|q training` and the node's dataset admission against a real devnet (cometbft +
sprintd, no worker: the test signs the host worker's segment commits itself): bad input is one
line with the fix, a job whose dataset blob the node lacks is refused by CheckTx (its own code, no
mempool entry) and admitted once the blob is put, submit queues a job the queries show, the job
view and --plot show the committed loss curve, and the jobs list filters."""

from __future__ import annotations

import base64
import hashlib
import json
import threading

import pytest
from click.testing import CliRunner

from abci_app.cli.common import CliError
from abci_app.cli.main import cli
from tests.e2e.conftest import make_devnet_home, require_cometbft, sprintd
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.e2e

CORPUS = b"".join(b"line %d: the quick brown fox jumps over the lazy dog.\n" % i for i in range(400))  # ~21 KB


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    require_cometbft()
    from abci_app.devnet_runner import DevnetProcesses

    info = make_devnet_home(tmp_path_factory.mktemp("training-cli") / "home")
    processes = DevnetProcesses(info["home"], worker=False).start(ready_timeout=60)
    try:
        yield info
    finally:
        processes.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    path.write_bytes(CORPUS)
    return path


def run(*args: str):
    """The CLI in-process: (stdout, CliError or None)."""
    result = CliRunner().invoke(cli, list(args), standalone_mode=False)
    if result.exception is not None and not isinstance(result.exception, CliError):
        raise result.exception
    return result.stdout, result.exception


def q(info, *args: str) -> dict:
    out, err = run("q", *args, "--home", info["home"], "--output", "json")
    assert err is None, err
    return json.loads(out)


def submit_args(info, dataset, *extra: str, sender: str = "alice") -> tuple[str, ...]:
    return ("tx", "training", "submit", "--model", "tiny-lm", "--dataset-file", str(dataset), "--steps", "8",
            "--batch-size", "2", "--seq-len", "16", "--lr", "1e-3", *extra, "--from", sender, "--home", info["home"],
            "--keyring-backend", "test", "--yes")


def submit(info, dataset, output_model: str, *extra: str, sender: str = "alice") -> dict:
    out, err = run(*submit_args(info, dataset, "--output-model", output_model, *extra, sender=sender),
                   "--output", "json")
    assert err is None, err
    return json.loads(out)


def test_bad_input_is_one_line_with_the_fix(devnet, corpus):
    cases = [
        (submit_args(devnet, corpus, "--output-model", "a", "--checkpoint-interval", "3"),
         "--steps must be a multiple of --checkpoint-interval (3)"),
        (submit_args(devnet, corpus, "--output-model", "a", "--max-fee", "1usprint"), "pass --max-fee "),
        (submit_args(devnet, corpus, "--output-model", "tiny-lm"), "'tiny-lm' is already registered"),
        (submit_args(devnet, corpus, "--output-model", "a", "--lr", "2"), "--lr must be > 0 and at most"),
        (("q", "training", "job", "999999", "--home", devnet["home"]), "job 999999 not found"),
    ]
    for args, message in cases:
        result = sprintd(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def _signed_submit(info, dataset: bytes, output_model: str) -> tuple[bytes, str]:
    """A signed MsgSubmitTrainingJob for `dataset` (not uploaded) with its budget: (tx bytes, hash)."""
    from sprint.training.v1.training_pb2 import Hyperparams
    from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJob

    from abci_app.cli.framework import pack
    from abci_app.client import NodeClient, plan_tx, tx_hash
    from abci_app.keyring import Keyring

    key = Keyring(info["home"], backend="test").signing_key("alice")
    msg = MsgSubmitTrainingJob(
        submitter=key.bech32, base_model="tiny-lm", dataset_sha256=hashlib.sha256(dataset).hexdigest(),
        dataset_size=len(dataset), output_model=output_model, budget=10**9,
        hyper=Hyperparams(lr_nano=1_000_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
                          batch_size=2, seq_len=16, total_steps=4, checkpoint_interval=2))
    with NodeClient(info["grpc_address"]) as client:
        raw = plan_tx(client, key, [pack(msg)], info["chain_id"], gas=400_000).sign(key)
    return raw, tx_hash(raw)


def test_admission_refuses_a_dataset_the_node_lacks_until_it_is_put(devnet, tmp_path):
    from abci_app.admission import ADMISSION_CODESPACE, CODE_DATASET_NOT_HELD
    from abci_app.client import NodeClient
    from abci_app.rpc_client import CometRpc

    dataset = b"never uploaded before this test. " * 30
    raw, txhash = _signed_submit(devnet, dataset, "admitted-lm")
    with NodeClient(devnet["grpc_address"]) as client:
        refused = client.broadcast(raw)
        assert (refused.code, refused.codespace) == (CODE_DATASET_NOT_HELD, ADMISSION_CODESPACE), refused
        assert "`sprintd blobs put FILE`" in refused.raw_log
        with CometRpc(devnet["rpc_url"]) as rpc:
            assert base64.b64encode(raw).decode() not in (rpc.call("unconfirmed_txs").get("txs") or [])
        (tmp_path / "dataset.txt").write_bytes(dataset)
        _, err = run("blobs", "put", str(tmp_path / "dataset.txt"), "--from", "alice", "--keyring-backend", "test",
                     "--home", devnet["home"])
        assert err is None, err
        admitted = client.broadcast(raw)
        assert admitted.code == 0, admitted
        assert client.wait_for_tx(txhash, timeout=30).tx_response.code == 0


def _status(job: dict) -> str:
    return job["status"].removeprefix("TRAINING_JOB_STATUS_").lower()


def test_submit_queues_a_job_that_the_queries_show(devnet, corpus):
    done = submit(devnet, corpus, "queued-lm", "--checkpoint-interval", "2", "--sample-ppm", "500000")
    job = q(devnet, "training", "job", done["job_id"])["job"]
    assert job["output_model"] == "queued-lm" and job["dataset_sha256"] == hashlib.sha256(CORPUS).hexdigest()
    assert job["hyper"]["lr_nano"] == "1000000" and job["hyper"]["checkpoint_interval"] == 2
    assert job["sample_ppm"] == 500_000 and int(job["budget"]) == int(job["train_cost"]) + int(job["verify_cost"])
    assert _status(job) in ("queued", "training") and job["progress"]["total_steps"] == 8
    alice, bob = (a["address"] for a in devnet["accounts"][:2])
    ids = lambda *filters: [j["id"] for j in q(devnet, "training", "jobs", *filters)["jobs"]]  # noqa: E731
    assert done["job_id"] in ids("--submitter", alice) and done["job_id"] not in ids("--submitter", bob)
    assert done["job_id"] in ids("--status", _status(job)) and done["job_id"] not in ids("--status", "failed")
    assert ids("--limit", "1") == [min(ids(), key=int)]
    out, err = run("q", "training", "job", done["job_id"], "--home", devnet["home"])
    assert err is None and out.startswith(f"job {done['job_id']}: ") and "model: tiny-lm -> queued-lm" in out
    params = q(devnet, "training", "params")["params"]
    assert params["fee_denom"] == "usprint" and int(params["max_intervals"]) >= 4


def _wait_assigned(info, job_id: int, timeout: float = 60):
    """The job once the scheduler gave it to the devnet's host (TRAINING)."""
    from abci_app.cli.training_view import fetch_job, status_name
    from abci_app.client import NodeClient

    with NodeClient(info["grpc_address"]) as client:
        wait_until(lambda: status_name(fetch_job(client, job_id)) == "TRAINING_JOB_STATUS_TRAINING", timeout=timeout,
                   what=f"training job {job_id} assigned")
        return fetch_job(client, job_id)


def _commit_segments(info, job) -> None:
    """Commit every segment of `job` as the devnet host's worker (losses falling from 5.5), each
    waited for: with no other host there is no committee, so each segment passes at once."""
    from sprint.training.v1.tx_pb2 import MsgCommitTrainingSegment

    from abci_app.cli.framework import pack
    from abci_app.client import NodeClient, sign_and_broadcast
    from abci_app.keyring import Keyring
    from chain.modules.training.cost import segment_layout
    from chain.modules.training.merkle import leaf_hash, merkle_root

    key = Keyring(info["home"], backend="test").signing_key(info["host"]["worker"]["name"])
    state = hashlib.sha256(b"end state").hexdigest()
    with NodeClient(info["grpc_address"]) as client:
        for segment, (first, count) in enumerate(segment_layout(job.intervals, job.intervals_per_segment)):
            losses = [5_500_000 - 100_000 * (first + i) for i in range(count)]
            root = merkle_root([leaf_hash(job.id, first + i, state, state, loss) for i, loss in enumerate(losses)])
            msg = MsgCommitTrainingSegment(worker=key.bech32, job_id=job.id, segment=segment, root=root,
                                           losses_micro=losses, end_weights_sha256=state, end_optim_sha256=state,
                                           end_weights_size=100, end_optim_size=200)
            sent = sign_and_broadcast(client, key, [pack(msg)], info["chain_id"])
            assert sent.code == 0, sent.raw_log
            assert client.wait_for_tx(sent.txhash, timeout=30).tx_response.code == 0


def test_wait_follows_the_job_to_completion_and_the_view_plots_it(devnet, corpus, tmp_path):
    from abci_app.cli.training_view import fetch_job
    from abci_app.client import NodeClient

    followed: dict = {}
    args = submit_args(devnet, corpus, "--output-model", "done-lm", "--wait", "--timeout", "120", "--output", "json")
    waiter = threading.Thread(target=lambda: followed.update(result=run(*args)), daemon=True)
    waiter.start()
    with NodeClient(devnet["grpc_address"]) as client:
        wait_until(lambda: any(j.output_model == "done-lm" for j in _jobs(client)), timeout=60, what="job submitted")
        job_id = next(j.id for j in _jobs(client) if j.output_model == "done-lm")
    _commit_segments(devnet, _wait_assigned(devnet, job_id))
    waiter.join(timeout=60)
    out, err = followed["result"]
    assert err is None, err
    result = json.loads(out)
    assert (result["status"], result["output_model"]) == ("TRAINING_JOB_STATUS_COMPLETED", "done-lm")
    job = q(devnet, "training", "job", str(job_id))["job"]
    assert job["progress"]["verified_segments"] == job["segments"] and job["progress"]["steps_done"] == 8
    assert [p["loss"] for p in job["loss_curve"]][:2] == [5.5, 5.4]
    assert "done-lm" in [m["name"] for m in q(devnet, "inference", "models")["models"]]
    assert str(job_id) in [j["id"] for j in q(devnet, "training", "jobs", "--host", job["host"])["jobs"]]
    plot = tmp_path / "loss.png"
    out, err = run("q", "training", "job", str(job_id), "--plot", str(plot), "--home", devnet["home"])
    assert err is None and plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "loss: " in out  # matplotlib: dev extra
    with NodeClient(devnet["grpc_address"]) as client:
        assert fetch_job(client, job_id).output_weights_sha256 == hashlib.sha256(b"end state").hexdigest()


def _jobs(client):
    from sprint.training.v1 import query_pb2

    from abci_app.cli.framework import call_query

    return call_query(client, "Jobs", query_pb2.QueryJobsRequest(limit=100)).jobs


def test_announce_maintenance_by_the_worker_key_and_its_bounds(devnet):
    from abci_app.client import NodeClient

    operator, err = run("keys", "show", "operator", "-a", "--home", devnet["home"], "--keyring-backend", "test")
    assert err is None
    operator = operator.strip()
    notice = int(q(devnet, "training", "params")["params"]["maintenance_notice_blocks"])
    with NodeClient(devnet["grpc_address"]) as client:
        height = client.latest_height()
    base = ("tx", "training", "announce-maintenance", "--from", "worker", "--home", devnet["home"],
            "--keyring-backend", "test", "--yes")
    _, err = run(*base, "--start", str(height + 20), "--end", str(height + 10))
    assert "--end" in str(err) and "must not be before --start" in str(err)
    _, err = run(*base, "--start", str(height + 1), "--end", str(height + 2))  # inside the notice period
    assert err is not None and "announced" in str(err) and len(str(err).splitlines()) == 1
    assert q(devnet, "training", "maintenance", operator)["windows"] == []
    start = height + notice + 20
    _, err = run(*base, "--start", str(start), "--end", str(start + 5), "--wait")
    assert err is None, err
    windows = q(devnet, "training", "maintenance", operator)["windows"]
    assert [(int(w["start_height"]), int(w["end_height"])) for w in windows] == [(start, start + 5)]
