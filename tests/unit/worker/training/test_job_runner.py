"""TrainingRun: leaves and roots over the exact state bytes, segments that continue bit-exactly,
kept states for reveals, and a skipped interval reporting the previous loss."""

from __future__ import annotations

import pytest

from chain.modules.training.merkle import leaf_hash, merkle_root
from worker.training.cheats import Cheat
from worker.training.job_runner import TrainingRun
from worker.training.state import sha256_hex
from worker.training.state_store import StateStore


def _run(setup, tmp_path, **kw) -> TrainingRun:
    return TrainingRun(setup.config, setup.base_weights, setup.data, setup.data_seed, setup.hyper, job_id=7,
                       state_dir=tmp_path, **kw)


def test_segment_leaves_root_and_kept_states(setup, states, tmp_path):
    run = _run(setup, tmp_path)
    seg = run.run_segment(0, 2)
    assert [leaf.interval for leaf in seg.leaves] == [0, 1]
    for leaf in seg.leaves:
        w, o = run.state(leaf.interval)
        assert (w, o) == states[leaf.interval + 1]
        assert (leaf.weights_sha256, leaf.optim_sha256) == (sha256_hex(w), sha256_hex(o))
        assert leaf.hash == leaf_hash(7, leaf.interval, leaf.weights_sha256, leaf.optim_sha256, leaf.loss_micro)
    assert seg.root == merkle_root([leaf.hash for leaf in seg.leaves])
    assert (seg.end_weights, seg.end_optim) == states[2]
    assert run.state(-1) == (setup.base_weights, b"")
    assert seg.leaves[1].loss_micro < seg.leaves[0].loss_micro  # it learns


def test_segments_continue_like_one_run(setup, states, tmp_path):
    one = _run(setup, tmp_path / "a").run_segment(0, 3)
    split = _run(setup, tmp_path / "b")
    split.run_segment(0, 1)
    second = split.run_segment(1, 2)
    assert [leaf.hash for leaf in second.leaves] == [leaf.hash for leaf in one.leaves[1:]]
    resumed = _run(setup, tmp_path / "c").run_segment(2, 1, *states[2])  # resumed by another host
    assert resumed.leaves[0].hash == one.leaves[2].hash


def test_skipped_interval_reports_the_previous_loss(setup, tmp_path):
    run = _run(setup, tmp_path, cheat=Cheat("skip-intervals", 500_000))
    skipped = [k for k in range(4) if run.cheat.applies(setup.data_seed, k)]
    assert skipped and skipped != list(range(4))
    seg = run.run_segment(0, 4, start_loss_micro=123)
    for k in skipped:
        prev = seg.leaves[k - 1] if k else None
        assert seg.leaves[k].loss_micro == (prev.loss_micro if prev else 123)
        assert seg.leaves[k].weights_sha256 == (prev.weights_sha256 if prev else sha256_hex(setup.base_weights))


def test_state_store_is_bounded(tmp_path):
    store = StateStore(tmp_path, max_states=2)
    for k in range(4):
        store.put(k, b"w%d" % k, b"o%d" % k)
    assert 0 not in store and 1 not in store and store.get(3) == (b"w3", b"o3")
    with pytest.raises(KeyError):
        store.get(0)
    store.prune(3)
    assert 2 not in store and 3 in store
    assert 3 in StateStore(tmp_path, max_states=2)  # survives a restart
