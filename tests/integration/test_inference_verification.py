"""Spot checks proven by revealed secrets, forged selections, missed duties, the job fee split (docs/protocol.md §6),
secret commit/reveal rules, the Audit query and bad input, on an in-process chain.

Epoch 0 (11 blocks): commit 1-2, reveal 3-4 (S_0 fixed at the end of 4), sprint 5-6, proof 7-8,
validation 9-10, settlement 11 (reveals, then the inference settlement at its end).
"""

from __future__ import annotations

from sprint.inference.v1 import query_pb2
from sprint.inference.v1.inference_pb2 import (
    DRAW_PROOF_FORGED, DRAW_PROOF_PENDING, DRAW_PROOF_PROVEN, JOB_STATUS_COMPLETED, JOB_STATUS_SETTLED,
)

from chain.modules.bank.keys import module_address
from chain.modules.inference import duties
from tests.helpers.inference import ESCROW
from tests.helpers.verification import VerifyNet, end_events

COST = 900  # 100 usprint x (5 prompt bytes + 4 tokens)
TRAINING_FUND = module_address("training_fund")


def _roles_scenario():
    """Job 1 submitted in block 1; A drawn and checks, B not drawn but checks, C drawn and does not."""
    net = VerifyNet(4)
    block, job_id = net.submit(0)
    assert job_id == 1
    x = net.executor_index(net.job(job_id))
    a, b, c = net.others(job_id)
    secrets = {a: net.grind(a, job_id, True), b: net.grind(b, job_id, False), c: net.grind(c, job_id, True),
               x: net.grind(x, job_id, False, executor=a)}
    assert net.run(*[(i, net.commit_secret(i, secrets[i])) for i in sorted(secrets)]).codes == [0] * 4
    assert net.deliver(job_id).codes == [0]  # block 3 -> audit epoch 0
    return net, job_id, x, (a, b, c), secrets


def test_drawn_check_proven_forged_check_earns_nothing_missed_duty_withheld():
    net, job_id, x, (a, b, c), secrets = _roles_scenario()
    net.advance_to(5)
    assert net.audit(0).audit.seed == net.predicted_seed(0)
    block = net.run((a, net.check(a, job_id)), (b, net.check(b, job_id)), (x, net.check(x, job_id)))
    assert block.codes[:2] == [0, 0]
    assert block.codes[2] == 4 and "cannot check its own job" in block.results[2].log
    again = net.run((a, net.check(a, job_id, valid=False)))
    assert again.codes == [18] and "already checked" in again.results[0].log
    job = net.job(job_id)
    assert job.status == JOB_STATUS_COMPLETED
    assert [ck.draw for ck in job.checks] == [DRAW_PROOF_PENDING] * 2

    net.advance_to(net.bounds(0).end)
    fund_before = net.balance(TRAINING_FUND)
    block = net.run(*[(i, net.reveal_secret(i, secrets[i])) for i in (a, b, c, x)])
    assert block.codes == [0] * 4

    job = net.job(job_id)
    assert job.status == JOB_STATUS_SETTLED
    draws = {net.index_of(ck.validator): ck.draw for ck in job.checks}
    assert draws == {a: DRAW_PROOF_PROVEN, b: DRAW_PROOF_FORGED}
    settled = end_events(block, "inference_settled")
    assert len(settled) == 1
    rest = COST - COST * 2000 // 10_000
    assert settled[0]["shares"] == f"{net.hosts[x].bech32}:{rest // 2},{net.hosts[a].bech32}:{rest // 2}"
    assert settled[0]["forged"] == net.hosts[b].bech32
    assert net.balance(TRAINING_FUND) - fund_before == COST * 2000 // 10_000
    assert net.balance(ESCROW) == 0

    oa, ob, oc, ox = (net.outcome(0, i) for i in (a, b, c, x))
    assert (oa.duties_drawn, oa.duties_done) == (1, 1)
    assert (ob.duties_drawn, ob.duties_done) == (0, 0)
    assert (oc.duties_drawn, oc.duties_done) == (1, 0)
    assert (ox.jobs_assigned, ox.jobs_done) == (1, 1)
    # The missed duty withholds C's rewards; the hosts that did their share are paid in full.
    assert oc.released == 0 and oc.withheld > 0
    assert oa.withheld == 0 and oa.released > oc.released
    assert ob.withheld == 0 and ox.withheld == 0
    assert net.reputation(c).duties_missed == 1 and net.reputation(a).duties_done == 1


def test_wrong_reveal_refused_then_right_one_accepted():
    net, job_id, x, (a, b, c), secrets = _roles_scenario()
    net.advance_to(net.bounds(0).end)
    block = net.run((c, net.reveal_secret(c, bytes(32))), (c, net.reveal_secret(c, secrets[c])),
                    (c, net.reveal_secret(c, secrets[c])))
    assert block.codes == [18, 0, 18]
    assert "does not match the validation secret commitment" in block.results[0].log
    assert "already revealed" in block.results[2].log
    audit = net.audit(0)
    revealed = {net.index_of(s.host): s.secret for s in audit.secrets}
    assert revealed[c] == secrets[c]
    assert revealed[a] == b""  # a host that did not reveal keeps an empty secret
    assert audit.audit.settled


def test_unrevealed_host_is_charged_its_expected_duties():
    net, job_id, x, (a, b, c), secrets = _roles_scenario()
    net.advance_to(net.bounds(0).end)
    block = net.run(*[(i, net.reveal_secret(i, secrets[i])) for i in (b, c, x)])  # A does not reveal
    assert block.codes == [0, 0, 0]
    outcome = net.outcome(0, a)
    assert (outcome.duties_drawn, outcome.duties_done) == (duties.expected_duties(2 ** 64 // 3), 0) == (1, 0)
    assert outcome.released == 0


def test_secret_windows_and_rules():
    net = VerifyNet(4)
    secret = bytes([5]) * 32
    block = net.run((0, net.commit_secret(0, secret, epoch=1)))
    assert block.codes == [18] and block.results[0].log.startswith("early:")
    block = net.run((0, net.commit_secret(0, secret)), (0, net.commit_secret(0, secret)),
                    (1, net.reveal_secret(1, secret)))
    assert block.codes == [0, 18, 18]
    assert "already committed" in block.results[1].log
    assert block.results[2].log.startswith("early:")
    net.advance_to(3)
    block = net.run((1, net.commit_secret(1, secret)))
    assert block.codes == [18] and block.results[0].log.startswith("late:")
    net.advance_to(net.bounds(0).end)
    block = net.run((1, net.reveal_secret(1, secret)), (0, net.reveal_secret(0, secret)))
    assert block.codes == [18, 0]
    assert "did not commit" in block.results[0].log
    block = net.run((0, net.reveal_secret(0, secret)))
    assert block.codes == [18] and block.results[0].log.startswith("late:")


def test_bad_input_is_refused_with_codes_and_changes_nothing():
    net = VerifyNet(4)
    block, job_id = net.submit(0)
    x = net.executor_index(net.job(job_id))
    other = (x + 1) % 4
    txs = [(other, net.commit_secret(other, b"", commitment=b"short")),
           (other, net.check(other, job_id)),  # job still PENDING
           (other, net.check(other, 99)),
           (other, net.check(other, job_id, verdict=0)),
           (net.outsider, net.check(other, job_id, worker=net.outsider.bech32))]
    results = [net.run(tx).results[0] for tx in txs]  # one block each: a refused tx may not use its sequence
    assert [r.code for r in results] == [18, 18, 18, 18, 4]
    assert "commitment must be 32 bytes" in results[0].log
    assert "is JOB_STATUS_PENDING" in results[1].log
    assert "job 99 does not exist" in results[2].log
    assert "verdict must be VALID or INVALID" in results[3].log
    assert "is not the worker of any registered host" in results[4].log
    assert len(net.job(job_id).checks) == 0
    assert net.audit(0).secrets == []


def test_spot_check_after_the_audit_window_is_late():
    net = VerifyNet(4)
    _, job_id = net.submit(0)
    net.deliver(job_id)
    other = net.others(job_id)[0]
    net.advance_to(net.bounds(0).validation_end + 1)
    block = net.run((other, net.check(other, job_id)))
    assert block.codes == [18] and block.results[0].log.startswith("late:")
    assert len(net.job(job_id).checks) == 0


def test_audit_snapshot_and_query():
    net = VerifyNet(4, weights=[10, 20, 0, 30])
    net.advance_to(2)
    audit = net.audit(0).audit
    assert [(net.index_of(w.host), w.weight) for w in audit.weights] == sorted(
        [(0, 10), (1, 20), (3, 30)], key=lambda row: net.hosts[row[0]].address)
    assert audit.seed == b"" and not audit.settled
    resp = net.iquery_raw("Audit", query_pb2.QueryAuditRequest(epoch=5))
    assert resp.code != 0 and "no audit snapshot" in resp.log
    net.advance_to(net.bounds(1).start + 1)
    assert net.audit(0).audit.settled and net.audit(0).audit.seed == net.predicted_seed(0)
    assert net.audit(1).audit.epoch == 1
