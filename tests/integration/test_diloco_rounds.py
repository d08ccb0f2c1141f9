"""DiLoCo jobs in-process (docs/diloco.md §1-§3, §7): assignment with ranks, rounds closing at the
barrier or the deadline, stragglers (light penalty, back next round, two misses leave),
replacements at a round boundary, the agreed-hash rule, completion and pay, bad input refused with
a code and no state change, escrow and supply invariants."""

from __future__ import annotations

from sprint.training.v1.training_pb2 import (
    ROUND_CHECK_PENDING, ROUND_CHECK_UNCHECKED, ROUND_STATUS_CLOSED, ROUND_STATUS_OPEN, ROUND_STATUS_OUTER,
    TRAINING_JOB_STATUS_COMPLETED, TRAINING_JOB_STATUS_QUEUED, TRAINING_JOB_STATUS_TRAINING,
)

from chain.modules.training import draws
from tests.helpers.diloco_jobs import DilocoNet, h
from tests.helpers.sprint import block_hash_at, events_of
from tests.helpers.training_jobs import ESCROW

TRAIN_COST = 600  # 3 workers x 4 GFLOP x 50
VERIFY_COST = 0   # outer_sample_ppm 0 in these tests


def assert_invariants(net) -> None:
    """The training escrow (the open jobs' escrow_left) and the bank's total supply invariants."""
    checks = net.app.modules.by_name["training"].invariants() + net.app.modules.by_name["bank"].invariants()
    assert [check(net.app.committed_store()) for _, check in checks] == [None, None]


def run_job(net, job_id):
    while net.job(job_id).status == TRAINING_JOB_STATUS_TRAINING:
        net.round(job_id)
        assert_invariants(net)
    net.run()


def test_submit_assigns_three_workers_with_ranks_seed_collateral_and_round_zero():
    net = DilocoNet(7)
    net.run()
    block, job_id = net.submit_diloco(0)
    assert block.codes == [0]
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_TRAINING and job.host == ""
    d = job.diloco
    assert (d.workers_wanted, d.inner_steps, d.rounds, d.outer_lr_nano, d.outer_momentum_nano) == \
        (3, 8, 5, 700_000_000, 900_000_000)
    assert (job.load_gflop, job.train_cost, job.verify_cost) == (12, TRAIN_COST, VERIFY_COST)
    assert [w.rank for w in d.workers] == [0, 1, 2] and len({w.host for w in d.workers}) == 3
    assert all(w.active and w.joined_round == 0 for w in d.workers)
    for w in d.workers:
        assert net.app.keepers.staking.job_collateral(net.app.committed_store(), net.hosts[net.index_of(w.host)].address) \
            == w.collateral
    assert job.data_seed == draws.data_seed(block_hash_at(block.height), job_id)
    rnd = net.current(job_id)
    assert (rnd.index, rnd.status, rnd.start_weights_sha256, rnd.start_momentum_sha256) == \
        (0, ROUND_STATUS_OPEN, net.job(job_id).resume_weights_sha256, "")
    assert rnd.deadline == block.height + 4
    assert_invariants(net)


def test_barrier_closes_at_once_then_the_agreed_pair_opens_the_next_round():
    net = DilocoNet(7)
    _, job_id = net.submit_diloco(0)
    first = net.workers(job_id)[:2]
    net.contribute(job_id, first)
    assert net.current(job_id).status == ROUND_STATUS_OPEN  # one worker still missing
    block = net.contribute(job_id, net.workers(job_id)[2:])
    rnd = net.current(job_id)
    assert rnd.status == ROUND_STATUS_OUTER and rnd.closed_height == block.height and rnd.check == ROUND_CHECK_PENDING
    assert [c.rank for c in rnd.contributions] == [0, 1, 2]
    block = net.commit_outer(job_id)
    job = net.job(job_id)
    closed = job.diloco.rounds_log[0]
    assert closed.status == ROUND_STATUS_CLOSED and closed.agreed_weights_sha256 == h("t", job_id, 0, "")
    assert closed.check == ROUND_CHECK_UNCHECKED and not closed.flagged
    assert job.diloco.current_round == 1
    nxt = net.current(job_id)
    assert nxt.start_weights_sha256 == closed.agreed_weights_sha256
    assert nxt.start_momentum_sha256 == closed.agreed_momentum_sha256
    assert all(w.optim_sha256 == h("o", job_id, 0, net.index_of(w.host), "") for w in job.diloco.workers)
    assert all(w.accepted_steps == 8 for w in job.diloco.workers)
    assert events_of(block, "diloco_round_agreed")[0]["round"] == "0"


def test_a_differing_outer_hash_is_flagged_and_the_majority_pair_agreed():
    net = DilocoNet(7)
    _, job_id = net.submit_diloco(0)
    net.contribute(job_id)
    odd = net.workers(job_id)[1]
    reputation_before = net.app.keepers.reputation.get(net.app.committed_store(), net.hosts[odd].address) \
        if hasattr(net.app.keepers.reputation, "get") else None
    net.commit_outer(job_id, salts={odd: "bad"})
    closed = net.job(job_id).diloco.rounds_log[0]
    assert closed.agreed_weights_sha256 == h("t", job_id, 0, "")
    assert list(closed.flagged) == [net.hosts[odd].bech32]
    assert net.app.keepers.training.unavailable(net.app.committed_store(), net.hosts[odd].address) == 1
    del reputation_before


def test_deadline_closes_without_the_straggler_who_is_back_next_round_and_leaves_after_two_misses():
    net = DilocoNet(7)
    _, job_id = net.submit_diloco(0)
    ranks = net.workers(job_id)
    late = ranks[2]
    net.contribute(job_id, ranks[:2])
    deadline = net.current(job_id).deadline
    net.advance_to(deadline)
    net.run()  # the deadline block: closed at its end
    rnd = net.current(job_id)
    assert rnd.status == ROUND_STATUS_OUTER and [net.index_of(c.host) for c in rnd.contributions] == ranks[:2]
    late_worker = [w for w in net.job(job_id).diloco.workers if w.rank == 2][0]
    assert late_worker.active and late_worker.missed_rounds == 1
    assert net.app.keepers.training.unavailable(net.app.committed_store(), net.hosts[late].address) == 1
    # a late contribution is refused now
    block = net.run((late, net.round_msg(job_id, late, 0)))
    assert block.codes == [18] and "OUTER" in block.results[0].log
    # the straggler cannot commit the outer step of a round it missed
    block = net.run((late, net.outer_msg(job_id, late)))
    assert block.codes == [4]
    net.commit_outer(job_id)
    assert net.expected(job_id) == ranks  # back in round 1
    net.contribute(job_id, ranks)
    net.commit_outer(job_id)
    worker = [w for w in net.job(job_id).diloco.workers if w.rank == 2][0]
    assert worker.missed_rounds == 0 and worker.accepted_steps == 8
    # two misses in a row: leaves (and is excluded)
    for _ in range(2):
        net.contribute(job_id, ranks[:2])
        net.advance_to(net.current(job_id).deadline)
        net.run()
        net.commit_outer(job_id)
    job = net.job(job_id)
    worker = [w for w in job.diloco.workers if w.host == net.hosts[late].bech32][0]
    assert not worker.active and net.hosts[late].bech32 in job.excluded
    assert net.app.keepers.staking.job_collateral(net.app.committed_store(), net.hosts[late].address) == 0
    assert_invariants(net)


def test_a_replacement_takes_the_free_rank_and_joins_at_the_next_boundary_then_the_job_completes():
    net = DilocoNet(7)
    _, job_id = net.submit_diloco(0)
    ranks = net.workers(job_id)
    for _ in range(2):  # rank 2 misses rounds 0 and 1 and leaves at the close of round 1
        net.contribute(job_id, ranks[:2])
        net.advance_to(net.current(job_id).deadline)
        net.run()
        net.commit_outer(job_id)
    job = net.job(job_id)
    new = [w for w in job.diloco.workers if w.active and w.rank == 2]
    assert len(new) == 1 and new[0].host != net.hosts[ranks[2]].bech32
    assert new[0].joined_round == 2 and job.diloco.current_round == 2  # joined at the boundary after round 1
    assert net.index_of(new[0].host) in net.expected(job_id)
    run_job(net, job_id)
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_COMPLETED
    assert job.output_weights_sha256 == h("t", job_id, 4, "")
    model = net.app.keepers.inference.get_model(net.app.committed_store(), job.output_model)
    assert model.weights_sha256 == job.output_weights_sha256 and model.weights_size == 1000
    total = 5 * 8 * 3
    for w in job.diloco.workers:
        assert w.accepted_steps == 8 * sum(1 for r in job.diloco.rounds_log if w.host in [c.host for c in r.contributions])
    assert job.paid_provers == sum(TRAIN_COST * w.accepted_steps // total for w in job.diloco.workers)
    assert job.paid_provers + job.refunded == job.budget
    assert net.balance(ESCROW) == 0
    assert_invariants(net)


def test_completion_pays_by_accepted_steps_and_refunds_the_rest():
    net = DilocoNet(7)
    user = net.users[0]
    net.run()
    _, job_id = net.submit_diloco(0, budget=100_000)
    ranks = net.workers(job_id)
    paid_events = []
    # rank 1 misses round 2 only
    for u in range(5):
        hosts = [i for i in ranks if not (u == 2 and i == ranks[1])]
        net.contribute(job_id, hosts)
        if u == 2:
            net.advance_to(net.current(job_id).deadline)
            net.run()
        block = net.commit_outer(job_id)
    paid_events = events_of(block, "training_completed")  # completed in the block of the last agreement
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_COMPLETED
    steps = {net.index_of(w.host): w.accepted_steps for w in job.diloco.workers}
    assert steps == {ranks[0]: 40, ranks[1]: 32, ranks[2]: 40}
    assert paid_events and paid_events[0]["paid_provers"] == "560"
    assert job.paid_provers == 200 + 160 + 200
    assert job.refunded == 100_000 - 560
    assert net.balance(ESCROW) == 0
    assert net.balance(user.address) > 0
    assert_invariants(net)


def test_bad_submissions_are_refused_with_a_code_and_no_state_change():
    net = DilocoNet(7)
    net.run()
    cases = [
        (dict(workers=5, inner_steps=8), "max_workers"),
        (dict(workers=3, inner_steps=0), "inner_steps must be >= 1"),
        (dict(workers=3, inner_steps=3), "must divide total_steps"),
        (dict(workers=3, inner_steps=5, hyper=dict(total_steps=40, checkpoint_interval=2)), "multiple of"),
        (dict(workers=3, inner_steps=8, outer_momentum_nano=1_000_000_000), "outer_momentum_nano"),
    ]
    for fields, words in cases:
        before = (net.app.app_hash, net.balance(ESCROW))
        block, job_id = net.submit(0, **fields)
        assert block.codes == [18] and job_id is None and words in block.results[0].log, (fields, block.results[0].log)
        assert net.balance(ESCROW) == before[1]
    assert not net.jobs().jobs


def test_bad_commits_are_refused_with_a_code_and_no_state_change():
    net = DilocoNet(7, training_params={"round_blocks": "50"})
    _, job_id = net.submit_diloco(0)
    ranks = net.workers(job_id)
    outsider = [i for i in range(7) if i not in ranks][0]
    job_before = net.job(job_id).SerializeToString()
    cases = [
        ((outsider, net.round_msg(job_id, outsider)), 4),                       # not a worker
        ((ranks[0], net.round_msg(job_id, ranks[0], 1)), 18),                  # wrong round
        ((ranks[0], net.round_msg(job_id, ranks[0], losses_micro=[1])), 18),   # losses per interval
        ((ranks[0], net.outer_msg(job_id, ranks[0])), 18),                     # round is OPEN, not OUTER
        ((ranks[0], net.vote_round_msg(job_id, 0, ranks[0])), 18),             # no check running
        ((ranks[0], net.round_msg(job_id + 1, ranks[0], 0)), 18),                 # no such job
    ]
    for entry, code in cases:
        block = net.run(entry)
        assert block.codes == [code], (code, block.results[0].log)
        assert net.job(job_id).SerializeToString() == job_before
    net.contribute(job_id, ranks[:1])
    block = net.run((ranks[0], net.round_msg(job_id, ranks[0])))
    assert block.codes == [18] and "already contributed" in block.results[0].log


def test_a_round_without_any_contribution_reopens_and_the_job_fails_past_max_reassignments():
    net = DilocoNet(7)
    net.run()
    _, job_id = net.submit_diloco(0, budget=50_000)
    for attempt in range(1, 4):
        net.advance_to(net.current(job_id).deadline)
        net.run()
        job = net.job(job_id)
        if job.status != TRAINING_JOB_STATUS_TRAINING:
            break
        assert job.reassignments == attempt and net.current(job_id).index == 0
    job = net.job(job_id)
    # misses make the workers leave after two rounds; the job fails after max_reassignments (3) re-opens
    while job.status == TRAINING_JOB_STATUS_TRAINING:
        net.advance_to(net.current(job_id).deadline)
        net.run()
        job = net.job(job_id)
    assert job.status not in (TRAINING_JOB_STATUS_TRAINING, TRAINING_JOB_STATUS_QUEUED)
    assert job.refunded == 50_000 and net.balance(ESCROW) == 0
    for w in job.diloco.workers:
        assert net.app.keepers.staking.job_collateral(net.app.committed_store(), net.hosts[net.index_of(w.host)].address) == 0
    assert_invariants(net)


def test_a_round_without_outer_commits_is_flagged_rolled_back_and_redone():
    net = DilocoNet(7)
    _, job_id = net.submit_diloco(0)
    net.round(job_id)
    net.contribute(job_id)                        # round 1 closes; nobody commits its outer step
    rnd = net.current(job_id)
    net.advance_to(rnd.closed_height + 3)
    block = net.run()
    job = net.job(job_id)
    d = job.diloco
    assert [r.status for r in d.rounds_log] == [ROUND_STATUS_CLOSED, 4, ROUND_STATUS_OPEN]  # 4: ROLLED_BACK
    assert len(d.rounds_log[1].flagged) == 3 and d.redone_steps == 24 and d.rollbacks == 1
    assert job.reassignments == 1 and d.current_round == 1
    assert net.current(job_id).start_weights_sha256 == h("t", job_id, 0, "")
    assert all(w.optim_sha256 == h("o", job_id, 0, net.index_of(w.host), "") for w in d.workers)
    assert events_of(block, "diloco_rollback")[0]["to_round"] == "1"
    run_job(net, job_id)
    assert net.job(job_id).status == TRAINING_JOB_STATUS_COMPLETED
    assert_invariants(net)
