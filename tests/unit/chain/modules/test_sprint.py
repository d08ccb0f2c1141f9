"""sprint module, pure parts: params, epoch/phase math, the documented hashes, the weighted validator
draw, the tally and the power cap, genesis parsing."""

from __future__ import annotations

import hashlib

import pytest
from sprint.sprint.v1.sprint_pb2 import (
    PHASE_COMMIT, PHASE_PROOF, PHASE_REVEAL, PHASE_SETTLEMENT, PHASE_SPRINT, PHASE_VALIDATION,
    PROOF_STATUS_ACCEPTED, PROOF_STATUS_INCONCLUSIVE, PROOF_STATUS_REJECTED, Params, ProofSummary,
)

from chain.errors import ErrInvalidRequest
from chain.modules.sprint import genesis, randomness
from chain.modules.sprint.epochs import bounds, epoch_info, epoch_number
from chain.modules.sprint.params import default_params, epoch_length, validate_params
from chain.modules.sprint.settlement import power_cap, tally


def tiny() -> Params:
    params = default_params()
    for name, value in (("commit_blocks", 2), ("reveal_blocks", 1), ("sprint_blocks", 3), ("proof_blocks", 1),
                        ("validation_blocks", 2), ("settlement_blocks", 1)):
        setattr(params, name, value)
    return params


# ---------------------------------------------------------------- params


def test_default_params_are_valid_and_make_a_24_block_epoch():
    params = default_params()
    validate_params(params)
    assert epoch_length(params) == 24
    assert params.pow_config == "devnet"


@pytest.mark.parametrize("field, value, message", [
    ("commit_blocks", 0, "commit_blocks must be between 1"),
    ("settlement_blocks", 0, "settlement_blocks must be between 1"),
    ("pow_config", "huge", "pow_config must be one of"),
    ("distance_threshold_micro", 0, "distance_threshold_micro must be >= 1"),
    ("max_nonce", 0, "max_nonce must be >= 1"),
    ("max_batch_nonces", 0, "max_batch_nonces must be >= 1"),
    ("max_batch_nonces", 200_000, "max_batch_nonces must be <= max_nonces_per_epoch"),
    ("max_sample_mismatches", 2_001, "max_sample_mismatches must be <= validation_sample"),
    ("assignment_weight_bps", 5000, "assignment_weight_bps must be in 5001..10000"),
    ("assignment_weight_bps", 10_001, "assignment_weight_bps must be in 5001..10000"),
    ("max_power_bps", 0, "max_power_bps must be in 1..10000"),
    ("slash_fraction_bps", 10_001, "slash_fraction_bps must be <= 10000"),
])
def test_bad_params_are_rejected_naming_the_field(field, value, message):
    params = default_params()
    setattr(params, field, value)
    with pytest.raises(ErrInvalidRequest, match=message):
        validate_params(params)


# ---------------------------------------------------------------- epochs


def test_every_height_of_two_epochs_maps_to_its_phase():
    params = tiny()  # L = 10: commit 1-2, reveal 3, sprint 4-6, proof 7, validation 8-9, settlement 10
    expected = [PHASE_COMMIT] * 2 + [PHASE_REVEAL] + [PHASE_SPRINT] * 3 + [PHASE_PROOF] + [PHASE_VALIDATION] * 2 \
        + [PHASE_SETTLEMENT]
    for height in range(1, 21):
        info = epoch_info(params, height)
        assert info.number == (height - 1) // 10
        assert info.phase == expected[(height - 1) % 10], height
    b = bounds(params, 1)
    assert (b.start, b.commit_end, b.reveal_end, b.sprint_end, b.proof_end, b.validation_end, b.end) == \
        (11, 12, 13, 16, 17, 19, 20)
    assert b.window(PHASE_SPRINT) == (14, 16) and b.window(PHASE_SETTLEMENT) == (20, 20)
    assert b.window(PHASE_COMMIT) == (11, 12)


def test_epoch_info_carries_bounds_and_seeds_and_refuses_future_epochs():
    params = tiny()
    info = epoch_info(params, 25, b"s" * 32, b"v" * 32)
    assert (info.number, info.start_height, info.end_height, info.seed, info.validation_seed) == \
        (2, 21, 30, b"s" * 32, b"v" * 32)
    past = epoch_info(params, 25, number=0)
    assert (past.number, past.phase, past.start_height, past.end_height) == (0, PHASE_SETTLEMENT, 1, 10)
    assert epoch_info(params, 0).number == 0 and epoch_info(params, 0).phase == PHASE_COMMIT
    assert epoch_number(params, 10) == 0 and epoch_number(params, 11) == 1
    with pytest.raises(ValueError, match="has not started"):
        epoch_info(params, 25, number=3)


# ---------------------------------------------------------------- hashes


def test_commitment_seed_and_validation_seed_follow_the_documented_layouts():
    operator, secret = b"\x07" * 20, b"\x09" * 32
    assert randomness.commitment(5, operator, secret) == hashlib.sha256(
        b"sprint/commit/v1" + b"\x00" * 7 + b"\x05" + operator + secret).digest()
    block_hash = hashlib.sha256(b"h").digest()
    reveals = [(b"\x02" * 20, b"B" * 32), (b"\x01" * 20, b"A" * 32)]
    seed = randomness.sprint_seed(block_hash, reveals)
    assert seed == hashlib.sha256(b"sprint/seed/v1" + block_hash + b"A" * 32 + b"B" * 32).digest()
    assert seed == randomness.sprint_seed(block_hash, list(reversed(reveals)))
    assert randomness.validation_seed(seed, block_hash) == hashlib.sha256(
        b"sprint/validation/v1" + seed + block_hash).digest()


# ---------------------------------------------------------------- validator draw


def reference_draw(stream_seed: bytes, prover: bytes, candidates, target_bps: int) -> list[bytes]:
    """An independent transcription of the documented draw."""
    pool = sorted(c for c in candidates if c[1] > 0)
    total = sum(w for _, w in pool)
    out, held, k = [], 0, 0
    while pool and held * 10_000 < target_bps * total:
        r = int.from_bytes(hashlib.sha256(stream_seed + b"assign" + prover + k.to_bytes(8, "big")).digest(), "big")
        r %= sum(w for _, w in pool)
        acc = 0
        for i, (op, w) in enumerate(pool):
            acc += w
            if r < acc:
                out.append(op)
                held += w
                del pool[i]
                break
        k += 1
    return out


def candidates(weights) -> list[tuple[bytes, int]]:
    return [(bytes([i + 1]) * 20, w) for i, w in enumerate(weights)]


def test_draw_matches_the_reference_and_reaches_the_target_weight_minimally():
    pool = candidates([50, 30, 15, 5, 0, 7])
    for n in range(50):
        seed = hashlib.sha256(b"seed%d" % n).digest()
        drawn = randomness.draw_validators(seed, b"\xee" * 20, pool, 6700)
        assert drawn == reference_draw(seed, b"\xee" * 20, pool, 6700)
        weight = dict(pool)
        held = sum(weight[d] for d in drawn)
        assert held * 10_000 >= 6700 * 107
        assert (held - weight[drawn[-1]]) * 10_000 < 6700 * 107, "drawing must stop once the target is met"
        assert len(set(drawn)) == len(drawn) and bytes([5]) * 20 not in drawn  # weight-0 never drawn


def test_draw_is_weighted():
    pool = candidates([90, 10])
    first = [randomness.draw_validators(hashlib.sha256(b"%d" % n).digest(), b"\xee" * 20, pool, 5001)[0]
             for n in range(2000)]
    heavy = first.count(bytes([1]) * 20)
    assert 1700 <= heavy <= 1900  # expectation 1800, sd ~13


def test_draw_takes_everyone_at_full_target_and_nobody_without_candidates():
    pool = candidates([3, 3, 3])
    assert sorted(randomness.draw_validators(b"s" * 32, b"p" * 20, pool, 10_000)) == sorted(op for op, _ in pool)
    assert randomness.draw_validators(b"s" * 32, b"p" * 20, [], 10_000) == []
    assert randomness.draw_validators(b"s" * 32, b"p" * 20, candidates([0, 0]), 10_000) == []


# ---------------------------------------------------------------- tally and cap


@pytest.mark.parametrize("nonces, eligible, approve, reject, expected", [
    (5, 30, 20, 0, (PROOF_STATUS_ACCEPTED, 5)),
    (5, 30, 15, 0, (PROOF_STATUS_INCONCLUSIVE, 0)),  # exactly half is not a majority
    (5, 30, 10, 20, (PROOF_STATUS_REJECTED, 0)),
    (5, 30, 10, 10, (PROOF_STATUS_INCONCLUSIVE, 0)),
    (5, 0, 0, 0, (PROOF_STATUS_ACCEPTED, 5)),  # bootstrap: nobody else holds weight
    (0, 30, 0, 0, (PROOF_STATUS_ACCEPTED, 0)),  # revealed, proved nothing
])
def test_tally(nonces, eligible, approve, reject, expected):
    summary = ProofSummary(nonce_count=nonces, eligible_weight=eligible, approve_weight=approve,
                           reject_weight=reject)
    assert tally(summary) == expected


def test_power_cap():
    assert power_cap(14, 5000) == 7
    assert power_cap(1, 3300) == 1  # never below 1
    assert power_cap(0, 10_000) == 1


# ---------------------------------------------------------------- genesis


def test_genesis_params_round_trip_and_validation():
    default = genesis.default_genesis()
    assert genesis.validate_genesis(default) == default_params()
    custom = {"params": {"commit_blocks": "5", "max_power_bps": 2500}}
    params = genesis.validate_genesis(custom)
    assert params.commit_blocks == 5 and params.max_power_bps == 2500 and params.sprint_blocks == 8
    assert genesis.validate_genesis({"params": genesis.params_to_dict(params)}) == params
    with pytest.raises(ErrInvalidRequest, match="sprint genesis params"):
        genesis.validate_genesis({"params": {"no_such_param": 1}})
    with pytest.raises(ErrInvalidRequest, match="unknown field"):
        genesis.validate_genesis({"parms": {}})
    with pytest.raises(ErrInvalidRequest, match="reveal_blocks"):
        genesis.validate_genesis({"params": {"reveal_blocks": "0"}})


def test_default_threshold_is_the_devnet_pow_config_threshold():
    """The chain cannot import worker/, so the devnet default is a copy: keep the two equal."""
    from worker.sprint.config import CONFIGS

    params = default_params()
    assert params.distance_threshold_micro == CONFIGS[params.pow_config].threshold_micro


def test_default_acceptance_params_are_the_devnet_recommendation():
    """Same for the statistical acceptance test (sample k, mismatches m, tolerance)."""
    from worker.sprint.config import recommended

    params, want = default_params(), recommended("devnet")
    assert (params.validation_sample, params.max_sample_mismatches, params.distance_tolerance_micro) == \
        (want.validation_sample, want.max_sample_mismatches, want.distance_tolerance_micro)
