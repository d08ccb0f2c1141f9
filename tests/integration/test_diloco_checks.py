"""DiLoCo round checks in-process (docs/diloco.md §5-§7): the draw from the hash of the block after
the close, committees of hosts outside the job, votes (committee only, once, by the deadline),
re-verification and fraud reused from single-prover jobs, the rollback to the right round (a round
whose check is still pending included), redone_steps, forfeited pay and the bounty, committee pay,
and determinism across PYTHONHASHSEED."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED
from sprint.training.v1.training_pb2 import (
    ROUND_CHECK_FRAUD, ROUND_CHECK_PASSED, ROUND_CHECK_REVERIFYING, ROUND_CHECK_VOTING, ROUND_STATUS_OPEN,
    ROUND_STATUS_ROLLED_BACK, TRAINING_JOB_STATUS_COMPLETED, TRAINING_JOB_STATUS_TRAINING, TrainingJob,
)

from chain.modules.training import draws
from chain.modules.training.diloco_checks import check_draw, check_seed
from tests.helpers.diloco_jobs import DilocoNet, h
from tests.helpers.sprint import block_hash_at
from tests.helpers.training_jobs import ESCROW

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKED = {"outer_sample_ppm": "1000000", "outer_vote_blocks": "10"}
VERIFY_COST = 400  # ceil(600 x 10^6 x 2 / (10^6 x 3))


def assert_invariants(net) -> None:
    """The training escrow (the open jobs' escrow_left) and the bank's total supply invariants."""
    checks = net.app.modules.by_name["training"].invariants() + net.app.modules.by_name["bank"].invariants()
    assert [check(net.app.committed_store()) for _, check in checks] == [None, None]


def finish(net, job_id) -> None:
    """Run rounds (committees voting VALID) until the job completes."""
    for _ in range(40):
        job = net.job(job_id)
        if job.status == TRAINING_JOB_STATUS_COMPLETED:
            return
        if job.status == TRAINING_JOB_STATUS_TRAINING and net.current(job_id).status == ROUND_STATUS_OPEN:
            net.contribute(job_id)
            net.commit_outer(job_id)
        net.pass_checks(job_id)
        if net.job(job_id).status != TRAINING_JOB_STATUS_TRAINING:
            net.run()
        assert_invariants(net)
    raise AssertionError("the job did not complete")


def test_the_check_is_drawn_from_the_next_block_hash_with_a_committee_outside_the_job():
    net = DilocoNet(7, training_params=CHECKED)
    _, job_id = net.submit_diloco(0)
    workers = {net.hosts[i].bech32 for i in net.workers(job_id)}
    closed = net.contribute(job_id)
    assert net.live(job_id, 0).check == 1  # PENDING: no draw in the block of the close
    draw_block = net.commit_outer(job_id)
    assert draw_block.height == closed.height + 1
    rnd = net.live(job_id, 0)
    seed = check_seed(block_hash_at(draw_block.height), job_id, 0)
    ranked = sorted(rnd.contributions, key=lambda c: c.rank)
    assert rnd.checked_host == ranked[check_draw(seed, 1_000_000, 3)].host
    outsiders = [(h_.address, 10) for h_ in net.hosts if h_.bech32 not in workers]
    assert list(rnd.committee) == [net.hosts[net.index_of_address(op)].bech32
                                   for op in draws.draw_committee(seed, outsiders, 2)]
    assert len(rnd.committee) == 2 and not set(rnd.committee) & workers
    assert rnd.check == ROUND_CHECK_VOTING and rnd.vote_deadline == draw_block.height + 10


def test_check_draw_rule():
    seed = check_seed(b"\x01" * 32, 7, 3)
    assert check_draw(seed, 0, 3) is None and check_draw(seed, 1_000_000, 0) is None
    assert check_draw(seed, 1_000_000, 3) in (0, 1, 2)
    other = check_seed(b"\x02" * 32, 7, 3)
    picks = {check_draw(check_seed(bytes([i]) * 32, 7, 3), 1_000_000, 3) for i in range(40)}
    assert picks == {0, 1, 2} and seed != other


def test_votes_committee_only_once_by_the_deadline_and_valid_votes_pass_and_are_paid():
    net = DilocoNet(7, training_params=CHECKED)
    _, job_id = net.submit_diloco(0)
    net.contribute(job_id)
    net.commit_outer(job_id)
    rnd = net.live(job_id, 0)
    committee = [net.index_of(m) for m in rnd.committee]
    before = net.job(job_id).SerializeToString()
    stranger = [i for i in range(7) if net.hosts[i].bech32 not in rnd.committee][0]  # a worker or outsider
    worker = net.workers(job_id)[0]
    for voter, code in ((stranger, 4), (worker, 4)):
        block = net.run((voter, net.vote_round_msg(job_id, 0, voter)))
        assert block.codes == [code], block.results[0].log
    block = net.run((committee[0], net.vote_round_msg(job_id, 1, committee[0])))
    assert block.codes == [18]  # round 1 has no check running
    assert net.job(job_id).diloco.rounds_log[0] == TrainingJob.FromString(before).diloco.rounds_log[0]
    assert net.run((committee[0], net.vote_round_msg(job_id, 0, committee[0]))).codes == [0]
    block = net.run((committee[0], net.vote_round_msg(job_id, 0, committee[0])))
    assert block.codes == [18] and "already voted" in block.results[0].log
    assert net.run((committee[1], net.vote_round_msg(job_id, 0, committee[1]))).codes == [0]
    assert net.live(job_id, 0).check == ROUND_CHECK_PASSED
    finish(net, job_id)
    job = net.job(job_id)
    passed = [r for r in job.diloco.rounds_log if r.check == ROUND_CHECK_PASSED]
    assert len(passed) == 5 and job.verify_cost == VERIFY_COST
    assert job.paid_verifiers == sum(VERIFY_COST // 5 // 2 * 2 for _ in passed)
    assert job.paid_provers + job.paid_verifiers + job.refunded == job.budget and net.balance(ESCROW) == 0


def test_a_late_vote_is_refused_and_silence_passes_at_the_deadline():
    net = DilocoNet(7, training_params=dict(CHECKED, outer_vote_blocks="2", round_blocks="50"))
    _, job_id = net.submit_diloco(0)
    net.contribute(job_id)
    net.commit_outer(job_id)
    rnd = net.live(job_id, 0)
    net.advance_to(rnd.vote_deadline + 1)
    member = net.index_of(rnd.committee[0])
    block = net.run((member, net.vote_round_msg(job_id, 0, member)))
    assert block.codes == [18]
    assert net.live(job_id, 0).check == ROUND_CHECK_PASSED


def test_fraud_rolls_back_past_a_pending_check_counts_redone_steps_and_the_job_completes_without_the_cheater():
    net = DilocoNet(7, training_params=CHECKED)
    _, job_id = net.submit_diloco(0, budget=100_000)
    net.contribute(job_id)
    net.commit_outer(job_id)                      # round 0 agreed, check VOTING
    net.pass_checks(job_id)                       # round 0 PASSED
    assert net.live(job_id, 0).check == ROUND_CHECK_PASSED
    net.contribute(job_id)
    net.commit_outer(job_id)                      # round 1 agreed, check VOTING (left pending)
    net.contribute(job_id)
    net.commit_outer(job_id)                      # round 2 agreed, check VOTING
    net.contribute(job_id)                        # round 3 closed (OUTER)
    r2 = net.live(job_id, 2)
    cheater = r2.checked_host
    assert net.live(job_id, 1).check == ROUND_CHECK_VOTING
    committee = [net.index_of(m) for m in r2.committee]
    block = net.run(*[(m, net.vote_round_msg(job_id, 2, m, valid=False)) for m in committee])
    assert block.codes == [0, 0]
    assert net.live(job_id, 2).check == ROUND_CHECK_REVERIFYING
    job = net.job(job_id)
    workers = {w.host for w in job.diloco.workers}
    third = [i for i in range(7) if net.hosts[i].bech32 not in workers and i not in committee][0]
    worker_voter = net.index_of(sorted(workers - {cheater})[0])
    assert net.run((worker_voter, net.vote_round_msg(job_id, 2, worker_voter, valid=False))).codes == [4]
    block = net.run((third, net.vote_round_msg(job_id, 2, third, valid=False)))
    assert block.codes == [0], block.results[0].log
    job = net.job(job_id)
    d = job.diloco
    fraud_round = [r for r in d.rounds_log if r.index == 2 and r.check == ROUND_CHECK_FRAUD]
    assert len(fraud_round) == 1 and fraud_round[0].status == ROUND_STATUS_ROLLED_BACK
    assert [r.status == ROUND_STATUS_ROLLED_BACK for r in d.rounds_log[:4]] == [False, True, True, True]
    assert d.current_round == 1 and d.rollbacks == 1
    assert d.redone_steps == 8 * (3 + 3 + 3)      # rounds 1, 2 and 3 had three contributions each
    new = net.current(job_id)
    assert new.index == 1 and new.status == ROUND_STATUS_OPEN
    assert new.start_weights_sha256 == h("t", job_id, 0, "") == d.rounds_log[1].start_weights_sha256
    for w in d.workers:
        if w.active and w.joined_round == 0:  # (a replacement for the cheater joins at round 2, fresh)
            assert w.optim_sha256 == h("o", job_id, 0, net.index_of(w.host), "")
            assert w.accepted_steps == 8
    cheat = [w for w in d.workers if w.host == cheater][0]
    assert not cheat.active and cheater in job.excluded and cheater in job.forfeited
    host = net.app.keepers.hosts.get_host(net.app.committed_store(), net.hosts[net.index_of(cheater)].address)
    assert host.status == HOST_STATUS_BANNED
    assert job.bounty_paid == (600 * 8 // 120 * 5000 // 10_000) // 3 * 3
    assert_invariants(net)
    finish(net, job_id)
    job = net.job(job_id)
    assert job.status == TRAINING_JOB_STATUS_COMPLETED and job.output_weights_sha256 == h("t", job_id, 4, "")
    paid = {w.host: 600 * w.accepted_steps // 120 for w in job.diloco.workers if w.host != cheater}
    assert job.paid_provers == sum(paid.values())
    assert all(cheater not in [c.host for c in r.contributions] for r in job.diloco.rounds_log
               if r.status != ROUND_STATUS_ROLLED_BACK and r.index >= 1)
    assert net.balance(ESCROW) == 0
    assert_invariants(net)


SCRIPT = """
import json
from tests.helpers.diloco_jobs import DilocoNet
from tests.integration.test_diloco_checks import CHECKED, finish
net = DilocoNet(7, training_params=CHECKED)
_, job_id = net.submit_diloco(0)
finish(net, job_id)
print(json.dumps([net.app.height, net.app.app_hash.hex(), net.job(job_id).output_weights_sha256]))
"""


def test_app_hashes_do_not_depend_on_pythonhashseed():
    outputs = []
    for seed in ("0", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed,
                   PYTHONPATH=os.pathsep.join([REPO, os.path.join(REPO, "proto"), os.environ.get("PYTHONPATH", "")]))
        result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True,
                                timeout=240)
        assert result.returncode == 0, result.stderr[-2000:]
        outputs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    assert outputs[0] == outputs[1]


def test_genesis_export_round_trips_a_diloco_job_and_relocks_every_workers_collateral():
    from chain.modules import registry
    from chain.store.memory import MemoryDB
    from tests.helpers.chain import new_app, run_block

    net = DilocoNet(7, training_params=CHECKED)
    _, job_id = net.submit_diloco(0)
    net.round(job_id)
    exported = registry.export_genesis(net.app.committed_store(), net.app.keepers)
    state = dict(net.app_state, **{"training": exported["training"], "inference": exported["inference"]})
    app = new_app(MemoryDB(), state)
    run_block(app)
    store = app.committed_store()
    job = app.keepers.training.get_job(store, job_id)
    assert job.diloco == net.job(job_id).diloco
    for worker in job.diloco.workers:
        operator = net.hosts[net.index_of(worker.host)].address
        assert app.keepers.staking.job_collateral(store, operator) == worker.collateral > 0


def test_a_worker_banned_for_fraud_on_one_job_leaves_its_other_diloco_job_without_a_fault():
    net = DilocoNet(4, training_params=CHECKED)
    _, a = net.submit_diloco(0, output_model="job-a")
    _, b = net.submit_diloco(1, output_model="job-b")
    net.contribute(a)
    net.commit_outer(a)
    rnd = net.live(a, 0)
    cheater = rnd.checked_host
    # four hosts, two 3-worker jobs: they share two hosts, and this draw checks one of them
    assert cheater in {w.host for w in net.job(b).diloco.workers}
    assert len(rnd.committee) == 1  # the only host outside job a
    member = net.index_of(rnd.committee[0])
    unavailable = net.app.keepers.training.unavailable(net.app.committed_store(),
                                                       net.hosts[net.index_of(cheater)].address)
    block = net.run((member, net.vote_round_msg(a, 0, member, valid=False)))
    assert block.codes == [0]
    net.run()  # INVALID majority of the only eligible voter: fraud at the re-verification's opening
    assert net.job(a).diloco.rollbacks == 1
    left = [w for w in net.job(b).diloco.workers if w.host == cheater][0]
    assert not left.active and cheater in net.job(b).excluded
    assert net.app.keepers.training.unavailable(net.app.committed_store(),
                                                net.hosts[net.index_of(cheater)].address) == unavailable
    assert_invariants(net)
