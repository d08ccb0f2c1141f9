"""The sampled-interval DiLoCo check (docs/diloco.md §5, outer_check_sample_ppm > 0) with real torch:
the checked worker's reveal (from the interval states its inner round kept on disk) passes the
chain's own verification (diloco_reveals.check_reveals against the contribution root), and the
committee's re-execution of the sampled intervals from their revealed starts measures ~0 on an
honest worker and more than the tolerance on a `--cheat noise` one; the reveal's blobs survive the
agent's pruning while the check may still ask for them."""

from __future__ import annotations

import pytest
import torch
from sprint.inference.v1 import inference_pb2 as ipb
from sprint.training.v1 import training_pb2 as tpb

from chain.modules.training.diloco_reveals import check_reveals
from tests.unit.worker.test_diloco_agent_compute import contribute, host, open_round, sha
from worker.agent import diloco_plan as plan
from worker.training.cheats import Cheat

K, INTERVAL = 4, 1  # four checkpoint intervals per round
SAMPLED = [0, 2, 3]  # the round's first (start: theta_u), a middle one (revealed start) and its last


@pytest.fixture(scope="module")
def world():
    from types import SimpleNamespace

    from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config
    from worker.training.corpus import english_corpus

    torch.set_num_threads(1)
    base, data = generate_tiny_lm(), english_corpus(16_384, 3)
    hyper = tpb.Hyperparams(lr_nano=1_000_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
                            weight_decay_nano=10_000_000, batch_size=4, seq_len=32, total_steps=K,
                            checkpoint_interval=INTERVAL)
    job = tpb.TrainingJob(id=9, base_model="tiny-lm", dataset_sha256=sha(data), data_seed=b"\x05" * 32, hyper=hyper,
                          tolerance_ppm=100_000, status=tpb.TRAINING_JOB_STATUS_TRAINING)
    job.diloco.workers_wanted, job.diloco.inner_steps, job.diloco.rounds = 2, K, 1
    job.diloco.outer_lr_nano, job.diloco.outer_momentum_nano = 700_000_000, 900_000_000
    for rank, name in enumerate(("host-a", "host-b")):
        job.diloco.workers.add(host=name, rank=rank, active=True)
    info = SimpleNamespace(weights_sha256=sha(base), config=tiny_lm_config(), init_seed=b"")
    return SimpleNamespace(base=base, data=data, job=job, info=info, blobs={sha(base): base, sha(data): data})


def _round(world, tmp_path):
    job = tpb.TrainingJob()
    job.CopyFrom(world.job)
    rnd = open_round(job, 0, world.info.weights_sha256, "")
    workers = {}
    for worker, cheat in zip(job.diloco.workers, (None, Cheat("noise"))):
        compute = host(world, tmp_path / worker.host, cheat=cheat)
        msg = compute.inner(job, rnd, worker)
        contribute(rnd, worker, msg)
        c = rnd.contributions[-1]
        c.root, c.end_optim_sha256 = msg.root, msg.end_optim_sha256
        c.losses_micro.extend(msg.losses_micro)
        workers[worker.host] = compute
    rnd.status, rnd.committee[:] = tpb.ROUND_STATUS_CLOSED, ["outsider"]
    return job, rnd, workers


def _check(world, tmp_path, job, rnd, workers, checked: str):
    rnd.check, rnd.checked_host = tpb.ROUND_CHECK_REVEALING, checked
    rnd.sampled_intervals[:] = SAMPLED
    del rnd.reveals[:]
    assert [r.index for r in plan.reveals_due(job, checked)] == [0]
    reveal = workers[checked].reveal(job, rnd)
    ordered = check_reveals(job, rnd, reveal.reveals)  # the chain's verification: raises on a mismatch
    assert [r.interval for r in ordered] == [0, 1, 2, 3]
    rnd.reveals.extend(ordered)
    rnd.check = tpb.ROUND_CHECK_VOTING
    return host(world, tmp_path / f"outsider-{checked}").check(job, rnd)


def test_sampled_interval_check_is_near_zero_for_an_honest_worker_and_over_tolerance_for_a_cheater(world, tmp_path):
    job, rnd, workers = _round(world, tmp_path)
    vote = _check(world, tmp_path, job, rnd, workers, "host-a")
    assert vote.verdict == ipb.VERDICT_VALID and vote.distance_ppm <= 10, vote
    vote = _check(world, tmp_path, job, rnd, workers, "host-b")
    assert vote.verdict == ipb.VERDICT_INVALID and vote.distance_ppm > job.tolerance_ppm, vote


def test_the_revealable_states_are_kept_on_disk_until_the_check_is_drawn(world, tmp_path):
    from worker.agent.diloco_agent import DilocoAgent

    job, rnd, workers = _round(world, tmp_path)
    compute = workers["host-a"]
    rnd.check = tpb.ROUND_CHECK_PENDING
    agent = DilocoAgent(None, "host-a", "worker-a", compute, echo=lambda _: None)
    try:
        keep = agent._revealable(compute.store, job)
        assert len(keep) == 2 * K and keep <= set(compute.store.hashes(job.id))
        rnd.check = tpb.ROUND_CHECK_PASSED
        assert agent._revealable(compute.store, job) == set()
    finally:
        agent.close()
