"""The DiLoCo parts of `sprintd tx training submit` and `q training job` (no node): --workers,
--inner-steps, --outer-lr, --outer-momentum checked against docs/diloco.md §1 with one line naming the
fix, the DiLoCo cost (the chain's own diloco_costs) in the message, and the job view's rounds."""

from __future__ import annotations

import dataclasses

import pytest
from sprint.inference.v1.inference_pb2 import Model, ModelConfig
from sprint.training.v1 import training_pb2 as tpb

from abci_app.cli import training_cmd
from abci_app.cli.common import CliError
from abci_app.cli.training_input import JobInput, build_hyper, check_diloco, check_verification, estimate_costs
from abci_app.cli.training_view import job_lines, progress
from chain.modules.training.params import default_params
from genesis.tiny_lm import tiny_lm_config

PARAMS = default_params()
CONFIG = ModelConfig(**tiny_lm_config())
JOB = JobInput(model="tiny-lm", output_model="tiny-dl", dataset_size=20_000, steps=40, batch_size=4, seq_len=32,
               checkpoint_interval=4, lr_nano=1_000_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
               weight_decay_nano=10_000_000, sample_ppm=0, committee_size=0, tolerance_ppm=0, workers=3,
               inner_steps=8)


@pytest.mark.parametrize("change,message", [
    ({"workers": 9}, "--workers 9 is over the chain's max_workers 4"),
    ({"inner_steps": 0}, "--inner-steps is required with --workers > 1"),
    ({"inner_steps": 16}, "--inner-steps 16 must divide --steps 40"),
    ({"inner_steps": 10}, "--inner-steps 10 must be a multiple of the checkpoint interval 4"),
    ({"outer_momentum_nano": 10**9}, r"--outer-momentum must be in \[0, 1\)"),
    ({"outer_lr_nano": 11 * 10**9}, "--outer-lr must be at most 10"),
])
def test_diloco_flags_out_of_bounds_name_the_fix(change, message):
    job = dataclasses.replace(JOB, **change)
    with pytest.raises(CliError, match=message):
        check_diloco(job, build_hyper(job, PARAMS, CONFIG), PARAMS)


def test_single_prover_jobs_ignore_the_diloco_flags():
    single = dataclasses.replace(JOB, workers=1, inner_steps=0)
    check_diloco(single, build_hyper(single, PARAMS, CONFIG), PARAMS)
    assert check_verification(single, PARAMS) == (PARAMS.default_sample_ppm, PARAMS.default_committee_size)
    assert check_verification(JOB, PARAMS) == (PARAMS.outer_sample_ppm, PARAMS.outer_committee_size)


def test_the_message_carries_the_diloco_fields_and_the_diloco_cost(monkeypatch):
    from chain.modules.training.cost import load_gflop, param_count
    from chain.modules.training.diloco_submit import diloco_costs

    def fetch_model(client, name):  # only the base model is registered
        if name != "tiny-lm":
            raise CliError(f"model {name!r} is not registered")
        return Model(name=name, config=CONFIG)

    monkeypatch.setattr(training_cmd, "fetch_params", lambda client: PARAMS)
    monkeypatch.setattr(training_cmd, "fetch_model", fetch_model)
    job = dataclasses.replace(JOB, outer_lr_nano=500_000_000)
    msg = training_cmd.submit_message(None, "sprint1submitter", job, "ab" * 32, None)
    hyper = build_hyper(job, PARAMS, CONFIG)
    _, train, verify = diloco_costs(PARAMS, load_gflop(param_count(CONFIG), hyper), PARAMS.outer_sample_ppm,
                                    PARAMS.outer_committee_size, 3)
    assert estimate_costs(PARAMS, CONFIG, hyper, PARAMS.outer_sample_ppm, PARAMS.outer_committee_size, 3)[1:] == \
        (train, verify)
    assert (msg.workers, msg.inner_steps, msg.outer_lr_nano, msg.outer_momentum_nano) == (3, 8, 500_000_000, 0)
    assert msg.budget == train + verify
    single = training_cmd.submit_message(None, "s", dataclasses.replace(JOB, workers=1), "ab" * 32, None)
    assert (single.workers, single.inner_steps) == (0, 0)


def diloco_job() -> tpb.TrainingJob:
    job = tpb.TrainingJob(id=3, status=tpb.TRAINING_JOB_STATUS_TRAINING, hyper=tpb.Hyperparams(
        total_steps=40, checkpoint_interval=4))
    d = job.diloco
    d.workers_wanted, d.inner_steps, d.rounds, d.current_round = 3, 8, 5, 1
    d.outer_lr_nano, d.outer_momentum_nano, d.rollbacks, d.redone_steps = 700_000_000, 900_000_000, 1, 8
    d.workers.add(host="sprint1aaa", rank=0, active=True, accepted_steps=8)
    d.workers.add(host="sprint1bbb", rank=1, active=False)
    gone = d.rounds_log.add(index=0, status=tpb.ROUND_STATUS_ROLLED_BACK, check=tpb.ROUND_CHECK_FRAUD,
                            checked_host="sprint1bbb")
    gone.contributions.add(host="sprint1bbb", rank=1, losses_micro=[9_000_000])
    closed = d.rounds_log.add(index=0, status=tpb.ROUND_STATUS_CLOSED, check=tpb.ROUND_CHECK_UNCHECKED,
                              agreed_weights_sha256="cd" * 32)
    closed.contributions.add(host="sprint1aaa", rank=0, losses_micro=[3_000_000, 2_500_000])
    d.rounds_log.add(index=1, status=tpb.ROUND_STATUS_OPEN)
    return job


def test_the_job_view_shows_workers_rounds_and_round_progress():
    job = diloco_job()
    now = progress(job)
    assert (now.steps_done, now.total_steps, now.verified, now.segments, now.latest_loss) == (8, 40, 1, 5, 2.5)
    text = "\n".join(job_lines(job))
    assert "DiLoCo: 3 workers x 8 inner steps, round 1/5  outer lr 0.7  momentum 0.9  rollbacks 1" in text
    assert "rank 1 sprint1bbb  left" in text and "accepted steps 8" in text
    assert "#0 ROLLED_BACK  check FRAUD of sprint1bbb  contributions (rank:loss) [1:9.0000]" in text
    assert "#0 CLOSED  check UNCHECKED  contributions (rank:loss) [0:2.5000]" in text
    assert f"theta {'cd' * 32}" in text and "segments:" not in text
