"""Re-verification on an in-process chain: the weight tally (FRAUD / CLEARED / INCONCLUSIVE), the
punishment of confirmed fraud (refund, slash, ban, reputation reset, forfeit, capped bounty), user
reports (paid, refunded on fraud, paid to the VALID voters when cleared), and determinism."""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED
from sprint.inference.v1.inference_pb2 import (
    DRAW_PROOF_REVERIFY, JOB_STATUS_COMPLETED, JOB_STATUS_FRAUD, JOB_STATUS_REVERIFYING, JOB_STATUS_SETTLED,
    REVERIFY_OUTCOME_CLEARED, REVERIFY_OUTCOME_FRAUD, REVERIFY_OUTCOME_INCONCLUSIVE, REVERIFY_OUTCOME_OPEN,
)

from tests.helpers.inference import ESCROW
from tests.helpers.sprint import COLLATERAL, FEE
from tests.helpers.verification import VerifyNet, end_events

COST = 900
REPORT_FEE = 1_000_000
BOUNTY_CAP = COST * 8000 // 10_000 // 2  # what honest checking of the job would have earned


def _completed_job(**kwargs):
    net = VerifyNet(4, **kwargs)
    _, job_id = net.submit(0)
    assert net.deliver(job_id).codes == [0]
    x = net.executor_index(net.job(job_id))
    return net, job_id, x, net.others(job_id)


def _executor_with_two_jobs():
    """Six jobs in block 1 (so some host executes two), all delivered in block 2; returns
    (net, the job to cheat on, the executor's other jobs, executor, the other hosts)."""
    net = VerifyNet(4, honest_epochs=5)
    block = net.run((net.users[0], [net.submit_msg(0, prompt=b"hello") for _ in range(6)]))
    assert block.codes == [0]
    jobs = [net.job(i) for i in range(1, 7)]
    by_executor: dict[int, list[int]] = {}
    for job in jobs:
        by_executor.setdefault(net.executor_index(job), []).append(job.id)
    x = next(i for i in sorted(by_executor) if len(by_executor[i]) >= 2)
    results = [net.result_msg(job.id) for job in jobs]
    assert net.run(*[(host, msg) for host, msg in results]).codes == [0] * 6
    return net, by_executor[x][0], by_executor[x][1:], x, [i for i in range(4) if i != x]


def _assert_fraud_verdict(net, job_id: int, x: int, user: str, balance_before: int) -> None:
    """After the invalid-weight majority: the job is fraud, the user refunded, the executor slashed and banned."""
    job = net.job(job_id)
    assert job.status == JOB_STATUS_FRAUD and job.reverification.outcome == REVERIFY_OUTCOME_FRAUD
    assert job.reverification.invalid_weight == 20
    assert job.checks[1].draw == DRAW_PROOF_REVERIFY
    assert net.balance(user) - balance_before == COST  # the user is refunded exactly (max_fee - cost earlier)
    store = net.store()
    operator = net.hosts[x].address
    assert net.app.keepers.staking.bonded(store, operator) == COLLATERAL * (10_000 - 7500) // 10_000
    assert net.app.keepers.hosts.get_host(store, operator).status == HOST_STATUS_BANNED
    rep = net.reputation(x)
    assert rep.honest_epochs == 0 and rep.frauds == 1


def test_fraud_by_weight_majority_punishes_executor_refunds_user_and_pays_capped_bounty():
    net, job_id, honest_jobs, x, (a, b, c) = _executor_with_two_jobs()
    user = net.users[0].address
    assert net.reputation(x).honest_epochs == 5
    block = net.run((a, net.check(a, job_id, valid=False)))
    assert block.codes == [0]
    job = net.job(job_id)
    assert job.status == JOB_STATUS_REVERIFYING
    rv = job.reverification
    assert (rv.eligible_weight, rv.invalid_weight, rv.valid_weight, rv.outcome) == (30, 10, 0, REVERIFY_OUTCOME_OPEN)
    assert rv.opened_by == net.hosts[a].bech32 and not rv.user_report
    assert [j.id for j in net.jobs(status=JOB_STATUS_REVERIFYING).jobs] == [job_id]  # via the open-vote index

    balance_before = net.balance(user)
    block = net.run((x, net.check(x, job_id, valid=True)), (a, net.check(a, job_id, valid=False)),
                    (b, net.check(b, job_id, valid=False)))
    assert block.codes[0] == 4 and "cannot check its own job" in block.results[0].log
    assert block.codes[1] == 18 and "already checked" in block.results[1].log
    assert block.codes[2] == 0
    _assert_fraud_verdict(net, job_id, x, user, balance_before)

    late = net.run((c, net.check(c, job_id, valid=True)))
    assert late.codes == [18] and "is JOB_STATUS_FRAUD" in late.results[0].log

    net.advance_to(net.bounds(0).end)
    block = net.run()
    outcome = net.outcome(0, x)
    assert outcome.caught and outcome.released == 0 and outcome.forfeited > 0
    bounties = end_events(block, "rewards_bounty")
    each = min(outcome.forfeited * 5000 // 10_000, BOUNTY_CAP) // 2
    assert sorted((net.index_of(e["host"]), int(e["amount"])) for e in bounties) == sorted([(a, each), (b, each)])
    assert each == BOUNTY_CAP // 2
    assert net.job(job_id).status == JOB_STATUS_FRAUD  # never paid
    assert all(net.job(j).status == JOB_STATUS_SETTLED for j in honest_jobs)
    # Its other jobs' executor shares (nobody checked them) are all forfeited.
    assert outcome.forfeited == len(honest_jobs) * (COST - COST * 2000 // 10_000)
    assert net.balance(ESCROW) == 0
    assert net.reputation(x).honest_epochs == 0 and net.reputation(a).honest_epochs >= 5


def test_cleared_by_valid_majority_returns_job_to_settlement():
    net, job_id, x, (a, b, c) = _completed_job()
    net.run((a, net.check(a, job_id, valid=False)))
    block = net.run((b, net.check(b, job_id)))
    assert block.codes == [0] and net.job(job_id).status == JOB_STATUS_REVERIFYING  # 10 valid, 10 invalid of 30
    block = net.run((c, net.check(c, job_id)))
    assert block.codes == [0]
    job = net.job(job_id)
    assert job.status == JOB_STATUS_COMPLETED and job.reverification.outcome == REVERIFY_OUTCOME_CLEARED
    assert job.reverification.valid_weight == 20
    host = net.app.keepers.hosts.get_host(net.store(), net.hosts[x].address)
    assert host.status != HOST_STATUS_BANNED
    net.advance_to(net.bounds(0).end + 1)
    assert net.job(job_id).status == JOB_STATUS_SETTLED
    assert not net.outcome(0, x).caught


def test_deadline_without_majority_is_inconclusive():
    net, job_id, x, (a, b, c) = _completed_job(inference_params={"expiry_blocks": "5", "reverify_blocks": "2"})
    block = net.run((a, net.check(a, job_id, valid=False)))
    deadline = net.job(job_id).reverification.deadline_height
    assert deadline == block.height + 2
    net.advance_to(deadline)
    assert net.job(job_id).status == JOB_STATUS_REVERIFYING
    block = net.run((b, net.check(b, job_id)))  # 10 valid, 10 invalid of 30: still no majority
    assert block.codes == [0]
    job = net.job(job_id)
    assert job.status == JOB_STATUS_COMPLETED and job.reverification.outcome == REVERIFY_OUTCOME_INCONCLUSIVE
    assert [e["outcome"] for e in end_events(block, "inference_reverify_closed")] == ["inconclusive"]


def test_fraud_during_a_reverification_deferred_past_settlement():
    net, job_id, x, (a, b, c) = _completed_job(inference_params={"expiry_blocks": "5", "reverify_blocks": "30"})
    net.advance_to(net.bounds(0).validation_end)
    net.run((a, net.check(a, job_id, valid=False)))
    net.advance_to(net.bounds(0).end + 1)
    assert net.job(job_id).status == JOB_STATUS_REVERIFYING  # deferred, not paid
    assert net.app.keepers.inference.audit_jobs(net.store(), 1) == [job_id]
    net.run((b, net.check(b, job_id, valid=False)))
    assert net.job(job_id).status == JOB_STATUS_FRAUD
    net.advance_to(net.bounds(1).end + 1)
    assert net.outcome(1, x).caught
    assert net.app.keepers.inference.audit_jobs(net.store(), 2) == []


def test_user_report_refunded_with_the_cost_on_fraud():
    net, job_id, x, (a, b, c) = _completed_job()
    user = net.users[0]
    outsider_report = net.run((net.users[1], net.report(1, job_id)))
    assert outsider_report.codes == [4] and "only the requester" in outsider_report.results[0].log
    before = net.balance(user.address)
    block = net.run((user, net.report(0, job_id)))
    assert block.codes == [0]
    assert net.balance(user.address) == before - REPORT_FEE - FEE
    assert net.balance(ESCROW) == COST + REPORT_FEE
    job = net.job(job_id)
    assert job.status == JOB_STATUS_REVERIFYING and job.reverification.user_report
    assert job.reporter == user.bech32
    assert net.run((user, net.report(0, job_id))).codes == [18]  # not COMPLETED any more
    net.run((a, net.check(a, job_id, valid=False)), (b, net.check(b, job_id, valid=False)))
    assert net.job(job_id).status == JOB_STATUS_FRAUD
    assert net.balance(user.address) == before - REPORT_FEE - 2 * FEE + REPORT_FEE + COST
    assert net.balance(ESCROW) == 0


def test_user_report_fee_goes_to_the_valid_voters_when_cleared():
    net, job_id, x, (a, b, c) = _completed_job()
    net.run((net.users[0], net.report(0, job_id)))
    operators = [net.hosts[i].address for i in (a, b, c)]
    before = [net.balance(op) for op in operators]
    block = net.run((a, net.check(a, job_id)), (b, net.check(b, job_id)))
    assert block.codes == [0, 0]
    job = net.job(job_id)
    assert job.status == JOB_STATUS_COMPLETED and job.reverification.outcome == REVERIFY_OUTCOME_CLEARED
    gains = [net.balance(op) - old for op, old in zip(operators, before)]
    assert gains == [REPORT_FEE // 2, REPORT_FEE // 2, 0]
    again = net.run((net.users[0], net.report(0, job_id)))
    assert again.codes == [18] and "already re-verified" in again.results[0].log


def test_user_report_fee_returned_when_inconclusive():
    net, job_id, x, (a, b, c) = _completed_job(inference_params={"expiry_blocks": "5", "reverify_blocks": "1"})
    user = net.users[0].address
    block = net.run((net.users[0], net.report(0, job_id)))
    after_report = net.balance(user)
    net.advance_to(block.height + 2)
    assert net.job(job_id).reverification.outcome == REVERIFY_OUTCOME_INCONCLUSIVE
    assert net.balance(user) == after_report + REPORT_FEE


def test_report_on_unknown_or_settled_job_refused():
    net, job_id, x, _ = _completed_job()
    assert net.run((net.users[0], net.report(0, 77))).codes == [18]
    net.advance_to(net.bounds(0).end + 1)
    block = net.run((net.users[0], net.report(0, job_id)))
    assert block.codes == [18] and "is JOB_STATUS_SETTLED" in block.results[0].log


def _fraud_run() -> list[bytes]:
    net, job_id, x, (a, b, c) = _completed_job()
    hashes = [net.run((a, net.check(a, job_id, valid=False))).app_hash]
    hashes.append(net.run((b, net.check(b, job_id, valid=False))).app_hash)
    hashes.extend(block.app_hash for block in net.advance_to(net.bounds(0).end + 1))
    return hashes


def test_verification_is_deterministic():
    assert _fraud_run() == _fraud_run()
