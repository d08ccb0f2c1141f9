"""Per-rank shard seeds (docs/diloco.md §1)."""

from __future__ import annotations

import hashlib

import pytest

from worker.diloco.shard import shard_seed
from worker.training.data import batch_offsets

SEED = hashlib.sha256(b"test/diloco/seed").digest()


def test_shard_seed_is_the_spec_formula_and_accepts_hex():
    want = hashlib.sha256(b"sprint/diloco/shard/v1" + SEED + (3).to_bytes(4, "big")).digest()
    assert shard_seed(SEED, 3) == want
    assert shard_seed(SEED.hex(), 3) == want


def test_shards_differ_by_rank_and_are_reproducible():
    seeds = [shard_seed(SEED, r) for r in range(8)]
    assert len(set(seeds)) == 8
    assert seeds == [shard_seed(SEED, r) for r in range(8)]
    assert shard_seed(hashlib.sha256(b"other").digest(), 0) != seeds[0]
    # different ranks draw different batches of the same global step
    rows = [batch_offsets(s, 5, 8, 64, 32_768) for s in seeds[:3]]
    assert rows[0] != rows[1] != rows[2] and rows[0] == batch_offsets(seeds[0], 5, 8, 64, 32_768)


@pytest.mark.parametrize("rank", [-1, 2**32, True, 1.0])
def test_bad_rank_refused(rank):
    with pytest.raises(ValueError, match="rank"):
        shard_seed(SEED, rank)
