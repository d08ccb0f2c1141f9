"""Sprint messages on an in-process App: phase windows, commit-reveal, proof batch rules, who may
send, the seed formula and the queries (11-block epochs from tests/helpers/sprint.py:
commit 1-2, reveal 3-4, sprint 5-6, proof 7-8, validation 9-10, settlement 11)."""

from __future__ import annotations

import hashlib

import pytest
from sprint.sprint.v1 import query_pb2
from sprint.sprint.v1.sprint_pb2 import (
    PHASE_COMMIT, PHASE_REVEAL, PHASE_SETTLEMENT, PHASE_SPRINT, PROOF_STATUS_EXCLUDED, PROOF_STATUS_PENDING,
)

from tests.helpers.chain import check
from tests.helpers.sprint import SprintNet, events_of, block_hash_at

INVALID_REQUEST, UNAUTHORIZED = 18, 4


@pytest.fixture
def net() -> SprintNet:
    return SprintNet(4)


def logs(block) -> list[str]:
    return [r.log for r in block.results]


# ---------------------------------------------------------------- windows


def test_commit_window_is_the_commit_phase_of_the_named_epoch(net):
    net.advance_to(1)
    early = net.run((0, net.commit(0, epoch=1)))
    assert early.codes == [INVALID_REQUEST]
    assert "early: seed commitments for epoch 1 are accepted in blocks 12..13, this is block 1" in early.results[0].log
    assert net.run((1, net.commit(1))).codes == [0]  # block 2: last commit block
    late = net.run((2, net.commit(2)))  # block 3: reveal phase
    assert late.codes == [INVALID_REQUEST]
    assert "late: seed commitments for epoch 0 were accepted in blocks 1..2, this is block 3" in late.results[0].log


def test_reveal_window_is_the_reveal_phase(net):
    net.advance_to(1)
    assert net.run((0, net.commit(0)), (1, net.commit(1))).codes == [0, 0]
    early = net.run((0, net.reveal(0)))  # block 2: still commit phase
    assert early.codes == [INVALID_REQUEST] and "early: seed reveals for epoch 0" in early.results[0].log
    assert "blocks 3..4" in early.results[0].log
    net.advance_to(5)
    late = net.run((1, net.reveal(1)))  # block 5: sprint phase
    assert late.codes == [INVALID_REQUEST] and "late: seed reveals for epoch 0 were accepted in blocks 3..4" in \
        late.results[0].log


def test_batch_window_is_sprint_plus_proof_phases(net):
    net.advance_to(1)
    net.run((0, net.commit(0)))
    net.advance_to(3)
    net.run((0, net.reveal(0)))
    early = net.run((0, net.batch(0, [1])))  # block 4: reveal phase
    assert early.codes == [INVALID_REQUEST]
    assert "early: proof batches for epoch 0 are accepted in blocks 5..8, this is block 4" in early.results[0].log
    assert net.run((0, net.batch(0, [1]))).codes == [0]  # block 5
    net.advance_to(8)
    assert net.run((0, net.batch(0, [2]))).codes == [0]  # block 8: last proof block
    late = net.run((0, net.batch(0, [3])))  # block 9: validation
    assert late.codes == [INVALID_REQUEST]
    assert "late: proof batches for epoch 0 were accepted in blocks 5..8, this is block 9" in late.results[0].log
    net.advance_to(16)  # epoch 1's sprint: a batch for epoch 0 is still late
    assert "late: proof batches for epoch 0" in net.run((0, net.batch(0, [4]))).results[0].log


def test_checktx_refuses_a_late_batch_before_it_reaches_a_block(net):
    net.commit_and_reveal([0])
    net.advance_to(9)
    response = check(net.app, net.sign(0, [net.batch(0, [1])]))
    assert response.code == INVALID_REQUEST and "late: proof batches" in response.log


# ---------------------------------------------------------------- commit / reveal


def test_commit_once_reveal_once_and_reveal_needs_a_commit(net):
    net.advance_to(1)
    assert net.run((0, net.commit(0))).codes == [0]
    again = net.run((0, net.commit(0, secret=b"\x01" * 32)))
    assert again.codes == [INVALID_REQUEST] and "already committed a seed in epoch 0" in again.results[0].log
    net.advance_to(3)
    no_commit = net.run((1, net.reveal(1)))
    assert no_commit.codes == [INVALID_REQUEST] and "did not commit a seed in epoch 0" in no_commit.results[0].log
    assert no_commit.results[0].log.startswith("host ")
    twice = net.run((0, net.reveal(0)), (0, net.reveal(0)))
    assert twice.codes == [0, INVALID_REQUEST] and "already revealed" in twice.results[1].log


def test_reveal_not_matching_its_commit_fails_and_changes_nothing(net):
    net.advance_to(1)
    net.run((0, net.commit(0)))
    net.advance_to(3)
    wrong = net.run((0, net.reveal(0, secret=b"\x42" * 32)))
    assert wrong.codes == [INVALID_REQUEST]
    assert "reveal does not match the commitment" in wrong.results[0].log
    summary = net.summary(0)
    assert summary.committed and not summary.revealed
    assert net.run((0, net.reveal(0))).codes == [0]  # the right secret still opens it
    assert net.summary(0).revealed and net.summary(0).status == PROOF_STATUS_PENDING


def test_secret_and_commitment_lengths_are_checked(net):
    from sprint.sprint.v1.tx_pb2 import MsgCommitSeed

    from chain.tx.builder import pack_any

    net.advance_to(1)
    short = pack_any(MsgCommitSeed(worker=net.worker_of(0), epoch=0, commitment=b"\x01" * 31),
                     "/sprint.sprint.v1.MsgCommitSeed")
    block = net.run((0, short))
    assert block.codes == [INVALID_REQUEST] and "commitment must be 32 bytes" in block.results[0].log


# ---------------------------------------------------------------- who may send


def test_only_the_worker_of_a_registered_host_may_send(net):
    net.advance_to(1)
    outsider = net.commit(0)
    outsider.value = outsider.value.replace(net.worker_of(0).encode(), net.outsider.bech32.encode())
    refused = net.run((net.outsider, outsider))
    assert refused.codes == [UNAUTHORIZED]
    assert f"{net.outsider.bech32} is not the worker of any registered host" in refused.results[0].log
    # the operator account is not the worker account either
    operator = net.hosts[0].operator
    as_operator = net.commit(0)
    as_operator.value = as_operator.value.replace(net.worker_of(0).encode(), operator.bech32.encode())
    assert net.run((operator, as_operator)).codes == [UNAUTHORIZED]


def test_a_banned_host_cannot_take_part():
    net = SprintNet(3, statuses=["HOST_STATUS_ACTIVE", "HOST_STATUS_ACTIVE", "HOST_STATUS_BANNED"])
    net.advance_to(1)
    block = net.run((2, net.commit(2)))
    assert block.codes == [UNAUTHORIZED] and "is banned" in block.results[0].log


# ---------------------------------------------------------------- seed and exclusion


def test_seed_is_sha256_of_last_reveal_block_hash_and_sorted_secrets(net):
    net.commit_and_reveal([0, 1, 2, 3], revealers=[2, 0, 3])
    b = net.bounds(0)
    revealed = sorted((net.hosts[i].address, net.hosts[i].secret(0)) for i in (0, 2, 3))
    expected = hashlib.sha256(b"sprint/seed/v1" + block_hash_at(b.reveal_end)
                              + b"".join(secret for _, secret in revealed)).digest()
    epoch = net.epoch().epoch
    assert epoch.seed == expected
    assert epoch.validation_seed == b""


def test_non_revealer_is_excluded_recorded_and_its_batch_refused(net):
    net.advance_to(1)
    net.run((0, net.commit(0)), (1, net.commit(1)))
    net.advance_to(3)
    net.run((0, net.reveal(0)))
    end_of_reveal = net.run()  # block 4: the seed is fixed at its end
    excluded = events_of(end_of_reveal, "sprint_excluded")
    assert excluded == [{"epoch": "0", "host": net.hosts[1].bech32,
                         "reason": "committed a seed but did not reveal it", "missed_reveals": "1"}]
    assert net.summary(1).status == PROOF_STATUS_EXCLUDED
    assert net.app.keepers.sprint.missed_reveals(net.app.committed_store(), net.hosts[1].address) == 1
    refused = net.run((1, net.batch(1, [1])), (2, net.batch(2, [1])), (0, net.batch(0, [1])))
    assert refused.codes == [UNAUTHORIZED, UNAUTHORIZED, 0]
    assert "cannot submit proofs in epoch 0: it committed but did not reveal its seed" in refused.results[0].log
    assert "cannot submit proofs in epoch 0: it did not commit a seed" in refused.results[1].log


# ---------------------------------------------------------------- proof batches


def test_batch_rules(net):
    net.commit_and_reveal([0])
    assert net.run((0, net.batch(0, [7, 3, 5]))).codes == [0]
    cases = [
        (net.batch(0, [9, 10, 9]), "nonce 9 appears twice in the batch"),
        (net.batch(0, [11, 5]), "nonce 5 was already submitted in epoch 0"),
        (net.batch(0, [999, 1000]), "nonce 1000 is not below max_nonce 1000"),
        (net.batch(0, [12], distances=[1000]), "claimed distance 1000 of nonce 12 is not below the threshold 1000"),
        (net.batch(0, list(range(100, 109))), "a proof batch holds at most 8 nonces, got 9"),
        (net.batch(0, [13, 14], distances=[1]), "one distance per nonce"),
        (net.batch(0, []), "at least one nonce"),
    ]
    block = net.run(*[(0, msg) for msg, _ in cases])
    for result, (_, message) in zip(block.results, cases):
        assert result.code == INVALID_REQUEST and message in result.log, result.log
    assert net.summary(0).nonce_count == 3 and net.summary(0).batches == 1


def test_nonces_per_epoch_are_capped(net):
    net.commit_and_reveal([0])
    block = net.run((0, net.batch(0, range(0, 8))), (0, net.batch(0, range(8, 16))), (0, net.batch(0, range(16, 24))))
    assert block.codes == [0, 0, INVALID_REQUEST]
    assert "would hold 24 nonces in epoch 0, above max_nonces_per_epoch 20" in block.results[2].log
    assert net.run((0, net.batch(0, range(16, 20)))).codes == [0]
    assert net.summary(0).nonce_count == 20


# ---------------------------------------------------------------- queries


def test_queries(net):
    assert net.query_raw("Epoch", query_pb2.QueryEpochRequest()).code == 38  # nothing committed yet
    net.commit_and_reveal([0, 1])
    assert net.query_raw("Epoch", query_pb2.QueryEpochRequest(number=1)).code == 38  # future epoch
    current = net.epoch()
    assert current.height == 4 and current.epoch.phase == PHASE_REVEAL and current.epoch.seed
    net.run((0, net.batch(0, [40, 2, 17], distances=[4, 5, 6])), (1, net.batch(1, [1])))
    net.run((0, net.batch(0, [3])))
    proofs = net.query("Proofs", query_pb2.QueryProofsRequest(epoch=0, host=net.hosts[0].bech32),
                       query_pb2.QueryProofsResponse)
    assert list(proofs.nonces) == [2, 3, 17, 40] and list(proofs.distances) == [5, 3, 6, 4]
    assert net.summary(0).batches == 2 and net.summary(0).nonce_count == 4
    # a host that never took part, a bad address, a future epoch
    assert net.query_raw("ProofSummary", query_pb2.QueryProofSummaryRequest(host=net.hosts[3].bech32)).code == 38
    assert net.query_raw("ProofSummary", query_pb2.QueryProofSummaryRequest(host="sprint1bad")).code == 18
    assert net.query_raw("Proofs", query_pb2.QueryProofsRequest(host="nope")).code == 18
    assert net.query_raw("Assignments", query_pb2.QueryAssignmentsRequest(validator="")).code == 18
    net.advance_to(13)  # block 12, epoch 1's first, is committed
    assert net.epoch().epoch.number == 1 and net.epoch().epoch.phase == PHASE_COMMIT
    past = net.epoch(0).epoch
    assert (past.number, past.phase, past.start_height, past.end_height) == (0, PHASE_SETTLEMENT, 1, 11)
    assert past.seed and past.validation_seed
    assert net.query_raw("ProofSummary", query_pb2.QueryProofSummaryRequest(host=net.hosts[0].bech32)).code == 38
    assert net.summary(0, epoch=0).nonce_count == 4
    params = net.query("Params", query_pb2.QueryParamsRequest(), query_pb2.QueryParamsResponse).params
    assert params == net.params
    assert net.epoch().epoch.phase != PHASE_SPRINT
