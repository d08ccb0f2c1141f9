"""Local pieces of `sprintd tx|q training` (no node needed): decimals to *_nano, the job's bounds
against the training params and the model (one line naming the fix), the cost refusal, the job id
of a committed submit, and the job view (progress, loss sparkline/table, --plot PNG)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner
from sprint.inference.v1.inference_pb2 import Model, ModelConfig, Verdict
from sprint.training.v1.training_pb2 import (
    CommitteeVote,
    Hyperparams,
    Segment,
    SegmentStatus,
    TrainingJob,
    TrainingJobStatus,
)

from abci_app.cli import training_cmd
from abci_app.cli.common import CliError
from abci_app.cli.main import cli
from abci_app.cli.training_input import (
    JobInput,
    build_hyper,
    check_dataset,
    check_verification,
    default_checkpoint_interval,
    estimate_costs,
    parse_nano,
    read_dataset,
)
from abci_app.cli.training_view import (
    job_dict,
    job_lines,
    loss_points,
    plot_loss,
    progress,
    reassignment_steps,
    sparkline,
)
from chain.modules.training.params import default_params
from genesis.tiny_lm import tiny_lm_config

PARAMS = default_params()
CONFIG = ModelConfig(**tiny_lm_config())
JOB = JobInput(model="tiny-lm", output_model="tiny-ft", dataset_size=20_000, steps=32, batch_size=4, seq_len=32,
               checkpoint_interval=4, lr_nano=300_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
               weight_decay_nano=10_000_000, sample_ppm=0, committee_size=0, tolerance_ppm=0)


@pytest.mark.parametrize("text,nano", [("3e-4", 300_000), ("0.0003", 300_000), ("0.9", 900_000_000), ("1e-8", 10),
                                       ("0", 0), ("1", 10**9)])
def test_decimals_become_nano(text, nano):
    assert parse_nano(text, "--lr") == nano


@pytest.mark.parametrize("text,message", [("-1", "decimal >= 0"), ("abc", "decimal >= 0"), ("inf", "decimal >= 0"),
                                          ("1e-10", "round it to 9 decimals")])
def test_bad_decimals(text, message):
    with pytest.raises(CliError, match=message):
        parse_nano(text, "--lr")


def test_a_valid_job_gives_its_hyperparams():
    hyper = build_hyper(JOB, PARAMS, CONFIG)
    assert (hyper.total_steps, hyper.checkpoint_interval, hyper.seq_len, hyper.lr_nano) == (32, 4, 32, 300_000)
    defaulted = build_hyper(dataclasses.replace(JOB, seq_len=None, checkpoint_interval=None), PARAMS, CONFIG)
    assert (defaulted.seq_len, defaulted.checkpoint_interval) == (64, 2)  # min(64, max_seq_len); 16 intervals
    assert default_checkpoint_interval(7, 1024) == 1 and default_checkpoint_interval(100, 1024) == 10


@pytest.mark.parametrize("change,message", [
    ({"checkpoint_interval": 5}, r"--steps must be a multiple of --checkpoint-interval \(5\)"),
    ({"steps": 4096, "checkpoint_interval": 2}, "over the chain's max_intervals 1024; pass --checkpoint-interval 4"),
    ({"steps": 200_000}, "--steps 200000 is outside 1..100000"),
    ({"batch_size": 0}, "--batch-size 0 is outside 1..256"),
    ({"seq_len": 4096}, r"--seq-len 4096 is outside 1..128 \(the model's max_seq_len\)"),
    ({"lr_nano": 0}, "--lr must be > 0 and at most 0.1"),
    ({"beta2_nano": 10**9}, r"--beta2 must be in \[0, 1\)"),
    ({"eps_nano": 0}, r"--eps must be in \(0, 1\]"),
    ({"weight_decay_nano": 2 * 10**9}, "--weight-decay must be at most 1"),
])
def test_out_of_range_jobs_name_the_fix(change, message):
    with pytest.raises(CliError, match=message):
        build_hyper(dataclasses.replace(JOB, **change), PARAMS, CONFIG)


def test_verification_fields_and_dataset_bounds():
    assert check_verification(JOB, PARAMS) == (250_000, 3)
    assert check_verification(dataclasses.replace(JOB, sample_ppm=500_000, committee_size=2), PARAMS) == (500_000, 2)
    with pytest.raises(CliError, match="--committee-size 17 is outside 1..16"):
        check_verification(dataclasses.replace(JOB, committee_size=17), PARAMS)
    with pytest.raises(CliError, match="needs at least --seq-len \\+ 2 = 34"):
        check_dataset(33, 32, PARAMS)
    with pytest.raises(CliError, match="over the chain's max_dataset_bytes"):
        check_dataset(PARAMS.max_dataset_bytes + 1, 32, PARAMS)


def test_dataset_file_errors(tmp_path):
    with pytest.raises(CliError, match="cannot read --dataset-file"):
        read_dataset(str(tmp_path / "missing.txt"), 100)
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(CliError, match="over the blob limit of 100 bytes"):
        read_dataset(str(tmp_path / "big"), 100)


def _fake_node(monkeypatch, registered=("tiny-lm",)):
    """submit_message's queries answered locally: the default params and the tiny-lm model."""
    def fetch_model(client, name):
        if name not in registered:
            raise CliError(f"model {name!r} is not registered (see `sprintd q inference models`)")
        return Model(name=name, config=CONFIG, price_per_token=100)

    monkeypatch.setattr(training_cmd, "fetch_params", lambda client: PARAMS)
    monkeypatch.setattr(training_cmd, "fetch_model", fetch_model)


def test_the_cost_estimate_refuses_a_low_max_fee(monkeypatch):
    _fake_node(monkeypatch)
    hyper = build_hyper(JOB, PARAMS, CONFIG)
    load, train, verify = estimate_costs(PARAMS, CONFIG, hyper, 250_000, 3)
    assert train == PARAMS.price_per_gflop * load and verify == -(-train * 750_000 // 10**6)
    cost = train + verify
    with pytest.raises(CliError, match=f"below the job's cost {cost}usprint .*; pass --max-fee {cost}usprint"):
        training_cmd.submit_message(None, "sprint1submitter", JOB, "ab" * 32, cost - 1)
    msg = training_cmd.submit_message(None, "sprint1submitter", JOB, "ab" * 32, None)
    assert (msg.budget, msg.hyper, msg.dataset_size, msg.sample_ppm) == (cost, hyper, 20_000, 0)


def test_unknown_or_taken_models_are_refused(monkeypatch):
    _fake_node(monkeypatch, registered=("tiny-lm", "taken"))
    with pytest.raises(CliError, match="model 'nope' is not registered"):
        training_cmd.submit_message(None, "s", dataclasses.replace(JOB, model="nope"), "ab" * 32, None)
    with pytest.raises(CliError, match="'taken' is already registered; choose another --output-model"):
        training_cmd.submit_message(None, "s", dataclasses.replace(JOB, output_model="taken"), "ab" * 32, None)
    with pytest.raises(CliError, match="--output-model: model name 'Bad Name' has character"):
        training_cmd.submit_message(None, "s", dataclasses.replace(JOB, output_model="Bad Name"), "ab" * 32, None)


def test_flag_errors_are_one_line_before_any_node_is_contacted(tmp_path):
    data = tmp_path / "d.txt"
    data.write_text("hello " * 100)
    args = ["tx", "training", "submit", "--model", "tiny-lm", "--dataset-file", str(data), "--steps", "8",
            "--batch-size", "2", "--output-model", "ft", "--from", "alice", "--home", str(tmp_path), "--yes"]
    result = CliRunner().invoke(cli, [*args, "--lr", "fast"], standalone_mode=False)
    assert isinstance(result.exception, CliError) and "invalid --lr 'fast'" in str(result.exception)
    result = CliRunner().invoke(cli, [*args, "--lr", "1e-3", "--max-fee", "5sprint"], standalone_mode=False)
    assert "write 5000000usprint" in str(result.exception)


def _job() -> TrainingJob:
    """A job re-assigned once: segment 1 voided after host A faulted, host B resumed at interval 2."""
    seg = Segment
    return TrainingJob(
        id=7, submitter="sprint1sub", base_model="tiny-lm", output_model="tiny-ft", dataset_sha256="ab" * 32,
        dataset_size=20_000, status=TrainingJobStatus.TRAINING_JOB_STATUS_TRAINING, host="sprint1hostb",
        hyper=Hyperparams(total_steps=16, checkpoint_interval=2, batch_size=4, seq_len=32, lr_nano=300_000),
        intervals=8, segments=4, reassignments=1, excluded=["sprint1hosta"], budget=5000, train_cost=4000,
        data_seed=b"\x01" * 32,
        segments_log=[
            seg(index=0, host="sprint1hosta", first_interval=0, interval_count=2, losses_micro=[5_500_000, 5_000_000],
                status=SegmentStatus.SEGMENT_STATUS_PASSED, root=b"\xaa" * 32, sampled_intervals=[1],
                committee=["sprint1hostb"], votes=[CommitteeVote(voter="sprint1hostb", verdict=Verdict.VERDICT_VALID,
                                                                  distances_ppm=[1234], height=9)]),
            seg(index=1, host="sprint1hosta", first_interval=2, interval_count=2, losses_micro=[4_800_000, 4_700_000],
                status=SegmentStatus.SEGMENT_STATUS_VOIDED),
            seg(index=1, host="sprint1hostb", first_interval=2, interval_count=2, losses_micro=[4_600_000, 4_200_000],
                status=SegmentStatus.SEGMENT_STATUS_SAMPLED),
        ])


def test_job_view_progress_loss_curve_and_reassignments():
    job = _job()
    now = progress(job)
    assert (now.steps_done, now.total_steps, now.verified, now.segments, now.latest_loss) == (8, 16, 1, 4, 4.2)
    assert [p.step for p in loss_points(job) if not p.voided] == [2, 4, 6, 8]
    assert reassignment_steps(job) == [(4, "sprint1hostb")]
    assert sparkline([3.0, 2.0, 1.0]) == "█▅▁" and sparkline([]) == ""
    lines = job_lines(job)
    assert lines[0] == "job 7: TRAINING  step 8/16  verified 1/4 segments"
    assert "re-assignments: 1 (excluded: sprint1hosta)" in lines
    assert any("vote sprint1hostb VALID distances ['0.001234']" in line for line in lines)
    assert any(line.startswith("loss: ") and "5.5000 -> 4.2000" in line for line in lines)
    data = json.loads(json.dumps(job_dict(job)))
    assert data["data_seed"] == "01" * 32 and data["segments_log"][0]["root"] == "aa" * 32
    assert data["progress"]["steps_done"] == 8 and len(data["loss_curve"]) == 6


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "loss.png"
    plot_loss(_job(), str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(CliError, match="no committed segment yet"):
        plot_loss(TrainingJob(id=3, hyper=Hyperparams(total_steps=4, checkpoint_interval=2)), str(path))
    with pytest.raises(CliError, match="cannot write --plot"):
        plot_loss(_job(), str(tmp_path / "no-such-dir" / "loss.png"))


def test_job_id_of_a_committed_submit():
    from cosmos.base.abci.v1beta1.abci_pb2 import TxMsgData, TxResponse
    from google.protobuf.any_pb2 import Any
    from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJobResponse

    data = TxMsgData(msg_responses=[Any(type_url="/x", value=MsgSubmitTrainingJobResponse(job_id=12)
                                        .SerializeToString())]).SerializeToString().hex().upper()
    assert training_cmd.submitted_job_id(TxResponse(data=data)) == "12"
    assert training_cmd.submitted_job_id(TxResponse(data="zz")) is None
    assert training_cmd.submitted_job_id(TxResponse(data="ffff")) is None


def _follow(monkeypatch, capsys, statuses, timeout=30.0):
    """follow_job over jobs whose status goes through `statuses` (KeyboardInterrupt raises it)."""
    from abci_app.cli import training_follow

    jobs = iter(statuses)

    def fetch_job(client, job_id):
        status = next(jobs)
        if status is KeyboardInterrupt:
            raise KeyboardInterrupt
        job = _job()
        job.status = TrainingJobStatus.Value(f"TRAINING_JOB_STATUS_{status}")
        return job

    monkeypatch.setattr(training_follow, "fetch_job", fetch_job)
    monkeypatch.setattr(training_follow, "POLL_SECONDS", 0.0)
    result = training_follow.follow_job(None, 7, timeout)
    return result, capsys.readouterr().err


def test_wait_prints_progress_until_a_final_status(monkeypatch, capsys):
    job, err = _follow(monkeypatch, capsys, ["QUEUED", "TRAINING", "TRAINING", "COMPLETED"])
    assert job.status == TrainingJobStatus.TRAINING_JOB_STATUS_COMPLETED
    lines = err.strip().splitlines()
    assert lines[0] == "job 7: step 8/16  loss 4.2000  verified 1/4  QUEUED  host sprint1hostb"
    assert len(lines) == 3 and lines[-1].endswith("COMPLETED  host sprint1hostb")


def test_ctrl_c_leaves_the_job_running_and_a_timeout_says_how_to_follow(monkeypatch, capsys):
    job, err = _follow(monkeypatch, capsys, ["TRAINING", KeyboardInterrupt])
    assert job is None and "it keeps running on chain: follow it with `sprintd q training job 7`" in err
    with pytest.raises(CliError, match="still TRAINING_JOB_STATUS_TRAINING after 0.001s; it keeps running"):
        _follow(monkeypatch, capsys, ["TRAINING"] * 100, timeout=0.001)


def test_the_end_of_a_followed_job(capsys):
    job = _job()
    job.status, job.output_weights_sha256 = TrainingJobStatus.TRAINING_JOB_STATUS_COMPLETED, "cd" * 32
    training_cmd._print_end(job, {"job_id": "7"}, "text")  # noqa: SLF001 - the --wait ending
    assert capsys.readouterr().out.startswith(f"job 7 COMPLETED: output model tiny-ft (weights {'cd' * 32})")
    job.status, job.fail_reason, job.refunded = TrainingJobStatus.TRAINING_JOB_STATUS_FAILED, "no host", 4000
    with pytest.raises(CliError, match="job 7 FAILED: no host; 4000usprint refunded"):
        training_cmd._print_end(job, {"job_id": "7"}, "text")  # noqa: SLF001
    assert capsys.readouterr().out == ""
