"""The training draws (docs/training.md §3, §5): seeds, sample size and partial Fisher-Yates sample,
weighted committee draw without replacement."""

from __future__ import annotations

import hashlib
import random

import pytest

from chain.modules.training import draws


def _u64(seed: bytes, tag: bytes, j: int) -> int:
    return int.from_bytes(hashlib.sha256(seed + tag + j.to_bytes(4, "big")).digest()[:8], "big")


def test_seed_layouts():
    bh = bytes(range(32))
    assert draws.data_seed(bh, 9) == hashlib.sha256(
        b"sprint/training/data-seed/v1" + bh + (9).to_bytes(8, "big")).digest()
    assert draws.sample_seed(bh, 9, 2) == hashlib.sha256(
        b"sprint/training/sample/v1" + bh + (9).to_bytes(8, "big") + (2).to_bytes(4, "big")).digest()
    assert draws.sample_seed(bh, 9, 2) != draws.sample_seed(bh, 9, 3)
    assert draws.data_seed(bh, 9) != draws.data_seed(bh, 10)


@pytest.mark.parametrize("count,ppm,n", [(1, 0, 1), (1, 10**6, 1), (10, 100_000, 1), (10, 100_001, 2),
                                         (10, 10**6, 10), (10, 2 * 10**6, 10), (7, 1, 1), (50, 250_000, 13)])
def test_sample_count(count, ppm, n):
    assert draws.sample_count(count, ppm) == n


def test_sample_count_rejects_empty_segment():
    with pytest.raises(ValueError):
        draws.sample_count(0, 1000)


def _ref_sample(seed, first, count, ppm):
    n = max(1, min(count, -(-ppm * count // 10**6)))
    pool = list(range(first, first + count))
    for j in range(n):
        r = _u64(seed, b"idx", j) % (count - j)
        pool[j], pool[j + r] = pool[j + r], pool[j]
    return sorted(pool[:n])


def test_sample_intervals_matches_spec_and_is_a_subset():
    for s in range(200):
        seed = hashlib.sha256(b"s%d" % s).digest()
        first, count, ppm = s * 3, 1 + s % 23, (s * 37_000) % 1_100_000
        got = draws.sample_intervals(seed, first, count, ppm)
        assert got == _ref_sample(seed, first, count, ppm)
        assert got == sorted(set(got))
        assert all(first <= k < first + count for k in got)
        assert len(got) == draws.sample_count(count, ppm)


def test_sample_is_roughly_uniform():
    hits = [0] * 10
    for s in range(3000):
        for k in draws.sample_intervals(hashlib.sha256(b"u%d" % s).digest(), 0, 10, 200_000):
            hits[k] += 1
    assert all(450 < h < 750 for h in hits), hits   # expectation 600 each


def _ref_committee(seed, candidates, size):
    pool = sorted((op, w) for op, w in candidates if w > 0)
    out = []
    for j in range(min(size, len(pool))):
        total = sum(w for _, w in pool)
        r = _u64(seed, b"committee", j) % total
        for i, (op, w) in enumerate(pool):
            if r < w:
                out.append(op)
                pool.pop(i)
                break
            r -= w
    return out


def test_committee_matches_reference_and_ignores_input_order():
    rng = random.Random(5)
    for s in range(200):
        seed = hashlib.sha256(b"c%d" % s).digest()
        cands = [(bytes([i]) * 20, rng.choice([0, 1, 5, 100, 10**6])) for i in range(rng.randint(0, 9))]
        size = rng.randint(0, 10)
        got = draws.draw_committee(seed, cands, size)
        assert got == _ref_committee(seed, cands, size)
        shuffled = list(cands)
        rng.shuffle(shuffled)
        assert draws.draw_committee(seed, shuffled, size) == got
        positive = sorted(op for op, w in cands if w > 0)
        assert len(got) == min(size, len(positive)) and len(set(got)) == len(got)
        assert all(op in positive for op in got)


def test_committee_size_above_candidates_returns_all_positive():
    cands = [(b"b", 3), (b"a", 0), (b"c", 1), (b"d", 2)]
    got = draws.draw_committee(b"\x01" * 32, cands, 10)
    assert sorted(got) == [b"b", b"c", b"d"]


def test_committee_never_draws_zero_weight_and_handles_empty():
    assert draws.draw_committee(b"\x02" * 32, [(b"a", 0), (b"b", 0)], 2) == []
    assert draws.draw_committee(b"\x02" * 32, [], 3) == []
    assert draws.draw_committee(b"\x02" * 32, [(b"a", 1)], 0) == []


def test_committee_is_weight_proportional():
    counts = {b"a": 0, b"b": 0}
    for s in range(4000):
        counts[draws.draw_committee(hashlib.sha256(b"w%d" % s).digest(), [(b"a", 3), (b"b", 1)], 1)[0]] += 1
    assert 2850 < counts[b"a"] < 3150, counts


def test_committee_rejects_duplicates_and_negative_weights():
    with pytest.raises(ValueError):
        draws.draw_committee(b"\x00" * 32, [(b"a", 1), (b"a", 2)], 1)
    with pytest.raises(ValueError):
        draws.draw_committee(b"\x00" * 32, [(b"a", -1)], 1)
