"""`sprint-worker start --data-parallel N`: the DiLoCo agent's inner steps over two gloo processes on
the CPU (loopback only, bounded) give a contribution the committee's fp32 single-process
re-execution accepts at a distance far below the default outer tolerance; a DDP round that does not
finish in time raises (the agent logs it and misses the round); the flag's checks are one-line errors."""

from __future__ import annotations

import hashlib
import time
from types import SimpleNamespace

import pytest
import torch
from sprint.inference.v1 import inference_pb2 as ipb
from sprint.training.v1 import training_pb2 as tpb

from abci_app.cli.common import CliError
from chain.modules.training.params import default_params
from worker.agent.data_parallel import DataParallel, plan_data_parallel
from worker.agent.diloco_compute import DilocoCompute
from worker.agent.diloco_store import DilocoStore
from worker.agent.training_compute import TrainingCompute
from worker.agent.training_store import TrainingStore
from worker.cli import check_data_parallel_flag, cli
from worker.diloco.delta import load_delta, relative_l2

K = 4  # inner steps (two checkpoint intervals of 2)
# Measured (tiny-lm, batch 4 split 2+2, 4 steps): verifier distance 0 ppm, Delta relative L2 vs one
# process ~0.3%. Stated bounds: distance <= 1,000 ppm (outer tolerance 100,000), relative L2 <= 2%.
DISTANCE_PPM, DELTA_REL_L2 = 1_000, 0.02


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def world():
    from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config
    from worker.training.corpus import english_corpus

    torch.set_num_threads(1)
    base, data = generate_tiny_lm(), english_corpus(16_384, 3)
    hyper = tpb.Hyperparams(lr_nano=1_000_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
                            weight_decay_nano=10_000_000, batch_size=4, seq_len=32, total_steps=K * 2,
                            checkpoint_interval=2)
    job = tpb.TrainingJob(id=5, base_model="tiny-lm", dataset_sha256=sha(data), data_seed=b"\x09" * 32, hyper=hyper,
                          tolerance_ppm=default_params().outer_tolerance_ppm,
                          status=tpb.TRAINING_JOB_STATUS_TRAINING)
    job.diloco.workers_wanted, job.diloco.inner_steps, job.diloco.rounds = 2, K, 2
    job.diloco.outer_lr_nano, job.diloco.outer_momentum_nano = 700_000_000, 900_000_000
    for rank, name in enumerate(("host-a", "host-b")):
        job.diloco.workers.add(host=name, rank=rank, active=True)
    rnd = job.diloco.rounds_log.add(index=0, status=tpb.ROUND_STATUS_OPEN, start_weights_sha256=sha(base),
                                    deadline=100)
    info = SimpleNamespace(weights_sha256=sha(base), config=tiny_lm_config(), init_seed=b"")
    return SimpleNamespace(job=job, rnd=rnd, info=info, blobs={sha(base): base, sha(data): data})


def host(world, tmp_path, data_parallel: DataParallel | None = None, echo=lambda _: None) -> DilocoCompute:
    def put(data: bytes) -> str:
        world.blobs[sha(data)] = data
        return sha(data)

    training = TrainingCompute(lambda h: world.blobs[h], put, TrainingStore(tmp_path / "training"), echo=echo)
    return DilocoCompute(training, lambda name: world.info, DilocoStore(tmp_path / "diloco"), world.blobs.__getitem__,
                         data_parallel=data_parallel)


def test_two_gloo_processes_give_a_contribution_the_committee_accepts(world, tmp_path):
    job, rnd, worker = world.job, world.rnd, world.job.diloco.workers[0]
    ddp = host(world, tmp_path / "ddp", plan_data_parallel(2, "cpu", 0, 2, timeout_s=90)).inner(job, rnd, worker)
    single = host(world, tmp_path / "single").inner(job, rnd, worker)
    assert len(ddp.losses_micro) == K // 2 and len(ddp.root) == 32
    rel = relative_l2(load_delta(world.blobs[ddp.delta_sha256]), load_delta(world.blobs[single.delta_sha256]))
    assert rel <= DELTA_REL_L2, rel
    rnd.contributions.add(host=worker.host, rank=worker.rank, delta_sha256=ddp.delta_sha256,
                          end_optim_sha256=ddp.end_optim_sha256)
    rnd.status, rnd.check, rnd.committee[:], rnd.checked_host = (tpb.ROUND_STATUS_CLOSED, tpb.ROUND_CHECK_VOTING,
                                                                 ["outsider"], worker.host)
    vote = host(world, tmp_path / "outsider").check(job, rnd)  # fp32, one process
    assert vote.verdict == ipb.VERDICT_VALID
    print(f"DDP vs one process: Delta relative L2 {rel:.5f}, verifier distance {vote.distance_ppm} ppm")
    assert vote.distance_ppm <= DISTANCE_PPM < job.tolerance_ppm, vote.distance_ppm


def test_a_ddp_round_past_its_timeout_raises_and_an_uneven_batch_runs_in_one_process(world, tmp_path):
    job, rnd, worker = world.job, world.rnd, world.job.diloco.workers[1]
    start = time.monotonic()
    # the rendezvous or the round times out first: either way the task raises and the round is missed
    with pytest.raises((TimeoutError, RuntimeError), match="did not finish in time|DDP process failed"):
        host(world, tmp_path / "slow", DataParallel(2, "gloo", 1, timeout_s=0.5)).inner(job, rnd, worker)
    assert time.monotonic() - start < 30
    said: list[str] = []
    three = host(world, tmp_path / "three", DataParallel(3, "gloo", 1, timeout_s=5), echo=said.append)
    one = host(world, tmp_path / "one").inner(job, rnd, worker)
    assert three.inner(job, rnd, worker).delta_sha256 == one.delta_sha256
    assert said == ["DiLoCo job 5: batch size 4 does not split over 3 processes; inner steps in one process"]


def test_the_flag_plans_gloo_on_cpu_nccl_on_cuda_and_refuses_too_many_gpus():
    assert plan_data_parallel(1, "cpu", 0, 8) == DataParallel(1, "gloo", 8)
    assert not plan_data_parallel(1, "cpu", 0, 8).enabled
    assert plan_data_parallel(2, "cpu", 0, 8) == DataParallel(2, "gloo", 4)
    assert plan_data_parallel(4, "cpu", 0, 2).threads_per_rank == 1
    assert plan_data_parallel(2, "cuda", 2, 8) == DataParallel(2, "nccl", 1)
    with pytest.raises(ValueError, match=r"^--data-parallel 3: only 2 CUDA device\(s\) on this host$"):
        plan_data_parallel(3, "cuda", 2, 8)
    with pytest.raises(ValueError, match="at least 1"):
        plan_data_parallel(0, "cpu", 0, 8)


def test_the_flag_is_checked_before_the_worker_starts(tmp_path):
    from click.testing import CliRunner

    check_data_parallel_flag(1, None)
    check_data_parallel_flag(2, "auto")
    with pytest.raises(CliError, match=r"^--data-parallel 0: must be at least 1$"):
        check_data_parallel_flag(0, "auto")
    with pytest.raises(CliError, match=r"needs training \(drop --no-training\)"):
        check_data_parallel_flag(2, None)
    args = ["start", "--home", str(tmp_path), "--key", "worker", "--chain-id", "c", "--no-training",
            "--data-parallel", "2"]
    result = CliRunner().invoke(cli, args, standalone_mode=False)
    assert isinstance(result.exception, CliError) and "--data-parallel 2" in str(result.exception)
    result = CliRunner().invoke(cli, ["start", "--key", "w", "--data-parallel", "x"])
    assert result.exit_code == 2 and "--data-parallel" in result.output
