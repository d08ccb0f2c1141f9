"""DiLoCo sampled-interval checks in-process (docs/diloco.md §5, outer_check_sample_ppm > 0): the
intervals are drawn from the check seed, the checked worker reveals them against its contribution
root (refused with a code and no state change when tampered, incomplete, from another host or
late), no reveal by the deadline is fraud, and after the reveal the votes decide as in the
whole-round mode."""

from __future__ import annotations

from sprint.training.v1.training_pb2 import (
    ROUND_CHECK_FRAUD, ROUND_CHECK_PASSED, ROUND_CHECK_REVEALING, ROUND_CHECK_REVERIFYING, ROUND_CHECK_VOTING,
    ROUND_STATUS_ROLLED_BACK, StateReveal,
)
from sprint.training.v1.tx_pb2 import MsgRevealDilocoRound

from chain.modules.training import draws, merkle, msg_server
from chain.modules.training.diloco_checks import check_seed
from chain.modules.training.diloco_reveals import required_intervals
from chain.tx.builder import pack_any
from tests.helpers.diloco_jobs import DilocoNet, h
from tests.helpers.sprint import block_hash_at
from tests.integration.test_diloco_checks import assert_invariants, finish

SAMPLED = {"outer_sample_ppm": "1000000", "outer_vote_blocks": "10", "outer_check_sample_ppm": "500000",
           "reveal_blocks": "8",
           "round_blocks": "40"}
INTERVALS = 4  # inner_steps 8 / checkpoint_interval 2


def leaf_state(job_id: int, u: int, host: int, k: int) -> tuple[str, str, int]:
    """Worker `host`'s fake state at the end of global interval k of round u (the last carries the
    contribution's end optimizer hash)."""
    optim = h("o", job_id, u, host, "") if k == u * INTERVALS + INTERVALS - 1 else h("io", job_id, host, k)
    return h("iw", job_id, host, k), optim, 1_000_000 + k


def leaves(job_id: int, u: int, host: int) -> list[bytes]:
    return [merkle.leaf_hash(job_id, k, *leaf_state(job_id, u, host, k))
            for k in range(u * INTERVALS, (u + 1) * INTERVALS)]


class SampledNet(DilocoNet):
    def __init__(self):
        super().__init__(7, training_params=SAMPLED)

    def contribute(self, job_id: int, hosts=None):
        """Contributions with real roots over leaf_state leaves."""
        hosts = self.expected(job_id) if hosts is None else hosts
        u = self.round_index(job_id)
        entries = [(i, self.round_msg(job_id, i, root=merkle.merkle_root(leaves(job_id, u, i)),
                                      losses_micro=[leaf_state(job_id, u, i, k)[2]
                                                    for k in range(u * INTERVALS, (u + 1) * INTERVALS)]))
                   for i in hosts]
        block = self.run(*entries)
        assert block.codes == [0] * len(hosts), [r.log for r in block.results]
        return block

    def reveal_msg(self, job_id: int, u: int, intervals=None, tamper=None, signer=None):
        """The checked worker's reveal of round u (`tamper(reveal)` edits each reveal)."""
        job = self.job(job_id)
        rnd = self.live(job_id, u)
        host = self.index_of(rnd.checked_host)
        tree = leaves(job_id, u, host)
        reveals = []
        for k in required_intervals(job, rnd) if intervals is None else intervals:
            w, o, loss = leaf_state(job_id, u, host, k)
            reveal = StateReveal(interval=k, weights_sha256=w, optim_sha256=o, loss_micro=loss,
                                 proof=merkle.audit_path(tree, k - u * INTERVALS))
            if tamper is not None:
                tamper(reveal)
            reveals.append(reveal)
        signer = host if signer is None else signer
        msg = MsgRevealDilocoRound(worker=self.worker_of(signer), job_id=job_id, round=u, reveals=reveals)
        return signer, pack_any(msg, msg_server.MSG_REVEAL_ROUND_URL)

    def reveal(self, job_id: int, u: int):
        block = self.run(self.reveal_msg(job_id, u))
        assert block.codes == [0], block.results[0].log
        return block

    def pass_checks(self, job_id: int) -> None:
        """Reveal every REVEALING round, then every committee votes VALID."""
        from chain.modules.training.diloco_state import live_rounds
        for rnd in live_rounds(self.job(job_id)):
            if rnd.check == ROUND_CHECK_REVEALING:
                self.reveal(job_id, rnd.index)
        super().pass_checks(job_id)


def _checked_round(net):
    _, job_id = net.submit_diloco(0)
    net.contribute(job_id)
    draw = net.commit_outer(job_id)
    return job_id, draw


def test_the_sampled_intervals_are_drawn_from_the_check_seed_and_votes_wait_for_the_reveal():
    net = SampledNet()
    job_id, draw = _checked_round(net)
    rnd = net.live(job_id, 0)
    seed = check_seed(block_hash_at(draw.height), job_id, 0)
    assert rnd.check == ROUND_CHECK_REVEALING and len(rnd.committee) == 2
    assert list(rnd.sampled_intervals) == draws.sample_intervals(seed, 0, INTERVALS, 500_000)
    assert len(rnd.sampled_intervals) == draws.sample_count(INTERVALS, 500_000) == 2
    assert rnd.reveal_deadline == draw.height + 8 and rnd.vote_deadline == 0
    member = net.index_of(rnd.committee[0])
    block = net.run((member, net.vote_round_msg(job_id, 0, member)))
    assert block.codes == [18] and "REVEALING" in block.results[0].log


def test_bad_reveals_are_refused_without_a_state_change_and_a_correct_one_opens_the_votes():
    net = SampledNet()
    job_id, _ = _checked_round(net)
    rnd = net.live(job_id, 0)
    required = required_intervals(net.job(job_id), rnd)
    other = [i for i in net.workers(job_id) if net.hosts[i].bech32 != rnd.checked_host][0]

    def wrong_loss(r):
        r.loss_micro += 1

    def wrong_weights(r):
        r.weights_sha256 = h("forged", r.interval)

    def wrong_proof(r):
        r.proof[0:1] = [b"\x00" * 32] if r.proof else []

    cases = [(net.reveal_msg(job_id, 0, tamper=wrong_loss), 18, "loss of interval"),
             (net.reveal_msg(job_id, 0, tamper=wrong_weights), 18, "membership proof"),
             (net.reveal_msg(job_id, 0, tamper=wrong_proof), 18, "membership proof"),
             (net.reveal_msg(job_id, 0, intervals=required[1:]), 18, "must open exactly"),
             (net.reveal_msg(job_id, 0, signer=other), 4, "only the checked worker")]
    for entry, code, text in cases:
        before = net.live(job_id, 0).SerializeToString()
        block = net.run(entry)
        assert block.codes == [code] and text in block.results[0].log, block.results[0].log
        assert net.live(job_id, 0).SerializeToString() == before
    block = net.reveal(job_id, 0)
    rnd = net.live(job_id, 0)
    assert rnd.check == ROUND_CHECK_VOTING and rnd.vote_deadline == block.height + 10
    assert [r.interval for r in rnd.reveals] == required
    again = net.run(net.reveal_msg(job_id, 0))
    assert again.codes == [18] and "takes no reveals" in again.results[0].log
    net.pass_checks(job_id)
    assert net.live(job_id, 0).check == ROUND_CHECK_PASSED
    finish(net, job_id)
    assert_invariants(net)


def test_no_reveal_by_the_deadline_is_fraud_and_a_late_reveal_is_refused():
    net = SampledNet()
    job_id, draw = _checked_round(net)
    rnd = net.live(job_id, 0)
    cheater, deadline = rnd.checked_host, rnd.reveal_deadline
    entry = net.reveal_msg(job_id, 0)
    while net.app.height < deadline - 1:
        net.run()
        assert net.live(job_id, 0).check == ROUND_CHECK_REVEALING
    net.run()  # the reveal_deadline block: still no reveal -> fraud at its end
    job = net.job(job_id)
    fraud = [r for r in job.diloco.rounds_log if r.index == 0 and r.check == ROUND_CHECK_FRAUD]
    assert len(fraud) == 1 and fraud[0].status == ROUND_STATUS_ROLLED_BACK
    assert cheater in job.excluded and cheater in job.forfeited and job.diloco.rollbacks == 1
    block = net.run(entry)
    assert block.codes in ([18], [4]), block.results[0].log
    assert_invariants(net)


def test_invalid_votes_after_the_reveal_open_a_reverification():
    net = SampledNet()
    job_id, _ = _checked_round(net)
    net.reveal(job_id, 0)
    committee = [net.index_of(m) for m in net.live(job_id, 0).committee]
    block = net.run(*[(m, net.vote_round_msg(job_id, 0, m, valid=False)) for m in committee])
    assert block.codes == [0, 0]
    assert net.live(job_id, 0).check == ROUND_CHECK_REVERIFYING


def test_the_param_defaults_to_whole_round_checks_and_is_at_most_one_million():
    import pytest
    from chain.errors import ErrInvalidRequest
    from chain.modules.training.params import default_params, validate_params
    params = default_params()
    assert params.outer_check_sample_ppm == 0
    params.outer_check_sample_ppm = 1_000_001
    with pytest.raises(ErrInvalidRequest, match="outer_check_sample_ppm"):
        validate_params(params)
    net = DilocoNet(7, training_params={"outer_sample_ppm": "1000000"})
    job_id, _ = _checked_round(net)
    rnd = net.live(job_id, 0)
    assert rnd.check == ROUND_CHECK_VOTING and not rnd.sampled_intervals and rnd.reveal_deadline == 0
