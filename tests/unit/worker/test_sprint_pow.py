"""The Sprint PoW function on the test config: valid rate, precisions, acceptance of honest provers,
rejection of fabricated and copied nonces (docs/sprint-pow.md §6-9)."""

import hashlib

import pytest
import torch

from worker.sprint.acceptance import count_mismatches, sample_nonces
from worker.sprint.config import BF16_UNCONFIRMED_MISMATCH_BOUND, get_config, recommended
from worker.sprint.pow import SprintFunction
from worker.sprint.precision import summarise

CONFIG = get_config("test")
REC = recommended("test")
SEED = hashlib.sha256(b"test_sprint_pow/seed").digest()
HOST_A = hashlib.sha256(b"test_sprint_pow/host-a").digest()
HOST_B = hashlib.sha256(b"test_sprint_pow/host-b").digest()
N = 18_000
T = CONFIG.threshold_micro


@pytest.fixture(scope="module")
def fp32():
    return SprintFunction(SEED, CONFIG)


@pytest.fixture(scope="module")
def fp32_distances(fp32):
    return fp32.distances(HOST_A, range(N))


def verdict(fn: SprintFunction, host: bytes, claims: list[tuple[int, int]]) -> tuple[bool, int]:
    """A validator's vote: sample, recompute in fp32, count mismatches, compare with m."""
    sample = sample_nonces(b"\x11" * 32, host[:20], [n for n, _ in claims], REC.validation_sample)
    claimed = dict(claims)
    mismatches = count_mismatches([claimed[n] for n in sample], fn.distances(host, sample), T, REC.distance_tolerance_micro)
    return mismatches <= REC.max_sample_mismatches, mismatches


def test_unknown_config_names_the_known_ones():
    with pytest.raises(ValueError, match="devnet, paper, test"):
        get_config("huge")


def test_valid_rate_is_about_one_in_900(fp32_distances):
    valid = sum(1 for d in fp32_distances if d < T)
    assert N // 900 * 2 // 5 <= valid <= N // 900 * 2, valid  # expected 20, Poisson sd 4.5


def test_search_returns_exactly_the_valid_nonces_and_honours_an_explicit_threshold(fp32, fp32_distances):
    expected = [(n, d) for n, d in enumerate(fp32_distances) if d < T]
    assert fp32.search(HOST_A, 0, N, batch_size=1000) == expected
    looser = 1_200_000
    assert [n for n, _ in fp32.search(HOST_A, 0, 3000, threshold_micro=looser)] == [
        n for n, d in enumerate(fp32_distances[:3000]) if d < looser
    ]


def test_fp64_and_fp32_give_identical_decisions(fp32_distances):
    fp64 = SprintFunction(SEED, CONFIG, dtype=torch.float64).distances(HOST_A, range(N))
    assert [d < T for d in fp64] == [d < T for d in fp32_distances]
    assert max(abs(a - b) for a, b in zip(fp64, fp32_distances)) <= 2


def test_bf16_mismatch_rate_is_below_the_declared_bound(fp32_distances):
    bf16 = SprintFunction(SEED, CONFIG, dtype=torch.bfloat16).distances(HOST_A, range(N))
    s = summarise(fp32_distances, bf16, T)
    assert s["diff_max"] < REC.confirm_guard_micro
    assert s["shift_estimate"] <= BF16_UNCONFIRMED_MISMATCH_BOUND
    assert s["prover_valid_validator_invalid"] <= s["prover_valid"] * BF16_UNCONFIRMED_MISMATCH_BOUND + 2


def test_honest_bf16_prover_is_approved(fp32, fp32_distances):
    claims = SprintFunction(SEED, CONFIG, dtype=torch.bfloat16).search(HOST_A, 0, N)
    assert [n for n, _ in claims] == [n for n, d in enumerate(fp32_distances) if d < T]
    approve, mismatches = verdict(fp32, HOST_A, claims)
    assert approve and mismatches == 0


def test_fabricated_nonces_are_rejected(fp32, fp32_distances):
    honest = [(n, d) for n, d in enumerate(fp32_distances) if d < T]
    fabricated = [(n, T - 1_000) for n in range(N, N + REC.max_sample_mismatches + 1)]
    approve, mismatches = verdict(fp32, HOST_A, honest + fabricated)
    assert not approve and mismatches == len(fabricated)


def test_copied_nonces_valid_for_another_host_are_rejected(fp32, fp32_distances):
    copied = [(n, d) for n, d in enumerate(fp32_distances) if d < T]
    approve, mismatches = verdict(fp32, HOST_B, copied)
    assert not approve and mismatches >= len(copied) - 1



def test_search_reports_progress_per_batch_and_rejects_nonces_beyond_uint64(fp32):
    done = []
    fp32.search(HOST_A, 0, 1000, batch_size=300, progress=lambda n, found: done.append(n))
    assert done == [300, 600, 900, 1000]
    assert len(fp32.distances(HOST_A, [2**64 - 1])) == 1  # the last uint64 nonce is allowed
    with pytest.raises(ValueError, match="uint64"):
        fp32.search(HOST_A, 2**64 - 1, 2)
