"""DilocoCompute with real torch over an in-memory blob service: three hosts' inner rounds and outer
steps give exactly worker/diloco/simulate.py's agreed hashes (also when a host comes back with only
the blobs: a restart), the committee's re-execution votes VALID at distance 0 on an honest worker and
INVALID on a `--cheat noise` one, every blob a host makes is uploaded and kept in its DilocoStore, and
the store reads back only intact blobs and prunes/drops what a job no longer needs."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
import torch
from sprint.inference.v1 import inference_pb2 as ipb
from sprint.training.v1 import training_pb2 as tpb

from worker.agent.diloco_compute import DilocoCompute
from worker.agent.diloco_store import DilocoStore
from worker.agent.training_compute import TrainingCompute
from worker.agent.training_store import TrainingStore
from worker.training.cheats import Cheat

K, WORKERS, ROUNDS = 2, 3, 2
LR_NANO, MU_NANO = 700_000_000, 900_000_000
HOSTS = ("host-a", "host-b", "host-c")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def world():
    from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config
    from worker.training.corpus import english_corpus

    torch.set_num_threads(1)
    base, data = generate_tiny_lm(), english_corpus(16_384, 3)
    hyper = tpb.Hyperparams(lr_nano=1_000_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
                            weight_decay_nano=10_000_000, batch_size=4, seq_len=32, total_steps=K * ROUNDS,
                            checkpoint_interval=K)
    job = tpb.TrainingJob(id=4, base_model="tiny-lm", dataset_sha256=sha(data), data_seed=b"\x07" * 32, hyper=hyper,
                          tolerance_ppm=100_000, status=tpb.TRAINING_JOB_STATUS_TRAINING)
    job.diloco.workers_wanted, job.diloco.inner_steps, job.diloco.rounds = WORKERS, K, ROUNDS
    job.diloco.outer_lr_nano, job.diloco.outer_momentum_nano = LR_NANO, MU_NANO
    for rank, host in enumerate(HOSTS):
        job.diloco.workers.add(host=host, rank=rank, active=True)
    info = SimpleNamespace(weights_sha256=sha(base), config=tiny_lm_config(), init_seed=b"")
    blobs = {sha(base): base, sha(data): data}
    return SimpleNamespace(base=base, data=data, job=job, info=info, blobs=blobs)


def host(world, tmp_path, cheat=None):
    """A host's DilocoCompute on the shared blob dict (the node), its DilocoStore under `tmp_path`."""
    def put(data: bytes) -> str:
        world.blobs[sha(data)] = data
        return sha(data)

    training = TrainingCompute(lambda h: world.blobs[h], put, TrainingStore(tmp_path / "training"), cheat=cheat,
                               echo=lambda _: None)
    return DilocoCompute(training, lambda name: world.info, DilocoStore(tmp_path / "diloco"), world.blobs.__getitem__)


def open_round(job, index: int, theta: str, momentum: str):
    rnd = job.diloco.rounds_log.add(index=index, status=tpb.ROUND_STATUS_OPEN, start_weights_sha256=theta,
                                    start_momentum_sha256=momentum, deadline=100)
    job.diloco.current_round = index
    return rnd


def contribute(rnd, worker, msg) -> None:
    rnd.contributions.add(host=worker.host, rank=worker.rank, delta_sha256=msg.delta_sha256,
                          start_optim_sha256=worker.optim_sha256, end_optim_sha256=msg.end_optim_sha256)


@pytest.fixture(scope="module")
def reference(world):
    from worker.diloco.simulate import simulate

    return simulate(world.info.config, world.base, world.data, world.job.data_seed, WORKERS, ROUNDS, K,
                    world.job.hyper, LR_NANO, MU_NANO, job_id=world.job.id)


def test_three_hosts_agree_on_the_simulated_outer_hashes_also_after_a_restart(world, reference, tmp_path):
    job = tpb.TrainingJob()
    job.CopyFrom(world.job)
    hosts = [host(world, tmp_path / h) for h in HOSTS]
    theta, momentum = world.info.weights_sha256, ""
    for u in range(ROUNDS):
        rnd = open_round(job, u, theta, momentum)
        for compute, worker in zip(hosts, job.diloco.workers):
            msg = compute.inner(job, rnd, worker)
            kept = compute.store.hashes(job.id)
            assert msg.delta_sha256 in kept and msg.end_optim_sha256 in kept
            assert len(msg.losses_micro) == K // job.hyper.checkpoint_interval and len(msg.root) == 32
            assert msg.delta_sha256 == reference.contributions[u][worker.rank].delta_sha256
            contribute(rnd, worker, msg)
        rnd.status = tpb.ROUND_STATUS_OUTER
        outers = {(m.weights_sha256, m.momentum_sha256) for m in (c.outer(job, rnd) for c in hosts)}
        assert outers == {(reference.theta_hashes[u], reference.momentum_hashes[u])}
        theta, momentum = outers.pop()
        rnd.status = tpb.ROUND_STATUS_CLOSED
        for worker, c in zip(job.diloco.workers, sorted(rnd.contributions, key=lambda c: c.rank)):
            worker.optim_sha256 = c.end_optim_sha256
        hosts = [host(world, tmp_path / f"restarted-{u}-{h}") for h in HOSTS]  # empty disks: blobs only


def test_committee_votes_valid_on_an_honest_worker_and_invalid_on_a_noise_cheater(world, tmp_path):
    job = tpb.TrainingJob()
    job.CopyFrom(world.job)
    rnd = open_round(job, 0, world.info.weights_sha256, "")
    honest, cheater = job.diloco.workers[0], job.diloco.workers[1]
    contribute(rnd, honest, host(world, tmp_path / "a").inner(job, rnd, honest))
    contribute(rnd, cheater, host(world, tmp_path / "b", cheat=Cheat("noise")).inner(job, rnd, cheater))
    rnd.status, rnd.check, rnd.committee[:] = tpb.ROUND_STATUS_CLOSED, tpb.ROUND_CHECK_VOTING, ["outsider"]
    committee = host(world, tmp_path / "outsider")
    rnd.checked_host = honest.host
    vote = committee.check(job, rnd)
    assert (vote.verdict, vote.distance_ppm, vote.round) == (ipb.VERDICT_VALID, 0, 0)
    rnd.checked_host = cheater.host
    vote = committee.check(job, rnd)
    assert vote.verdict == ipb.VERDICT_INVALID and vote.distance_ppm > job.tolerance_ppm, vote


def test_the_store_serves_intact_blobs_fetches_the_rest_and_prunes(tmp_path):
    store, remote = DilocoStore(tmp_path), {}
    a, b = b"alpha" * 10, b"beta" * 10
    remote[sha(b)] = b
    store.keep(7, a)
    assert store.fetch(7, sha(a), remote.__getitem__) == a
    assert store.fetch(7, sha(b), remote.__getitem__) == b and store.hashes(7) == sorted([sha(a), sha(b)])
    path = store.job_dir(7) / sha(a)[:2] / sha(a)
    path.write_bytes(b"corrupt")  # a torn or tampered file is never used
    remote[sha(a)] = a
    assert store.fetch(7, sha(a), remote.__getitem__) == a
    assert store.prune(7, {sha(b)}) == 1 and store.hashes(7) == [sha(b)]
    store.keep(8, a)
    assert store.job_ids() == [7, 8]
    store.drop_job(7)
    assert store.job_ids() == [8]
