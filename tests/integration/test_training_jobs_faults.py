"""Training faults in-process (docs/training.md §9): a missed segment deadline slashes, lowers the
success rate, counts U and withholds rewards; a maintenance window excuses it; U > max_unavailable
locks the whole bond; the job resumes from its last PASSED segment on another host (the old one
excluded, its collateral released) and fails with a refund after max_reassignments."""

from __future__ import annotations

from sprint.training.v1.training_pb2 import (
    SEGMENT_STATUS_PASSED, SEGMENT_STATUS_VOIDED, TRAINING_JOB_STATUS_COMPLETED, TRAINING_JOB_STATUS_FAILED,
    TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING,
)

from chain.modules.rewards import keys as rewards_keys
from tests.helpers.sprint import FEE, events_of
from tests.helpers.training_jobs import ESCROW, TrainingNet, state


def reputation(net, host: int):
    return net.app.keepers.reputation.get(net.app.committed_store(), net.hosts[host].address)


def unavailable(net, host: int) -> int:
    return net.app.keepers.training.unavailable(net.app.committed_store(), net.hosts[host].address)


def miss_deadline(net, job_id: int):
    """Run empty blocks through the job's segment deadline; returns the deadline block."""
    deadline = net.job(job_id).segment_deadline
    net.advance_to(deadline)
    block = net.run()
    checks = net.app.modules.by_name["training"].invariants()
    assert [check(net.app.committed_store()) for _, check in checks] == [None]
    return block


def test_missed_deadline_penalises_and_resumes_from_the_passed_prefix_on_another_host():
    net = TrainingNet(4, training_params={"reveal_blocks": "20"})  # segment 1 waits for its reveal meanwhile
    _, job_id = net.submit(0)
    first = net.prover(job_id)
    assert net.commit(job_id).codes == [0]
    net.pass_segment(job_id, 0)
    assert net.commit(job_id).codes == [0]  # segment 1 committed, then the prover stops
    bonded, success = net.bonded(first), getattr(reputation(net, first), "success_rate_ppm", 0)
    block = miss_deadline(net, job_id)
    fault = events_of(block, "training_fault")
    assert fault and fault[0]["host"] == net.hosts[first].bech32 and fault[0]["excused"] == "false"
    fault_bps = net.app.keepers.staking.get_params(net.app.committed_store()).fault_slash_bps
    assert net.bonded(first) == bonded - bonded * fault_bps // 10_000
    assert reputation(net, first).success_rate_ppm == max(0, success - 50_000)
    assert unavailable(net, first) == 1
    store = net.app.committed_store()
    epoch = net.app.keepers.sprint.current_epoch(store, block.height)
    assert store.get(rewards_keys.heartbeat_key(epoch, net.hosts[first].address)) is not None or \
        net.app.keepers.rewards.is_settled(store, epoch)
    job = net.job(job_id)
    assert job.reassignments == 1 and list(job.excluded) == [net.hosts[first].bech32]
    assert job.status == TRAINING_JOB_STATUS_TRAINING and job.host != net.hosts[first].bech32  # re-scheduled at once
    assert [s.status for s in job.segments_log] == [SEGMENT_STATUS_PASSED, SEGMENT_STATUS_VOIDED]
    assert job.resume_interval == 5 and job.resume_weights_sha256 == state(job_id, 4)[0]
    assert job.resume_optim_sha256 == state(job_id, 4)[1]
    assert net.app.keepers.staking.job_collateral(store, net.hosts[first].address) == 0
    assert [e["from"] for e in events_of(block, "training_reassigned")] == [net.hosts[first].bech32]
    # the new prover continues with segment 1 and finishes the job
    for index in range(1, 4):
        assert net.commit(job_id).codes == [0]
        net.pass_segment(job_id, index)
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_COMPLETED and job.paid_provers == 200
    assert net.balance(ESCROW) == 0


def test_a_deadline_inside_a_maintenance_window_is_excused():
    net = TrainingNet(4)
    _, job_id = net.submit(0)
    host = net.prover(job_id)
    deadline = net.job(job_id).segment_deadline
    assert net.run((host, net.maintenance_msg(host, deadline - 1, deadline + 2))).codes == [0]
    bonded = net.bonded(host)
    block = miss_deadline(net, job_id)
    assert events_of(block, "training_fault")[0]["excused"] == "true"
    assert net.bonded(host) == bonded and unavailable(net, host) == 0
    job = net.job(job_id)
    assert job.reassignments == 1 and job.host and job.host != net.hosts[host].bech32
    assert net.training_params().max_maintenance_per_epoch == 2


def test_maintenance_announcements_per_epoch_are_bounded():
    net = TrainingNet(2, training_params={"max_maintenance_per_epoch": "1"})
    h = net.next_height
    assert net.run((0, net.maintenance_msg(0, h + 3, h + 3))).codes == [0]
    block = net.run((0, net.maintenance_msg(0, h + 4, h + 4)))
    assert block.codes == [18] and "already announced 1 maintenance windows" in block.results[0].log


def test_more_than_max_unavailable_misses_lock_the_whole_bond():
    net = TrainingNet(2, weights=[10, 0], training_params={"max_unavailable": "0", "unavailable_lockup_blocks": "50",
                                                          "max_reassignments": "5"})
    _, job_id = net.submit(0)
    block = miss_deadline(net, job_id)
    staking = net.app.keepers.staking
    store = net.app.committed_store()
    assert unavailable(net, 0) == 0  # U exceeded max_unavailable: reset after the lock-up
    assert staking.locked(store, net.hosts[0].address, block.height) == net.bonded(0) > 0
    assert events_of(block, "training_lockup")[0]["unlock_height"] == str(block.height + 50)


def test_too_many_reassignments_fail_the_job_with_a_refund():
    net = TrainingNet(2, weights=[10, 10], training_params={"max_reassignments": "1"})
    user = net.users[0]
    net.run()
    before = net.balance(user.address)
    _, job_id = net.submit(0, budget=7_777)
    miss_deadline(net, job_id)  # first fault: re-assigned to the other host
    assert net.job(job_id).reassignments == 1 and net.job(job_id).status == TRAINING_JOB_STATUS_TRAINING
    block = miss_deadline(net, job_id)
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_FAILED and job.refunded == 7_777 and job.reassignments == 2
    assert "re-assigned 2 times" in events_of(block, "training_failed")[0]["reason"]
    assert net.balance(user.address) == before - FEE and net.balance(ESCROW) == 0
    assert sorted(job.excluded) == sorted(h.bech32 for h in net.hosts)


def test_excluded_hosts_are_never_assigned_again():
    net = TrainingNet(2, weights=[10, 10], training_params={"max_reassignments": "3", "queue_blocks": "3"})
    _, job_id = net.submit(0)
    miss_deadline(net, job_id)
    miss_deadline(net, job_id)
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_QUEUED and not job.host and len(job.excluded) == 2  # all excluded
    net.advance_to(job.segment_deadline)
    net.run()
    assert net.job(job_id).status == TRAINING_JOB_STATUS_FAILED
