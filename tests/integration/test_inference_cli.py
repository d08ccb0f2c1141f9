"""`sprintd tx|q inference`, `q reputation|rewards` and `sprintd blobs` against a real devnet
(cometbft + sprintd + its sprint-worker, which executes the jobs): submit with --wait prints the
result, long prompts travel as blobs, the genesis model's weights are served by the node, models can
be registered, and bad input gives one line with the fix."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from abci_app.cli.common import CliError
from abci_app.cli.main import cli
from genesis.tiny_lm import generate_tiny_lm
from tests.e2e.conftest import make_devnet_home, require_cometbft, sprintd

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    require_cometbft()
    from abci_app.devnet_runner import DevnetProcesses

    info = make_devnet_home(tmp_path_factory.mktemp("inference-cli") / "home")
    processes = DevnetProcesses(info["home"], worker=True, worker_threads=1).start(ready_timeout=60)
    try:
        yield info
    finally:
        processes.stop()


def run(*args: str):
    """The CLI in-process: (output, CliError or None)."""
    result = CliRunner().invoke(cli, list(args), standalone_mode=False)
    if result.exception is not None and not isinstance(result.exception, CliError):
        raise result.exception
    return result.stdout, result.exception


def q(info, *args: str) -> dict:
    out, err = run("q", *args, "--home", info["home"], "--output", "json")
    assert err is None, err
    return json.loads(out)


def tx(info, *args: str, sender: str = "alice") -> dict:
    out, err = run("tx", *args, "--from", sender, "--home", info["home"], "--keyring-backend", "test", "--yes",
                   "--output", "json")
    assert err is None, err
    return json.loads(out)


def test_genesis_model_and_its_weights_blob(devnet, tmp_path):
    [model] = q(devnet, "inference", "models")["models"]
    assert (model["name"], model["price_per_token"], model["init_seed"]) == ("tiny-lm", "100", "5")
    target = tmp_path / "w.safetensors"
    _, err = run("blobs", "get", model["weights_sha256"], "-o", str(target), "--home", devnet["home"])
    assert err is None and target.read_bytes() == generate_tiny_lm(5)
    (tmp_path / "f").write_bytes(b"some file")
    out, _ = run("blobs", "put", str(tmp_path / "f"), "--from", "alice", "--keyring-backend", "test",
                 "--home", devnet["home"], "--output", "json")
    assert json.loads(out) == {"sha256": hashlib.sha256(b"some file").hexdigest(), "size": "9", "created": True}


def test_submit_wait_prints_the_result_and_queries_show_it(devnet):
    done = tx(devnet, "inference", "submit", "--model", "tiny-lm", "--prompt", "Hello", "--max-tokens", "6",
              "--temperature", "0", "--wait", "--timeout", "60")
    assert done["status"] in ("JOB_STATUS_COMPLETED", "JOB_STATUS_SETTLED"), done
    job = q(devnet, "inference", "job", done["job_id"])
    assert job["job"]["prompt"] == "Hello" and job["job"]["cost"] == str(100 * (5 + 6))
    assert len(job["job"]["result"]["output_tokens"]) == 6 and job["output_text"] == done["output_text"]
    alice = devnet["accounts"][0]["address"]
    assert done["job_id"] in [j["id"] for j in q(devnet, "inference", "jobs", "--requester", alice)["jobs"]]
    executor = job["job"]["executor"]
    assert q(devnet, "reputation", "host", executor)["reputation"]["jobs_completed"] != "0"
    assert int(q(devnet, "rewards", "pending", executor)["block_reward"]) > 0
    # only the requester may report; alice's report is accepted and recorded
    _, err = run("tx", "inference", "report", done["job_id"], "--from", "bob", "--home", devnet["home"],
                 "--keyring-backend", "test", "--yes")
    assert err is not None and "only the requester" in str(err)
    out, err = run("tx", "inference", "report", done["job_id"], "--reason", "looks odd", "--wait", "--from", "alice",
                   "--home", devnet["home"], "--keyring-backend", "test", "--yes", "--output", "json")
    if err is None:
        assert json.loads(out)["code"] == 0
        assert q(devnet, "inference", "job", done["job_id"])["job"]["reporter"] == alice
    else:  # the job's audit epoch settled first (short devnet epochs)
        assert "only a COMPLETED job" in str(err)
        assert q(devnet, "inference", "job", done["job_id"])["job"]["status"] == "JOB_STATUS_SETTLED"


def test_register_model_and_submit_a_long_prompt_as_a_blob(devnet, tmp_path):
    config = {"vocab_size": 256, "d_model": 8, "n_layers": 1, "n_heads": 2, "d_ff": 16, "max_seq_len": 4400}
    weights = tmp_path / "long.safetensors"
    weights.write_bytes(generate_tiny_lm(7, config))
    reg = tx(devnet, "inference", "register-model", "--name", "long-lm", "--config-json", json.dumps(config),
             "--weights-file", str(weights), "--price-per-token", "1", "--wait")
    assert reg["code"] == 0, reg
    model = next(m for m in q(devnet, "inference", "models")["models"] if m["name"] == "long-lm")
    assert model["weights_sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("long prompt " * 350)  # 4200 bytes > max_inline_prompt_bytes 4096
    submitted = tx(devnet, "inference", "submit", "--model", "long-lm", "--prompt-file", str(prompt),
                   "--max-tokens", "1", "--max-fee", "5000usprint")
    job = q(devnet, "inference", "job", submitted["job_id"])["job"]
    assert "prompt" not in job and job["prompt_size"] == "4200"
    out, err = run("blobs", "get", job["prompt_blob_sha256"], "--local-only", "--home", devnet["home"])
    assert err is None and out == prompt.read_text()


def test_bad_input_is_one_line_with_the_fix(devnet):
    home = ("--home", devnet["home"], "--keyring-backend", "test", "--yes")
    cases = [
        (("tx", "inference", "submit", "--model", "nope", "--prompt", "x", "--from", "alice", *home),
         "model 'nope' is not registered"),
        (("tx", "inference", "submit", "--model", "tiny-lm", "--prompt", "hi", "--max-tokens", "4",
          "--max-fee", "10usprint", "--from", "alice", *home), "pass --max-fee 600usprint"),
        (("tx", "inference", "submit", "--model", "tiny-lm", "--prompt", "hi", "--temperature", "-1",
          "--from", "alice", *home), "invalid --temperature"),
        (("q", "inference", "job", "999999", "--home", devnet["home"]), "job 999999 does not exist"),
        (("blobs", "get", "0" * 64, "--home", devnet["home"]), "not found on this node or any registered host"),
        (("q", "reputation", "host", devnet["accounts"][0]["address"], "--home", devnet["home"]),
         "not a registered host"),
    ]
    for args, message in cases:
        result = sprintd(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
