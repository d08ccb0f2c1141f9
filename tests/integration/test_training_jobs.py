"""Training jobs in-process (docs/training.md §1, §2, §10-§12): submission and escrow, scheduling
(capacity, stake condition, bans, maintenance, excluded hosts), the data seed, segment commits,
completion registering the output model and paying exactly, refunds, collateral locked against
unstaking, queries, genesis round trip and determinism across PYTHONHASHSEED."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sprint.inference.v1 import query_pb2 as iquery
from sprint.training.v1 import query_pb2
from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_COMMITTED, SEGMENT_STATUS_PASSED, TRAINING_JOB_STATUS_COMPLETED, TRAINING_JOB_STATUS_FAILED,
    TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING, TRAINING_JOB_STATUS_VERIFYING,
)

from chain.modules.training import draws
from chain.modules.training.faults import escrow_left
from chain.modules.training.scheduling import required_job_collateral
from chain.tx.crypto import decode_address
from tests.helpers.sprint import FEE, block_hash_at, events_of
from tests.helpers.staking import stake_msg
from tests.helpers.training_jobs import ESCROW, TrainingNet

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRAIN_COST, VERIFY_COST = 200, 150  # 4 GFLOP x 50; ceil(200 x 0.25 x 3)


def assert_escrow_matches(net) -> None:
    """The training escrow holds exactly what the open jobs have left (the module's invariant)."""
    checks = net.app.modules.by_name["training"].invariants()
    assert [check(net.app.committed_store()) for _, check in checks] == [None]


def job_collateral(net, host: int) -> int:
    return net.app.keepers.staking.job_collateral(net.app.committed_store(), net.hosts[host].address)


def run_to_completion(net, job_id: int) -> None:
    for index in range(net.job(job_id).segments):
        block = net.commit(job_id)
        assert block.codes == [0], [r.log for r in block.results]
        assert_escrow_matches(net)
        net.pass_segment(job_id, index)
        assert_escrow_matches(net)


def test_submit_escrows_and_the_same_block_assigns_with_the_data_seed_and_collateral():
    net = TrainingNet(4, weights=[10, 20, 30, 40])
    user = net.users[0]
    net.advance_to(3)
    before = net.balance(user.address)
    block, job_id = net.submit(0, budget=50_000)
    assert block.codes == [0] and job_id == 1
    assert net.balance(user.address) == before - FEE - 50_000 and net.balance(ESCROW) == 50_000
    job = net.job(job_id)
    assert (job.train_cost, job.verify_cost, job.load_gflop, job.intervals, job.segments) == (TRAIN_COST, VERIFY_COST,
                                                                                              4, 20, 4)
    assert job.status == TRAINING_JOB_STATUS_TRAINING and job.assigned_height == 3 and job.segment_deadline == 8
    assert job.data_seed == draws.data_seed(block_hash_at(3), job_id)
    host = net.prover(job_id)
    assert job.collateral == required_job_collateral(job, 7500) > 0
    assert job_collateral(net, host) == job.collateral
    assigned = events_of(block, "training_assigned")
    assert assigned == [{"job_id": "1", "host": job.host, "data_seed": job.data_seed.hex(),
                         "collateral": str(job.collateral), "resume_interval": "0", "segment_deadline": "8"}]


def test_completion_registers_the_model_pays_exactly_and_refunds_the_rest():
    net = TrainingNet(4)
    user = net.users[0]
    net.run()
    before = net.balance(user.address)
    _, job_id = net.submit(0, budget=100_000, output_model="tiny-ft")
    host = net.prover(job_id)
    run_to_completion(net, job_id)
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_COMPLETED
    assert [s.status for s in job.segments_log] == [SEGMENT_STATUS_PASSED] * 4
    # each segment of 5 of 20 intervals: 50 to the prover, 150 x 5 // 20 = 37 split by 3 voters (12 each)
    assert job.paid_provers == TRAIN_COST and job.paid_verifiers == 4 * 3 * 12
    assert job.refunded == 100_000 - TRAIN_COST - 144 and escrow_left(job) == 0
    assert net.balance(user.address) == before - FEE - TRAIN_COST - 144
    assert net.balance(ESCROW) == 0 and job_collateral(net, host) == 0
    model = net.iquery("Model", iquery.QueryModelRequest(name="tiny-ft"), iquery.QueryModelResponse).model
    last = job.segments_log[-1]
    assert (model.owner, model.weights_sha256, model.weights_size) == (user.bech32, last.end_weights_sha256, 1000)
    assert model.config.d_model == 64 and model.price_per_token == 100
    rep = net.app.keepers.reputation.get(net.app.committed_store(), net.hosts[host].address)
    assert rep.jobs_completed == 1 and rep.work_value_ema == TRAIN_COST


def test_completion_under_a_taken_name_registers_the_fallback():
    net = TrainingNet(1, training_params={"intervals_per_segment": "20"})
    _, job_id = net.submit(0, output_model="taken")
    assert net.run((net.users[1], net.register_model_msg(net.users[1], "taken"))).codes == [0]
    assert net.commit(job_id).codes == [0]  # one host: no committee, the segment passes at the next block
    net.run()
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_COMPLETED and job.output_model == "taken-job1"
    assert net.iquery("Model", iquery.QueryModelRequest(name="taken-job1"), iquery.QueryModelResponse).model.owner \
        == net.users[0].bech32


def test_commits_move_the_deadline_and_the_last_one_starts_verification():
    net = TrainingNet(4, training_params={"segment_blocks": "7"})
    _, job_id = net.submit(0)
    block = net.commit(job_id)
    job = net.job(job_id)
    assert job.segment_deadline == block.height + 7 and job.segments_log[0].status == SEGMENT_STATUS_COMMITTED
    assert job.segments_log[0].losses_micro == [2_000_000 - 1000 * k for k in range(5)]
    for index in range(1, 4):
        assert net.commit(job_id).codes == [0]
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_VERIFYING and job.segment_deadline == 0
    assert [s.index for s in job.segments_log] == [0, 1, 2, 3]


def test_capacity_limits_how_many_jobs_a_host_takes():
    net = TrainingNet(2, weights=[5, 5], training_params={"capacity_gflop_per_weight": "1"})  # K = 5 GFLOP, load 4
    block = net.run((net.users[0], net.submit_msg(0, output_model="m0")),
                    (net.users[1], net.submit_msg(1, output_model="n0")),
                    (net.users[1], net.submit_msg(1, output_model="n1")))
    assert block.codes == [0, 0, 0]
    statuses = [net.job(i).status for i in (1, 2, 3)]
    assert statuses.count(TRAINING_JOB_STATUS_TRAINING) == 2 and statuses.count(TRAINING_JOB_STATUS_QUEUED) == 1
    assert {net.job(i).host for i in (1, 2, 3) if net.job(i).host} == {h.bech32 for h in net.hosts}


def test_stake_condition_picks_the_host_with_enough_free_collateral():
    # price 10^8 / GFLOP: G = R = 2 x 10^7 per interval needs ~6.7 x 10^7 collateral; bonds are 10^7
    net = TrainingNet(4, training_params={"price_per_gflop": "100000000"})
    stake = net.run((net.hosts[2].operator, stake_msg(net.hosts[2].bech32, 100_000_000)))
    assert stake.codes == [0], [r.log for r in stake.results]
    _, job_id = net.submit(0, budget=800_000_000)
    job = net.job(job_id)
    assert job.host == net.hosts[2].bech32 and job.collateral > 10_000_000
    _, second = net.submit(1, budget=800_000_000, output_model="second")
    assert net.job(second).status == TRAINING_JOB_STATUS_QUEUED  # host 2's free collateral is locked now


def test_banned_hosts_and_hosts_in_maintenance_are_not_scheduled():
    net = TrainingNet(3, training_params={"maintenance_notice_blocks": "1"}, banned=[1])
    h = net.next_height
    block = net.run((0, net.maintenance_msg(0, h + 1, h + 10)))
    assert block.codes == [0], [r.log for r in block.results]
    _, job_id = net.submit(0)
    assert net.job(job_id).host == net.hosts[2].bech32
    windows = net.tquery("Maintenance", query_pb2.QueryMaintenanceRequest(host=net.hosts[0].bech32),
                         query_pb2.QueryMaintenanceResponse).windows
    assert [(w.start_height, w.end_height) for w in windows] == [(h + 1, h + 10)]


def test_no_host_expires_the_queued_job_with_a_full_refund():
    net = TrainingNet(2, weights=[0, 0], training_params={"queue_blocks": "4"})
    user = net.users[0]
    net.run()
    before = net.balance(user.address)
    block, job_id = net.submit(0, budget=9_999)
    assert net.job(job_id).status == TRAINING_JOB_STATUS_QUEUED and net.job(job_id).segment_deadline == block.height + 4
    net.advance_to(block.height + 4)
    last = net.run()
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_FAILED and job.refunded == 9_999
    assert net.balance(user.address) == before - FEE and net.balance(ESCROW) == 0
    assert events_of(last, "training_failed")[0]["reason"].startswith("no host could take the job")
    assert net.submit(1, output_model="tiny-ft")[0].codes == [0]  # a FAILED job's name is free again


def test_collateral_cannot_be_unstaked_while_the_job_runs():
    net = TrainingNet(2, weights=[10, 0])
    _, job_id = net.submit(0)
    job = net.job(job_id)
    assert job.host == net.hosts[0].bech32
    block = net.run((net.hosts[0].operator, unstake(net, 0, net.bonded(0))))
    assert block.codes == [18] and "locked as collateral of training jobs" in block.results[0].log
    block = net.run((net.hosts[0].operator, unstake(net, 0, net.bonded(0) - job.collateral)))
    assert block.codes == [0], [r.log for r in block.results]


def unstake(net, host: int, amount: int):
    from sprint.common.v1.coin_pb2 import Coin
    from sprint.staking.v1.tx_pb2 import MsgUnstake

    from chain.modules.staking.msg_server import MSG_UNSTAKE_URL
    from chain.tx.builder import pack_any

    return pack_any(MsgUnstake(operator=net.hosts[host].bech32, amount=Coin(denom="usprint", amount=str(amount))),
                    MSG_UNSTAKE_URL)


def test_jobs_query_filters_and_pages():
    net = TrainingNet(2, weights=[10, 0], users=2)
    for u, name in ((0, "a"), (1, "b"), (0, "c")):
        net.submit(u, output_model=name)
    by_user0 = net.jobs(submitter=net.users[0].bech32)
    assert [j.id for j in by_user0.jobs] == [1, 3] and by_user0.next == 0
    page = net.jobs(limit=2)
    assert [j.id for j in page.jobs] == [1, 2] and page.next == 2
    assert [j.id for j in net.jobs(start_after=2).jobs] == [3]
    assert [j.id for j in net.jobs(host=net.hosts[0].bech32, status=TRAINING_JOB_STATUS_TRAINING).jobs] == [1, 2, 3]
    assert net.jobs(status=TRAINING_JOB_STATUS_QUEUED).jobs == []
    missing = net.tquery_raw("Job", query_pb2.QueryJobRequest(id=99))
    assert missing.code != 0 and "training job 99 does not exist" in missing.log
    assert net.tquery_raw("Jobs", query_pb2.QueryJobsRequest(host="nope")).code != 0
    params = net.tquery("Params", query_pb2.QueryParamsRequest(), query_pb2.QueryParamsResponse).params
    assert params.segment_blocks == 5 and params.price_per_gflop == 50


def test_genesis_export_round_trips_jobs_and_relocks_collateral():
    from chain.modules import registry
    from chain.store.memory import MemoryDB
    from tests.helpers.chain import new_app, run_block

    net = TrainingNet(4)
    _, job_id = net.submit(0)
    assert net.commit(job_id).codes == [0]
    exported = registry.export_genesis(net.app.committed_store(), net.app.keepers)
    assert [j["id"] for j in exported["training"]["jobs"]] == [str(job_id)]
    state = dict(net.app_state, **{"training": exported["training"], "inference": exported["inference"]})
    app = new_app(MemoryDB(), state)
    run_block(app)
    store = app.committed_store()
    job = app.keepers.training.get_job(store, job_id)
    assert job == net.job(job_id)
    host = decode_address(job.host)
    assert app.keepers.staking.job_collateral(store, host) == job.collateral > 0
    assert app.keepers.training.output_reserved_by(store, "tiny-ft") == job_id


SCRIPT = """
import json
from tests.helpers.training_jobs import TrainingNet
net = TrainingNet(4, weights=[10, 20, 30, 40])
hashes = []
_, a = net.submit(0)
_, b = net.submit(1, output_model="other")
for job_id in (a, b):
    net.commit(job_id)
    net.pass_segment(job_id, 0)
    hashes.append(net.app.app_hash.hex())
net.advance_to(net.next_height + 6)
hashes.append(net.app.app_hash.hex())
print(json.dumps(hashes))
"""


def test_app_hashes_do_not_depend_on_pythonhashseed():
    outputs = []
    for seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed,
                   PYTHONPATH=os.pathsep.join([REPO, os.path.join(REPO, "proto"), os.environ.get("PYTHONPATH", "")]))
        result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                                timeout=240)
        assert result.returncode == 0, result.stderr[-2000:]
        outputs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 3
