"""Sprint assignment, votes and settlement on an in-process App: deterministic weighted assignment,
unassigned/double votes, the >50% tally (accepted / rejected + slashed / inconclusive), copied
nonces caught by reject votes, the power cap, collateral, validator updates from FinalizeBlock, the
total-power-zero guard, determinism and genesis export (11-block epochs: validation 9-10,
settlement at the end of block 10)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from sprint.sprint.v1 import query_pb2
from sprint.sprint.v1.sprint_pb2 import (
    PROOF_STATUS_ACCEPTED, PROOF_STATUS_EXCLUDED, PROOF_STATUS_INCONCLUSIVE, PROOF_STATUS_REJECTED,
)

from chain.modules.sprint.randomness import draw_validators
from chain.store.leveldb import LevelDB
from chain.store.memory import MemoryDB
from tests.helpers.chain import new_app, run_block
from tests.helpers.sprint import MIN_COLLATERAL, COLLATERAL, SprintNet, block_hash_at, events_of, updates_of
from tests.helpers.staking import unstake_msg

INVALID_REQUEST, UNAUTHORIZED = 18, 4


def run_epoch(net: SprintNet, batches: dict, approve_for: dict | None = None, epoch: int = 0):
    """Commit/reveal for every prover, submit batches, every assigned validator votes; returns the
    BlockResult of the settlement block."""
    net.commit_and_reveal(sorted(batches), epoch=epoch)
    net.prove(batches, epoch=epoch)
    net.vote_all(approve_for, epoch=epoch)
    return net.settle(epoch)


# ---------------------------------------------------------------- assignment


def test_assignment_follows_the_documented_draw_from_the_validation_seed():
    net = SprintNet(4, weights=[50, 30, 15, 5])
    net.commit_and_reveal([0, 1, 2, 3])
    net.prove({0: [1], 1: [2], 3: [3]})
    epoch = net.epoch().epoch
    b = net.bounds(0)
    assert epoch.validation_seed == hashlib.sha256(
        b"sprint/validation/v1" + epoch.seed + block_hash_at(b.proof_end)).digest()
    weights = {h.address: w for h, w in zip(net.hosts, [50, 30, 15, 5])}
    for prover in (0, 1, 3):
        pool = [(op, w) for op, w in sorted(weights.items()) if op != net.hosts[prover].address]
        expected = draw_validators(epoch.validation_seed, net.hosts[prover].address, pool, 6700)
        summary = net.summary(prover)
        assert list(summary.validators) == [net.hosts[net.index_of_address(op)].bech32 for op in expected]
        assert summary.eligible_weight == 100 - weights[net.hosts[prover].address]
        held = sum(weights[op] for op in expected)
        assert held * 10_000 >= 6700 * summary.eligible_weight
        for op in expected:  # stored the other way too
            assert net.hosts[prover].bech32 in net.assignments(0, net.index_of_address(op))
    assert net.summary(2).validators == []  # revealed, submitted nothing: not a prover


def test_assignment_is_deterministic():
    runs = []
    for _ in range(2):
        net = SprintNet(4, weights=[40, 30, 20, 10], params={"assignment_weight_bps": 5100})
        net.commit_and_reveal([0, 1, 2, 3])
        net.prove({i: [i + 1] for i in range(4)})
        runs.append([list(net.summary(i).validators) for i in range(4)])
    assert runs[0] == runs[1]
    assert any(len(v) < 3 for v in runs[0]), "5100 bps should not need every validator for every prover"


# ---------------------------------------------------------------- votes


def test_unassigned_and_double_votes_are_refused():
    net = SprintNet(4, params={"assignment_weight_bps": 5100})  # equal weights: 2 of the 3 others
    net.commit_and_reveal([0, 1])
    net.prove({0: [1, 2]})
    assigned = [net.index_of(v) for v in net.summary(0).validators]
    unassigned = next(i for i in (1, 2, 3) if i not in assigned)
    early = net.run((assigned[0], net.vote(assigned[0], 0)))  # block 9 is validation: fine
    assert early.codes == [0]
    block = net.run((unassigned, net.vote(unassigned, 0)), (0, net.vote(0, 0)), (assigned[0], net.vote(assigned[0], 0)),
                    (assigned[1], net.vote(assigned[1], 1)))
    assert block.codes == [UNAUTHORIZED, UNAUTHORIZED, INVALID_REQUEST, UNAUTHORIZED]
    assert f"is not assigned to validate {net.hosts[0].bech32} in epoch 0" in block.results[0].log
    assert f"already voted on {net.hosts[0].bech32} in epoch 0" in block.results[2].log
    summary = net.summary(0)
    assert (summary.approve_weight, summary.reject_weight) == (10, 0)
    votes = net.query("Validations", query_pb2.QueryValidationsRequest(epoch=0, host=net.hosts[0].bech32),
                      query_pb2.QueryValidationsResponse).validations
    assert [(v.validator, v.approve, v.height) for v in votes] == [(net.hosts[assigned[0]].bech32, True, 9)]
    late = net.run((assigned[1], net.vote(assigned[1], 0)))  # block 11: settlement phase
    assert late.codes == [INVALID_REQUEST] and "late: proof validations for epoch 0 were accepted in blocks 9..10" \
        in late.results[0].log


def test_votes_before_the_validation_phase_are_early():
    net = SprintNet(3)
    net.commit_and_reveal([0])
    block = net.run((1, net.vote(1, 0)))
    assert block.codes == [INVALID_REQUEST]
    assert "early: proof validations for epoch 0 are accepted in blocks 9..10, this is block 5" in block.results[0].log


# ---------------------------------------------------------------- tally, slashing, updates


def test_accepted_rejected_and_inconclusive_provers():
    net = SprintNet(4)
    net.commit_and_reveal([0, 1, 2])
    net.prove({0: [1, 2, 3, 4], 1: [5, 6, 7], 2: [8, 9]})
    # everyone holds 10 and validates every other prover (6700 bps of 30 needs all three)
    entries = []
    for v in range(4):
        for p in (0, 1, 2):
            if v == p:
                continue
            if p == 0:
                entries.append((v, net.vote(v, 0, True)))
            elif p == 1:
                entries.append((v, net.vote(v, 1, False)))
            elif v in (0, 1):  # prover 2: one approve, one reject, host 3 silent
                entries.append((v, net.vote(v, 2, v == 0)))
    assert net.run(*entries).codes == [0] * len(entries)
    bonded_before = net.bonded(1)
    block = net.settle()
    assert net.summary(0).status == PROOF_STATUS_ACCEPTED and net.summary(0).settled_weight == 4
    assert net.summary(1).status == PROOF_STATUS_REJECTED and net.summary(1).settled_weight == 0
    assert net.summary(2).status == PROOF_STATUS_INCONCLUSIVE and net.summary(2).settled_weight == 0
    assert net.bonded(1) == bonded_before - bonded_before // 10  # slash_fraction_bps 1000
    assert net.bonded(2) == COLLATERAL  # inconclusive: no slash
    slashes = events_of(block, "sprint_slash")
    assert [(s["host"], s["amount"]) for s in slashes] == [(net.hosts[1].bech32, str(COLLATERAL // 10))]
    missed = events_of(block, "sprint_missed_validation")
    assert [(m["validator"], m["prover"]) for m in missed] == [(net.hosts[3].bech32, net.hosts[2].bech32)]
    assert net.app.keepers.sprint.missed_validations(net.app.committed_store(), net.hosts[3].address) == 1
    # only host 0 holds weight now: power = min(4, cap = max(1, 4 * 5000 // 10000) = 2)
    assert net.host_weights() == {0: 4, 1: 0, 2: 0, 3: 0}
    assert net.powers() == {0: 2, 1: 0, 2: 0, 3: 0}
    assert updates_of(block) == sorted([(net.hosts[0].pubkey, 2)] + [(net.hosts[i].pubkey, 0) for i in (1, 2, 3)])


def test_copied_nonces_are_caught_by_reject_votes():
    """Host 1 replays host 0's nonces: the chain cannot tell (they are valid for host 0's key), the
    validators recompute them for host 1's key and vote reject."""
    net = SprintNet(4)
    copied = [11, 22, 33, 44]
    block = run_epoch(net, {0: copied, 1: copied, 2: [5, 6]}, approve_for={1: False})
    assert net.summary(1).status == PROOF_STATUS_REJECTED
    assert net.summary(1).reject_weight == 30 and net.summary(1).settled_weight == 0
    assert net.bonded(1) == COLLATERAL - COLLATERAL // 10
    assert net.host_weights() == {0: 4, 1: 0, 2: 2, 3: 0}
    # total 6, cap 3: host 0 is capped
    assert net.powers() == {0: 3, 1: 0, 2: 2, 3: 0}
    assert (net.hosts[1].pubkey, 0) in updates_of(block)
    assert updates_of(block) == sorted([(net.hosts[0].pubkey, 3), (net.hosts[1].pubkey, 0),
                                        (net.hosts[2].pubkey, 2), (net.hosts[3].pubkey, 0)])


def test_validator_updates_are_returned_only_by_the_settlement_block_and_only_for_changes():
    net = SprintNet(4, params={"max_power_bps": 10_000, "max_batch_nonces": 10})
    net.commit_and_reveal([0, 1, 2, 3])
    net.prove({0: list(range(10)), 1: list(range(10)), 2: [1, 2, 3], 3: list(range(10))})
    net.vote_all()
    net.advance_to(net.bounds(0).validation_end)
    settlement = run_block(net.app)
    assert settlement.height == 10
    assert updates_of(settlement) == [(net.hosts[2].pubkey, 3)]  # hosts 0, 1, 3 keep power 10
    assert [e["host"] for e in events_of(settlement, "sprint_validator_update")] == [net.hosts[2].bech32]
    assert updates_of(run_block(net.app)) == []
    weights = net.weights()
    assert (weights.total_weight, weights.total_power) == (33, 33)


def test_cap_limits_power_to_a_share_of_the_total_settled_weight():
    net = SprintNet(3, params={"max_power_bps": 5000, "max_batch_nonces": 10})
    block = run_epoch(net, {0: list(range(10)), 1: [1, 2], 2: [3, 4]})
    assert net.host_weights() == {0: 10, 1: 2, 2: 2}
    assert net.powers() == {0: 7, 1: 2, 2: 2}  # cap = 14 * 5000 // 10000
    assert sorted(updates_of(block)) == sorted([(net.hosts[0].pubkey, 7), (net.hosts[1].pubkey, 2),
                                                (net.hosts[2].pubkey, 2)])


def test_a_host_below_minimum_collateral_keeps_its_weight_but_gets_no_power():
    net = SprintNet(3)
    net.commit_and_reveal([0, 1, 2])
    operator = net.hosts[2].operator
    assert net.run((operator, unstake_msg(operator.bech32, COLLATERAL - MIN_COLLATERAL + 1))).codes == [0]
    net.prove({0: [1, 2], 1: [3, 4], 2: [5, 6]})
    net.vote_all()
    net.settle()
    assert net.host_weights() == {0: 2, 1: 2, 2: 2}
    assert net.powers() == {0: 2, 1: 2, 2: 0}


def test_bootstrap_a_prover_without_eligible_validators_is_accepted():
    net = SprintNet(2, weights=[10, 0])
    net.commit_and_reveal([0, 1])
    net.prove({0: [1, 2, 3], 1: [4, 5]})
    assert net.summary(0).eligible_weight == 0 and list(net.summary(0).validators) == []
    assert list(net.summary(1).validators) == [net.hosts[0].bech32]
    block = net.run((0, net.vote(0, 1, True)))
    assert block.codes == [0]
    settlement = net.settle()
    assert net.summary(0).status == PROOF_STATUS_ACCEPTED and net.summary(1).status == PROOF_STATUS_ACCEPTED
    assert net.host_weights() == {0: 3, 1: 2}
    # cap = max(1, 5 * 5000 // 10000) = 2
    assert updates_of(settlement) == sorted([(net.hosts[0].pubkey, 2), (net.hosts[1].pubkey, 2)])


# ---------------------------------------------------------------- total-power-zero guard


def test_an_epoch_nobody_takes_part_in_keeps_every_weight_and_power():
    net = SprintNet(3)
    net.advance_to(net.bounds(0).validation_end)
    block = run_block(net.app)
    assert updates_of(block) == []
    assert events_of(block, "sprint_power_unchanged") == [
        {"epoch": "0", "reason": "the total power would be 0; previous weights and powers are kept"}]
    assert net.host_weights() == {0: 10, 1: 10, 2: 10} and net.powers() == {0: 10, 1: 10, 2: 10}


def test_all_provers_rejected_keeps_the_validator_set_but_still_slashes():
    net = SprintNet(2)
    block = run_epoch(net, {0: [1], 1: [2]}, approve_for={0: False, 1: False})
    assert updates_of(block) == [] and events_of(block, "sprint_power_unchanged")
    assert net.summary(0).status == PROOF_STATUS_REJECTED and net.summary(1).status == PROOF_STATUS_REJECTED
    assert net.bonded(0) == net.bonded(1) == COLLATERAL - COLLATERAL // 10
    assert net.powers() == {0: 10, 1: 10}


def test_second_epoch_uses_the_settled_weights():
    net = SprintNet(3, params={"max_power_bps": 10_000})
    run_epoch(net, {0: [1, 2, 3, 4, 5, 6], 1: [1, 2], 2: [1, 2]})
    assert net.host_weights() == {0: 6, 1: 2, 2: 2}
    net.commit_and_reveal([0, 1, 2], revealers=[0, 1], epoch=1)
    net.prove({0: [7], 1: [8]}, epoch=1)
    assert net.summary(1, epoch=1).eligible_weight == 6 + 2  # hosts 0 and 2 by their epoch-0 weights
    assert net.summary(2, epoch=1).status == PROOF_STATUS_EXCLUDED
    net.vote_all(epoch=1)
    block = net.settle(epoch=1)
    assert net.host_weights() == {0: 1, 1: 1, 2: 0}
    assert updates_of(block) == sorted([(net.hosts[0].pubkey, 1), (net.hosts[1].pubkey, 1),
                                        (net.hosts[2].pubkey, 0)])


# ---------------------------------------------------------------- determinism and genesis


def scripted(db) -> list[bytes]:
    net = SprintNet(4, weights=[40, 30, 20, 10], db=db)
    net.commit_and_reveal([0, 1, 2, 3], revealers=[0, 1, 2])
    net.prove({0: [5, 1, 9], 1: [2, 3], 2: [7]})
    net.vote_all({2: False})
    net.settle()
    hashes = [net.app.app_hash]
    net.advance_to(14)
    hashes.append(net.app.app_hash)
    return hashes


def test_two_apps_on_memory_and_leveldb_reach_the_same_app_hashes(tmp_path):
    first, second = scripted(MemoryDB()), scripted(LevelDB(str(tmp_path / "db")))
    assert first == second


def test_sprint_app_hashes_do_not_depend_on_pythonhashseed():
    code = ("from chain.store.memory import MemoryDB; from tests.integration.test_sprint_settlement import scripted; "
            "print(','.join(h.hex() for h in scripted(MemoryDB())))")
    root = Path(__file__).resolve().parents[2]
    outputs = {subprocess.run([sys.executable, "-c", code], cwd=root, env=dict(os.environ, PYTHONHASHSEED=seed),
                              capture_output=True, text=True, timeout=120, check=True).stdout.strip()
               for seed in ("1", "987")}
    assert outputs == {",".join(h.hex() for h in scripted(MemoryDB()))}


def test_genesis_export_round_trips_after_a_settled_epoch():
    net = SprintNet(3, params={"max_power_bps": 10_000})
    run_epoch(net, {0: [1, 2, 3], 1: [4, 5]})
    exported = net.app.export_genesis()
    assert exported["sprint"]["params"]["commit_blocks"] == "2"
    exported["rewards"]["params"]["initial_block_reward"] = "0"  # the reborn chain's block mints nothing
    reborn = new_app(MemoryDB(), json.loads(json.dumps(exported)), chain_id="sprint-test-2")
    run_block(reborn)
    assert reborn.export_genesis() == exported
    store = reborn.committed_store()
    assert reborn.keepers.sprint.get_params(store) == net.params
    # the new chain starts with power = the exported weights
    assert [(p, pk) for _, p, pk in reborn.keepers.sprint.powers(store)] == \
        [(p, pk) for _, p, pk in net.app.keepers.sprint.powers(net.app.committed_store())]
