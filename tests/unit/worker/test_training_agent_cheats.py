"""The training agent's torch path for every cheat mode (worker level, no node): a prover's
TrainingCompute trains a tiny-lm job with `--cheat <mode>`, reveals a sampled segment (leaves with
audit paths that verify against its committed root), and a verifier's TrainingCompute re-executes the
sampled intervals and votes INVALID; honest fp32 and bf16 provers get VALID votes. The e2e test
(tests/e2e/test_training_localnet.py) shows two of these modes caught on the real localnet."""

from __future__ import annotations

import hashlib

import pytest
from sprint.inference.v1 import inference_pb2 as ipb
from sprint.training.v1 import training_pb2 as tpb

from chain.modules.training import merkle
from genesis.tiny_lm import INIT_SEED, TINY_LM, generate_tiny_lm
from worker.agent import training_plan as plan
from worker.agent.training_compute import TrainingCompute, leaf
from worker.agent.training_options import TRAINING_CHEATS
from worker.agent.training_store import TrainingStore
from worker.training.tolerance import DEFAULT_TOLERANCE_PPM

IPS = 2
TOLERANCE = DEFAULT_TOLERANCE_PPM  # the worker library's calibrated tolerance
BASE = generate_tiny_lm(INIT_SEED)
DATA = b"".join(b"The host trains the model %d times before the deadline. " % i for i in range(120))


class Blobs:
    """A node's blob store, shared by prover and verifier."""

    def __init__(self):
        self.blobs = {hashlib.sha256(BASE).hexdigest(): BASE, hashlib.sha256(DATA).hexdigest(): DATA}

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self.blobs[sha] = data
        return sha

    def fetch(self, sha: str) -> bytes:
        return self.blobs[sha]


def make_job() -> tpb.TrainingJob:
    hyper = tpb.Hyperparams(lr_nano=3_000_000, beta1_nano=900_000_000, beta2_nano=999_000_000, eps_nano=10,
                            weight_decay_nano=10_000_000, batch_size=4, seq_len=32, total_steps=16,
                            checkpoint_interval=4)
    return tpb.TrainingJob(id=5, base_model="tiny-lm", dataset_sha256=hashlib.sha256(DATA).hexdigest(),
                           dataset_size=len(DATA), hyper=hyper, intervals=4, segments=2, host="prover",
                           status=tpb.TRAINING_JOB_STATUS_TRAINING, tolerance_ppm=TOLERANCE,
                           data_seed=hashlib.sha256(b"seed").digest())


def model() -> ipb.Model:
    return ipb.Model(name="tiny-lm", weights_sha256=hashlib.sha256(BASE).hexdigest(), config=TINY_LM.as_dict())


def prove(tmp_path, blobs, precision="fp32", cheat=None) -> tuple[tpb.TrainingJob, TrainingCompute]:
    """Train both segments and put them on the job as committed, segment 1 SAMPLED at interval 2."""
    from worker.training.cheats import Cheat

    prover = TrainingCompute(blobs.fetch, blobs.put, TrainingStore(tmp_path / "prover"), precision=precision,
                             cheat=Cheat(cheat) if cheat else None, echo=lambda text: None)
    job, results = make_job(), []
    info = model()
    prover.train(job, info.config, (BASE, None), [(0, 0, 2), (1, 2, 2)], results.append, lambda: False)
    for r in results:
        job.segments_log.add(index=r.segment, host="prover", first_interval=r.segment * IPS, interval_count=IPS,
                             root=r.root, losses_micro=r.losses_micro, end_weights_sha256=r.end_weights_sha256,
                             end_optim_sha256=r.end_optim_sha256, status=tpb.SEGMENT_STATUS_PASSED)
    sampled = job.segments_log[1]
    sampled.status, sampled.sampled_intervals[:] = tpb.SEGMENT_STATUS_SAMPLED, [2]
    return job, prover


def reveal_and_check(tmp_path, blobs, job, prover) -> list[int]:
    segment = job.segments_log[1]
    msg = prover.reveal(job, segment, IPS)
    for r in msg.reveals:  # what the chain checks: each leaf against its segment's root
        holder = job.segments_log[r.interval // IPS]
        assert merkle.verify_path(leaf(job.id, r.interval, (r.weights_sha256, r.optim_sha256, r.loss_micro)),
                                  r.interval % IPS, IPS, list(r.proof), holder.root)
    segment.reveals.extend(msg.reveals)
    segment.status = tpb.SEGMENT_STATUS_REVEALED
    verifier = TrainingCompute(blobs.fetch, blobs.put, TrainingStore(tmp_path / "verifier"), echo=lambda text: None)
    return verifier.check(job, model().config, segment, lambda: BASE)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_honest_provers_pass(tmp_path, precision):
    blobs = Blobs()
    job, prover = prove(tmp_path, blobs, precision)
    distances = reveal_and_check(tmp_path, blobs, job, prover)
    print(f"honest {precision}: distances {distances} ppm (tolerance {TOLERANCE})")
    assert plan.verdict(distances, TOLERANCE) == ipb.VERDICT_VALID
    if precision == "fp32":
        assert distances == [0]  # bit-identical re-execution


@pytest.mark.parametrize("mode", TRAINING_CHEATS)
def test_every_cheat_mode_is_voted_invalid(tmp_path, mode):
    blobs = Blobs()
    job, prover = prove(tmp_path, blobs, cheat=mode)
    distances = reveal_and_check(tmp_path, blobs, job, prover)
    print(f"cheat {mode}: distances {distances} ppm (tolerance {TOLERANCE})")
    assert plan.verdict(distances, TOLERANCE) == ipb.VERDICT_INVALID
