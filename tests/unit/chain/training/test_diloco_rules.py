"""Pure DiLoCo rules (docs/diloco.md): the agreed-hash rule, the rollback target, submission
validation, costs, per-worker collateral and the params' DiLoCo validation."""

from __future__ import annotations

import pytest
from sprint.training.v1.training_pb2 import (
    ROUND_CHECK_PASSED, ROUND_CHECK_PENDING, ROUND_CHECK_UNCHECKED, ROUND_CHECK_VOTING, ROUND_STATUS_CLOSED,
    ROUND_STATUS_OPEN, ROUND_STATUS_OUTER, ROUND_STATUS_ROLLED_BACK, DilocoRound, DilocoState, Hyperparams,
    OuterCommit, TrainingJob,
)
from sprint.training.v1.tx_pb2 import MsgSubmitTrainingJob

from chain.errors import ErrInvalidRequest
from chain.modules.training.diloco_rollback import rollback_target
from chain.modules.training.diloco_rounds import agreed_pair
from chain.modules.training.diloco_schedule import worker_collateral, worker_load
from chain.modules.training.diloco_state import free_rank, recount_accepted
from chain.modules.training.diloco_submit import diloco_costs, diloco_fields, is_diloco, validate_diloco_submit
from chain.modules.training.params import default_params, validate_params


def commit(host, w, m="m"):
    return OuterCommit(host=host, weights_sha256=w, momentum_sha256=m, weights_size=10)


def test_agreed_pair_is_the_most_committed_ties_to_the_earliest():
    rnd = DilocoRound(outer_commits=[commit("a", "x"), commit("b", "y"), commit("c", "y")])
    assert agreed_pair(rnd).host == "b"
    rnd = DilocoRound(outer_commits=[commit("a", "x"), commit("b", "y")])
    assert agreed_pair(rnd).host == "a"
    rnd = DilocoRound(outer_commits=[commit("a", "x", "m1"), commit("b", "x", "m2"), commit("c", "x", "m2")])
    assert agreed_pair(rnd).momentum_sha256 == "m2"
    assert agreed_pair(DilocoRound()) is None


def job_with(rounds) -> TrainingJob:
    job = TrainingJob(diloco=DilocoState(workers_wanted=2, inner_steps=4, rounds=8))
    for index, (status, check) in enumerate(rounds):
        job.diloco.rounds_log.append(DilocoRound(index=index, status=status, check=check))
    return job


def test_rollback_target_is_the_first_unverified_round_at_or_before_the_fraud():
    closed = ROUND_STATUS_CLOSED
    job = job_with([(closed, ROUND_CHECK_PASSED), (closed, ROUND_CHECK_UNCHECKED), (closed, ROUND_CHECK_VOTING),
                    (closed, ROUND_CHECK_VOTING), (ROUND_STATUS_OPEN, 0)])
    assert rollback_target(job, 3) == 2          # round 2's check is still pending
    assert rollback_target(job, 2) == 2
    job = job_with([(closed, ROUND_CHECK_PASSED), (closed, ROUND_CHECK_PASSED), (closed, ROUND_CHECK_VOTING)])
    assert rollback_target(job, 2) == 2
    job = job_with([(closed, ROUND_CHECK_PENDING), (ROUND_STATUS_OUTER, ROUND_CHECK_PENDING)])
    assert rollback_target(job, 1) == 0
    job.diloco.rounds_log[0].status = ROUND_STATUS_ROLLED_BACK  # not live: ignored
    job.diloco.rounds_log.append(DilocoRound(index=0, status=closed, check=ROUND_CHECK_UNCHECKED))
    assert rollback_target(job, 1) == 1


def submit(**fields) -> MsgSubmitTrainingJob:
    hyper = fields.pop("hyper", Hyperparams(total_steps=40, checkpoint_interval=2))
    return MsgSubmitTrainingJob(hyper=hyper, **dict(dict(workers=3, inner_steps=8), **fields))


@pytest.mark.parametrize("fields, words", [
    (dict(inner_steps=0), "inner_steps must be >= 1"),
    (dict(inner_steps=3), "must divide total_steps"),
    (dict(inner_steps=5), "multiple of checkpoint_interval"),
    (dict(inner_steps=20, hyper=Hyperparams(total_steps=40, checkpoint_interval=8)), "multiple of"),
    (dict(outer_momentum_nano=10**9), "outer_momentum_nano"),
    (dict(outer_lr_nano=10**10 + 1), "outer_lr_nano"),
])
def test_bad_diloco_submissions(fields, words):
    msg = submit(**fields)
    with pytest.raises(ErrInvalidRequest, match=words):
        validate_diloco_submit(msg)


def test_single_prover_submissions_skip_the_diloco_rules():
    validate_diloco_submit(submit(workers=1, inner_steps=3))
    validate_diloco_submit(submit(workers=0, inner_steps=0))


def test_fields_defaults_and_max_workers():
    params = default_params()
    sample, committee, tolerance, state = diloco_fields(submit(), params)
    assert (sample, committee, tolerance) == (500_000, 2, 25_000)
    assert (state.rounds, state.outer_lr_nano, state.outer_momentum_nano) == (5, 700_000_000, 900_000_000)
    with pytest.raises(ErrInvalidRequest, match="max_workers"):
        diloco_fields(submit(workers=5), params)
    with pytest.raises(ErrInvalidRequest, match="sample_ppm"):
        diloco_fields(submit(sample_ppm=1), params)


def test_costs_scale_with_workers_and_verification_with_one_worker_per_check():
    assert diloco_costs(default_params(), 4, 500_000, 2, 3) == (12, 600, 200)


def test_worker_load_collateral_and_free_rank():
    job = TrainingJob(load_gflop=12, train_cost=600, sample_ppm=500_000,
                      diloco=DilocoState(workers_wanted=3, inner_steps=8, rounds=5))
    assert worker_load(job) == 4
    # delta = 1/6, G = R = 40: s > 5 x 40 and 0.75 s >= 240
    assert worker_collateral(job, 7_500) == 320
    job.sample_ppm = 0
    assert worker_collateral(job, 7_500) == 0
    job.diloco.workers.add(host="a", rank=0, active=True)
    job.diloco.workers.add(host="b", rank=1, active=False)
    job.diloco.workers.add(host="c", rank=2, active=True)
    assert free_rank(job) == 1 and is_diloco(job)


def test_accepted_steps_count_live_closed_rounds_only():
    job = TrainingJob(diloco=DilocoState(workers_wanted=2, inner_steps=4, rounds=3))
    job.diloco.workers.add(host="a", active=True)
    job.diloco.workers.add(host="b", active=True)
    for status, hosts in ((ROUND_STATUS_CLOSED, "ab"), (ROUND_STATUS_ROLLED_BACK, "ab"), (ROUND_STATUS_OUTER, "a")):
        rnd = job.diloco.rounds_log.add(status=status)
        for host in hosts:
            rnd.contributions.add(host=host)
    recount_accepted(job)
    assert [w.accepted_steps for w in job.diloco.workers] == [4, 4]


@pytest.mark.parametrize("field, value", [("max_workers", 65), ("max_workers", 0), ("round_blocks", 0),
                                          ("outer_sample_ppm", 1_000_001), ("outer_committee_size", 17),
                                          ("default_outer_momentum_nano", 10**9), ("outer_vote_blocks", 0)])
def test_params_validation(field, value):
    params = default_params()
    setattr(params, field, value)
    with pytest.raises(ErrInvalidRequest, match=field):
        validate_params(params)
