"""Inference jobs in-process: submission and escrow, the on-chain executor draw, results with cost
and refund, expiry with an exact refund and a penalty for the executor, model registration and the
inference queries."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sprint.inference.v1 import query_pb2
from sprint.inference.v1.inference_pb2 import (
    JOB_STATUS_COMPLETED, JOB_STATUS_EXPIRED, JOB_STATUS_PENDING,
)

from chain.modules.inference import executor
from chain.modules.sprint.epochs import bounds
from chain.tx.crypto import decode_address
from tests.helpers.inference import ESCROW, InferenceNet, submitted_job_id, tiny_lm_model, tx_events
from tests.helpers.sprint import FEE, block_hash_at, events_of

PRICE = int(tiny_lm_model()["price_per_token"])
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_submit_escrows_draws_an_executor_and_result_charges_cost_and_refunds_the_rest():
    net = InferenceNet(4, weights=[10, 20, 30, 40])
    user = net.users[0]
    net.advance_to(3)
    before = net.balance(user.address)
    max_fee = PRICE * (5 + 8) + 12_345
    block, job_id = net.submit(0, prompt=b"hello", max_tokens=8, max_fee=max_fee)
    assert block.codes == [0] and job_id == 1
    assert net.balance(user.address) == before - FEE - max_fee
    assert net.balance(ESCROW) == max_fee
    job = net.job(job_id)
    assert job.status == JOB_STATUS_PENDING and job.submit_height == 3 and job.deadline_height == 3 + 5
    assigned = events_of(block, "inference_assigned")
    assert assigned == [{"job_id": "1", "executor": job.executor, "sampling_seed": job.sampling_seed.hex(),
                         "deadline_height": "8"}]
    assert job.sampling_seed == executor.sampling_seed(block_hash_at(3), 1)

    block = net.deliver(job_id, result=net.make_result(job, tokens=[72, 105, 33]))
    assert block.codes == [0], [r.log for r in block.results]
    job = net.job(job_id)
    cost = PRICE * (5 + 3)
    assert job.status == JOB_STATUS_COMPLETED and job.cost == cost and job.output_token_count == 3
    assert list(job.result.output_tokens) == [72, 105, 33] and job.result_height == 4
    assert job.audit_epoch == 0 and job.validation_ppm == 1_000_000
    assert net.balance(user.address) == before - FEE - cost
    assert net.balance(ESCROW) == cost  # the cost stays escrowed until the audit epoch settles
    assert tx_events(block, "inference_result")[0]["cost"] == f"{cost}usprint"
    rep = net.app.keepers.reputation.get(net.app.committed_store(), decode_address(job.executor))
    assert rep.jobs_completed == 1 and rep.work_value_ema == cost


def test_audit_epoch_is_the_next_epoch_after_the_last_proof_block():
    net = InferenceNet(4)
    b0 = bounds(net.params, 0)
    net.advance_to(b0.proof_end - 1)
    block = net.run((net.users[0], net.submit_msg(0)), (net.users[1], net.submit_msg(1)))
    early, late = (submitted_job_id(r) for r in block.results)
    assert net.deliver(early).codes == [0]  # result at height proof_end
    assert net.deliver(late).codes == [0]  # result at proof_end + 1 (validation phase)
    assert net.job(early).audit_epoch == 0 and net.job(early).result_height == b0.proof_end
    assert net.job(late).audit_epoch == 1


def test_blob_result_is_charged_by_its_token_count():
    net = InferenceNet(4)
    _, job_id = net.submit(0, prompt=b"abc", max_tokens=6)
    block = net.deliver(job_id, result_blob_sha256="cd" * 32, result_size=50_000, output_token_count=6)
    assert block.codes == [0], [r.log for r in block.results]
    job = net.job(job_id)
    assert job.cost == PRICE * 9 and job.result_blob_sha256 == "cd" * 32 and job.result_size == 50_000
    assert not job.result.output_tokens


def test_expired_job_refunds_the_whole_fee_and_penalises_the_executor():
    net = InferenceNet(4)
    user = net.users[1]
    net.advance_to(2)
    before = net.balance(user.address)
    max_fee = PRICE * 9 + 777
    _, job_id = net.submit(1, prompt=b"hello", max_tokens=4, max_fee=max_fee)
    job = net.job(job_id)
    operator = decode_address(job.executor)
    bonded = net.bonded(net.executor_index(job))
    net.advance_to(job.deadline_height)
    assert net.job(job_id).status == JOB_STATUS_PENDING
    block = net.run()  # the deadline block: no result -> expired at its end
    assert block.height == job.deadline_height
    job = net.job(job_id)
    assert job.status == JOB_STATUS_EXPIRED
    assert net.balance(user.address) == before - FEE  # max_fee back to the last usprint, only the gas fee spent
    assert net.balance(ESCROW) == 0
    expired = events_of(block, "inference_expired")
    assert expired == [{"job_id": str(job_id), "executor": job.executor, "requester": user.bech32,
                        "refund": f"{max_fee}usprint", "reason": "no result by the deadline"}]
    store = net.app.committed_store()
    fault_bps = net.app.keepers.staking.get_params(store).fault_slash_bps
    assert net.bonded(net.executor_index(job)) == bonded - bonded * fault_bps // 10_000 < bonded
    rep = net.app.keepers.reputation.get(store, operator)
    assert rep.jobs_expired == 1 and rep.jobs_completed == 0
    assert net.jobs(status=JOB_STATUS_PENDING).jobs == []


def test_result_in_the_deadline_block_is_accepted():
    net = InferenceNet(4)
    _, job_id = net.submit(0)
    net.advance_to(net.job(job_id).deadline_height)
    assert net.deliver(job_id).codes == [0]
    assert net.job(job_id).status == JOB_STATUS_COMPLETED


def test_no_eligible_executor_expires_at_once_with_a_full_refund():
    net = InferenceNet(2, weights=[0, 0])
    user = net.users[0]
    net.advance_to(2)
    before = net.balance(user.address)
    block, job_id = net.submit(0, max_fee=5_000)
    assert net.job(job_id).status == JOB_STATUS_EXPIRED and not net.job(job_id).executor
    assert events_of(block, "inference_expired")[0]["reason"] == "no eligible executor"
    assert net.balance(user.address) == before - FEE


def _first_job_in_block(prompt: bytes, max_fee: int, user: int, temperature: int):
    net = InferenceNet(4, weights=[10, 20, 30, 40])
    net.advance_to(6)
    block, job_id = net.submit(user, prompt=prompt, max_tokens=4, max_fee=max_fee, temperature_milli=temperature)
    assert block.codes == [0] and job_id == 1
    return net, net.job(job_id)


def test_submitter_cannot_steer_the_draw():
    """Same job id in a block with the same hash: whatever the prompt, fee, sampling or submitter,
    the executor and sampling seed are the same, and equal the formula over the block hash."""
    net, a = _first_job_in_block(b"hello", PRICE * 9, 0, 0)
    _, b = _first_job_in_block(b"a very different prompt", 10**8, 1, 700)
    assert (a.executor, a.sampling_seed) == (b.executor, b.sampling_seed)
    store = net.app.committed_store()
    scores = net.app.keepers.reputation.scores(store)
    pool = [(op, executor.draw_weight(h.weight, scores.get(op, 0))) for op, h in net.app.keepers.hosts.iterate_hosts(store)]
    assert decode_address(a.executor) == executor.draw_executor(block_hash_at(6), 1, pool)


def test_many_jobs_in_one_block_get_independent_draws_by_id():
    net = InferenceNet(4, weights=[10, 20, 30, 40], users=3)
    entries = [(net.users[u % 3], net.submit_msg(net.users[u % 3], prompt=b"p%d" % u)) for u in range(12)]
    block = net.run(*entries)
    assert block.codes == [0] * 12
    ids = [submitted_job_id(r) for r in block.results]
    assert ids == list(range(1, 13))
    executors = [net.job(i).executor for i in ids]
    assert len(set(executors)) > 1
    assert len({net.job(i).sampling_seed for i in ids}) == 12


def test_register_model_then_submit_to_it_and_duplicate_refused():
    net = InferenceNet(4)
    owner = net.users[0]
    block = net.run((owner, net.register_model_msg(owner, "big-lm", price_per_token=7)))
    assert block.codes == [0], [r.log for r in block.results]
    model = net.iquery("Model", query_pb2.QueryModelRequest(name="big-lm"), query_pb2.QueryModelResponse).model
    assert model.owner == owner.bech32 and model.price_per_token == 7
    names = [m.name for m in net.iquery("Models", query_pb2.QueryModelsRequest(), query_pb2.QueryModelsResponse).models]
    assert names == ["big-lm", "tiny-lm"]
    block = net.run((owner, net.register_model_msg(owner, "big-lm")))
    assert block.codes == [18] and "already registered" in block.results[0].log
    block, job_id = net.submit(1, model="big-lm", prompt=b"hey", max_tokens=2, max_fee=7 * 5)
    assert block.codes == [0] and net.job(job_id).model == "big-lm"


def test_jobs_query_filters_and_pages():
    net = InferenceNet(4, users=2)
    for u in (0, 1, 0, 1, 0):
        net.submit(u)
    done = net.job(2)
    assert net.deliver(2).codes == [0]
    by_user0 = net.jobs(requester=net.users[0].bech32)
    assert [j.id for j in by_user0.jobs] == [1, 3, 5] and by_user0.next == 0
    page = net.jobs(limit=2)
    assert [j.id for j in page.jobs] == [1, 2] and page.next == 2
    page = net.jobs(limit=2, start_after=page.next)
    assert [j.id for j in page.jobs] == [3, 4] and page.next == 4
    assert [j.id for j in net.jobs(status=JOB_STATUS_COMPLETED).jobs] == [2]
    assert [j.id for j in net.jobs(executor=done.executor, status=JOB_STATUS_COMPLETED).jobs] == [2]
    assert [j.id for j in net.jobs(audit_epoch=0).jobs] == [2]
    missing = net.iquery_raw("Job", query_pb2.QueryJobRequest(id=99))
    assert missing.code != 0 and "job 99 does not exist" in missing.log
    bad = net.iquery_raw("Jobs", query_pb2.QueryJobsRequest(executor="nope"))
    assert bad.code != 0


SCRIPT = """
import json
from tests.helpers.inference import InferenceNet
net = InferenceNet(4, weights=[10, 20, 30, 40])
hashes = []
for u in range(3):
    hashes.append(net.submit(u % 2, prompt=b"x%d" % u)[0].app_hash.hex())
hashes.append(net.deliver(2).app_hash.hex())
for _ in range(6):
    hashes.append(net.run().app_hash.hex())
print(json.dumps([hashes, [net.job(i).status for i in (1, 2, 3)], [net.job(i).executor for i in (1, 2, 3)]]))
"""


def test_app_hashes_do_not_depend_on_pythonhashseed():
    outputs = []
    for seed in ("0", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0][1] == [JOB_STATUS_EXPIRED, JOB_STATUS_COMPLETED, JOB_STATUS_EXPIRED]
