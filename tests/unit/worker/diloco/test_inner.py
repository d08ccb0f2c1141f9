"""A worker's inner round and the committee's check of it (docs/diloco.md §2, §5)."""

from __future__ import annotations

import pytest

from chain.modules.training.merkle import leaf_hash, merkle_root
from chain.modules.training.params import default_params
from worker.diloco.inner import reexecute_round, round_distance_ppm, round_intervals, run_inner_round
from worker.diloco.shard import shard_seed
from worker.training.cheats import Cheat
from worker.training.state import load_state, optim_bytes, sha256_hex, weights_bytes
from worker.training.trainer import loss_micro, train_interval
from worker.training.verify import MAX_DISTANCE_PPM

K = 8  # two 4-step intervals per round


@pytest.fixture(scope="module")
def round1(setup):
    """Rank 1's rounds 0 and 1 (round 1 continues its optimizer from a new theta)."""
    r0 = run_inner_round(setup.config, setup.base_weights, None, setup.data, setup.data_seed, 1, setup.hyper, 0, K,
                         job_id=7)
    return r0, run_inner_round(setup.config, r0.end_weights, r0.end_optim, setup.data, setup.data_seed, 1,
                               setup.hyper, 1, K, job_id=7)


def test_round_intervals():
    from worker.training.hyper import fine_tune_hyper

    h = fine_tune_hyper(checkpoint_interval=4)
    assert list(round_intervals(h, 0, 8)) == [0, 1] and list(round_intervals(h, 3, 8)) == [6, 7]
    with pytest.raises(ValueError, match="multiple"):
        round_intervals(h, 0, 6)


def test_round_is_the_single_host_steps_on_the_rank_shard(setup, round1):
    r0, r1 = round1
    model, opt = load_state(setup.config, r0.end_weights, r0.end_optim, setup.hyper)
    seed, leaves = shard_seed(setup.data_seed, 1), []
    for k in (2, 3):  # round 1's intervals: steps 8..15
        loss = loss_micro(train_interval(model, opt, setup.data, seed, setup.hyper, k))
        ws, os_ = sha256_hex(weights_bytes(model)), sha256_hex(optim_bytes(model, opt))
        leaves.append(leaf_hash(7, k, ws, os_, loss))
        assert r1.leaves[k - 2].loss_micro == loss
    assert r1.end_weights == weights_bytes(model) and r1.end_optim == optim_bytes(model, opt)
    assert r1.root == merkle_root(leaves) and [leaf.hash for leaf in r1.leaves] == leaves
    assert len(r1.losses) == K // setup.hyper.checkpoint_interval


def test_rounds_are_reproducible_and_ranks_differ(setup, round1):
    r0, _ = round1
    again = run_inner_round(setup.config, setup.base_weights, None, setup.data, setup.data_seed, 1, setup.hyper, 0, K,
                            job_id=7)
    assert again == r0 and again.delta_sha256 == r0.delta_sha256
    other = run_inner_round(setup.config, setup.base_weights, None, setup.data, setup.data_seed, 0, setup.hyper, 0, K,
                            job_id=7)
    assert other.delta != r0.delta


def test_honest_contribution_has_distance_zero(setup, round1):
    r0, r1 = round1
    re = reexecute_round(setup.config, r0.end_weights, r0.end_optim, setup.data, setup.data_seed, 1, setup.hyper, 1, K)
    assert round_distance_ppm(r0.end_weights, re, r1.delta) == 0
    assert round_distance_ppm(r0.end_weights, re, b"garbage") == MAX_DISTANCE_PPM


@pytest.mark.parametrize("mode", ["noise", "skip-intervals"])
def test_cheated_contribution_is_above_the_outer_tolerance(setup, round1, mode):
    r0, _ = round1
    cheated = run_inner_round(setup.config, r0.end_weights, r0.end_optim, setup.data, setup.data_seed, 1, setup.hyper,
                              1, K, cheat=Cheat(mode))
    re = reexecute_round(setup.config, r0.end_weights, r0.end_optim, setup.data, setup.data_seed, 1, setup.hyper, 1, K)
    d = round_distance_ppm(r0.end_weights, re, cheated.delta)
    assert d > default_params().outer_tolerance_ppm, d
