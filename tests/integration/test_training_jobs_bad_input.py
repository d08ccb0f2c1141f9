"""Bad training input (docs/training.md §1, §4, §9): every refused message gets its specific code and
log and changes nothing but the gas fee (no training state, no escrow movement)."""

from __future__ import annotations

import pytest
from sprint.training.v1.training_pb2 import TRAINING_JOB_STATUS_VERIFYING

from chain.errors import TxError
from tests.helpers.sprint import FEE
from tests.helpers.training_jobs import ESCROW, TrainingNet

INVALID, UNAUTHORIZED, INVALID_ADDRESS, INSUFFICIENT_FEE = 18, 4, 7, 13


def training_entries(net) -> dict:
    store = net.app.committed_store()
    return {key: value for key, value in store.iterate(b"") if 0x80 <= key[0] <= 0x8f}


def fails_stateless(net, msg) -> bool:
    """True when the message fails its stateless checks (refused before the gas fee is charged)."""
    try:
        net.app.router.validate(msg.type_url, net.app.router.unpack(msg)[1])
    except TxError:
        return True
    return False


def assert_refused(net, signer, msg, code: int, words: str) -> None:
    """Run one tx: it fails with `code` and `words` in its log and changes no training state nor the
    escrow; the signer pays the gas fee unless the stateless checks refused it."""
    fee = 0 if fails_stateless(net, msg) else FEE
    key = net.hosts[signer].worker if isinstance(signer, int) else signer
    before = training_entries(net), net.balance(ESCROW), net.balance(key.address)
    block = net.run((signer, msg))
    assert block.codes == [code], [r.log for r in block.results]
    assert words in block.results[0].log, block.results[0].log
    assert (training_entries(net), net.balance(ESCROW)) == before[:2]
    assert net.balance(key.address) == before[2] - fee


@pytest.fixture(scope="module")
def net():
    """Four hosts, job 1 TRAINING on some host (its output name "tiny-ft" reserved) with deadlines far away."""
    net = TrainingNet(4, training_params={"segment_blocks": "1000", "queue_blocks": "1000"})
    block, job_id = net.submit(0)
    assert block.codes == [0] and job_id == 1
    return net


BAD_SUBMISSIONS = [
    (dict(base_model="no-such-model", output_model="x1"), INVALID, "unknown base model 'no-such-model'"),
    (dict(output_model="tiny-lm"), INVALID, "output model 'tiny-lm' is already registered"),
    (dict(output_model="tiny-ft"), INVALID, "is the output of training job 1"),
    (dict(output_model="Bad Name"), INVALID, "model name 'Bad Name' has character"),
    (dict(output_model="x2", dataset_sha256="zz"), INVALID, "dataset_sha256 must be 64 lower-case hex"),
    (dict(output_model="x3", dataset_size=33), INVALID, "dataset_size 33 must be within seq_len + 2 = 34"),
    (dict(output_model="x4", dataset_size=5_000_000), INVALID, "and max_dataset_bytes 4194304"),
    (dict(output_model="x5", hyper={"lr_nano": 0}), INVALID, "hyper.lr_nano must be > 0"),
    (dict(output_model="x6", hyper={"lr_nano": 200_000_000}), INVALID, "hyper.lr_nano 200000000 is over the limit"),
    (dict(output_model="x7", hyper={"beta1_nano": 10**9}), INVALID, "hyper.beta1_nano must be < 1000000000"),
    (dict(output_model="x8", hyper={"eps_nano": 0}), INVALID, "hyper.eps_nano must be within 1..1000000000"),
    (dict(output_model="x9", hyper={"batch_size": 257}), INVALID, "hyper.batch_size 257 is over the limit of 256"),
    (dict(output_model="xa", hyper={"seq_len": 129}), INVALID, "hyper.seq_len 129 is over the limit of 128"),
    (dict(output_model="xb", hyper={"checkpoint_interval": 3}), INVALID, "must divide total_steps 40"),
    (dict(output_model="xc", hyper={"total_steps": 200_000, "checkpoint_interval": 200}), INVALID,
     "hyper.total_steps 200000 is over the limit of 100000"),
    (dict(output_model="xd", hyper={"total_steps": 2000, "checkpoint_interval": 1}), INVALID,
     "2000 checkpoint intervals (total_steps / checkpoint_interval) is over max_intervals 1024"),
    (dict(output_model="xe", sample_ppm=5), INVALID, "sample_ppm 5 must be within 10000..1000000"),
    (dict(output_model="xf", committee_size=17), INVALID, "committee_size 17 must be within 1..16"),
    (dict(output_model="xg", budget=349), INSUFFICIENT_FEE, "budget 349usprint is below the job's cost 350usprint"),
    (dict(output_model="xh", budget=0), INSUFFICIENT_FEE, "budget must be positive"),
]


@pytest.mark.parametrize("fields,code,words", BAD_SUBMISSIONS)
def test_bad_submissions_are_refused(net, fields, code, words):
    assert_refused(net, net.users[1], net.submit_msg(1, **fields), code, words)


def test_budget_above_the_balance_is_refused(net):
    assert_refused(net, net.users[1], net.submit_msg(1, output_model="rich", budget=10**12), 5, "insufficient")


def test_submit_signed_by_someone_else_is_refused(net):
    block = net.run((net.users[1], net.submit_msg(0, output_model="other")))
    assert block.codes == [UNAUTHORIZED] or block.codes[0] != 0


def test_full_queue_refuses_more_jobs():
    net = TrainingNet(2, weights=[0, 0], training_params={"max_queued_jobs": "1"})
    assert net.submit(0)[0].codes == [0]
    assert_refused(net, net.users[1], net.submit_msg(1, output_model="second"), INVALID,
                   "the training queue is full (1 jobs queued)")


def test_commit_from_a_host_that_is_not_the_prover(net):
    other = next(h.index for h in net.hosts if h.bech32 != net.job(1).host)
    assert_refused(net, other, net.commit_msg(1, host=other), UNAUTHORIZED, "training job 1 is assigned to")


def test_commit_from_an_account_that_is_no_worker(net):
    msg = net.commit_msg(1, worker=net.outsider.bech32)
    assert_refused(net, net.outsider, msg, UNAUTHORIZED, "is not the worker of any registered host")


@pytest.mark.parametrize("fields,words", [
    (dict(segment=1), "training job 1 expects segment 0, got 1"),
    (dict(losses_micro=[1, 2]), "segment 0 has 5 intervals; got 2 losses"),
    (dict(job_id=99), "training job 99 does not exist"),
    (dict(root=b"\x01" * 31), "root must be 32 bytes"),
    (dict(end_weights_sha256="AB" * 32), "end_weights_sha256 must be 64 lower-case hex"),
    (dict(end_optim_size=0), "end_weights_size and end_optim_size must be > 0"),
])
def test_bad_segment_commits_are_refused(net, fields, words):
    assert_refused(net, net.prover(1), net.commit_msg(1, **fields), INVALID, words)


def test_commit_to_a_verifying_job_is_refused():
    net = TrainingNet(2, training_params={"intervals_per_segment": "20"})
    _, job_id = net.submit(0)
    prover = net.prover(job_id)
    assert net.commit(job_id).codes == [0]
    net.run()  # the sample and committee draw: SAMPLED until the reveal deadline
    assert net.job(job_id).status == TRAINING_JOB_STATUS_VERIFYING
    assert_refused(net, prover, net.commit_msg(job_id, segment=1, host=prover), INVALID, "not TRAINING")


def test_bad_maintenance_announcements_are_refused(net):
    h = net.next_height
    assert_refused(net, 0, net.maintenance_msg(0, h + 1, h + 3), INVALID, "must be announced 2 blocks ahead")
    assert_refused(net, 0, net.maintenance_msg(0, h + 5, h + 30), INVALID,
                   "maintenance of 26 blocks is over max_maintenance_blocks 20")
    assert_refused(net, 0, net.maintenance_msg(0, h + 9, h + 5), INVALID, "must have 1 <= start_height <= end_height")
