"""The capacity-degrading greedy (docs/training.md §10; paper 000 §4.1): the §4.1.1 worked example,
equality with a brute-force O(M*N) CDA on random instances, capacity/exclusion/collateral rules,
determinism under shuffled inputs, and the naive greedy."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from chain.modules.training.fixed_point import ratio_pow_ppm
from chain.modules.training.scheduler import (HostSlot, QueuedJob, cda_assign, cda_order, naive_assign,
                                              protocol_utility_micro)

A, B = b"A" * 20, b"B" * 20


def _ref_cda(jobs, hosts, gamma_milli):
    """Brute force: jobs by Fraction(budget, load) desc then id; scan every host for the best score."""
    rem = {h.operator: h.remaining for h in hosts}
    col = {h.operator: h.free_collateral for h in hosts}
    out = []
    for job in sorted(jobs, key=lambda j: (-Fraction(j.budget, j.load), j.job_id)):
        best = None
        for h in hosts:
            if rem[h.operator] < job.load or col[h.operator] < job.min_collateral or h.operator in job.excluded:
                continue
            r = max(0, min(rem[h.operator], h.capacity))
            score = h.rep_ppm * ratio_pow_ppm(r, h.capacity, gamma_milli) if h.capacity > 0 else 0
            if best is None or score > best[0] or (score == best[0] and h.operator < best[1]):
                best = (score, h.operator)
        if best is not None:
            rem[best[1]] -= job.load
            col[best[1]] -= job.min_collateral
            out.append((job.job_id, best[1]))
    return out


def _ref_naive(jobs, hosts):
    rem = {h.operator: h.remaining for h in hosts}
    col = {h.operator: h.free_collateral for h in hosts}
    out = []
    for job in sorted(jobs, key=lambda j: (-j.budget, j.job_id)):
        fits = [h for h in hosts if rem[h.operator] >= job.load and col[h.operator] >= job.min_collateral
                and h.operator not in job.excluded]
        if fits:
            h = min(fits, key=lambda h: (-h.rep_ppm, h.operator))
            rem[h.operator] -= job.load
            col[h.operator] -= job.min_collateral
            out.append((job.job_id, h.operator))
    return out


def _random_instance(rng, m, n):
    ops = [rng.randbytes(rng.choice([1, 2, 20])) for _ in range(m)]
    ops = sorted(set(ops))
    hosts = []
    for op in ops:
        cap = rng.randint(0, 20)
        hosts.append(HostSlot(op, cap, rng.randint(0, cap), rng.choice([0, 500_000, rng.randint(0, 10**6)]),
                              rng.randint(0, 30)))
    jobs = []
    for jid in rng.sample(range(1000), n):
        excluded = tuple(rng.sample(ops, rng.randint(0, min(2, len(ops))))) if ops else ()
        jobs.append(QueuedJob(jid, rng.randint(0, 60), rng.randint(1, 12), rng.choice([0, 0, rng.randint(0, 15)]),
                              excluded))
    return jobs, hosts


def test_worked_example_paper_section_4_1_1_feasible():
    """Paper §4.1.1 with K_B = 6: j1 -> A, then A has 4 left < 6 so j2 -> B; U = 49.98 + 29.82 = 79.80.
    (The paper prints K_B = 5, which cannot hold j2's load 6: see the next test.)"""
    hosts = [HostSlot(A, 8, 8, 900_000, 0), HostSlot(B, 6, 6, 700_000, 0)]
    jobs = [QueuedJob(1, 50, 4), QueuedJob(2, 30, 6)]
    for gamma in (500, 1000, 2000):
        got = cda_assign(jobs, hosts, gamma)
        assert got == [(1, A), (2, B)]
        assert protocol_utility_micro(got, jobs, hosts) == 79_800_000
    assert naive_assign(jobs, hosts) == [(1, A), (2, B)]


def test_worked_example_paper_numbers_literally():
    """With the paper's literal K_B = 5 < L_2 = 6, the capacity constraint leaves j2 unassigned; the
    paper's stated assignment still has utility 79.80 under the utility formula."""
    hosts = [HostSlot(A, 8, 8, 900_000, 0), HostSlot(B, 5, 5, 700_000, 0)]
    jobs = [QueuedJob(1, 50, 4), QueuedJob(2, 30, 6)]
    assert cda_assign(jobs, hosts, 1000) == [(1, A)]
    assert protocol_utility_micro([(1, A), (2, B)], jobs, hosts) == 79_800_000
    assert protocol_utility_micro([(1, A)], jobs, hosts) == 49_980_000


def test_cda_equals_brute_force_on_random_instances():
    rng = random.Random(2026)
    for trial in range(400):
        jobs, hosts = _random_instance(rng, rng.randint(0, 12), rng.randint(0, 15))
        gamma = rng.choice([0, 500, 1000, 1500, 2000, 3000])
        assert cda_assign(jobs, hosts, gamma) == _ref_cda(jobs, hosts, gamma), trial
        assert naive_assign(jobs, hosts) == _ref_naive(jobs, hosts), trial


def test_cda_equals_brute_force_on_larger_instances():
    rng = random.Random(7)
    for _ in range(5):
        jobs, hosts = _random_instance(rng, 150, 200)
        assert cda_assign(jobs, hosts, 1000) == _ref_cda(jobs, hosts, 1000)


def _check_feasible(assignments, jobs, hosts):
    by_job = {j.job_id: j for j in jobs}
    rem = {h.operator: h.remaining for h in hosts}
    col = {h.operator: h.free_collateral for h in hosts}
    assert len({j for j, _ in assignments}) == len(assignments)
    for job_id, op in assignments:
        job = by_job[job_id]
        assert op not in job.excluded
        rem[op] -= job.load
        col[op] -= job.min_collateral
        assert rem[op] >= 0 and col[op] >= 0


def test_capacity_collateral_and_exclusions_respected():
    rng = random.Random(3)
    for _ in range(100):
        jobs, hosts = _random_instance(rng, 10, 20)
        _check_feasible(cda_assign(jobs, hosts, 1000), jobs, hosts)
        _check_feasible(naive_assign(jobs, hosts), jobs, hosts)


def test_excluded_and_underfunded_hosts_are_skipped():
    hosts = [HostSlot(A, 100, 100, 900_000, 10), HostSlot(B, 100, 100, 100_000, 1000)]
    assert cda_assign([QueuedJob(1, 10, 5, 0, (A,))], hosts, 1000) == [(1, B)]        # banned/excluded
    assert cda_assign([QueuedJob(1, 10, 5, 11)], hosts, 1000) == [(1, B)]             # stake condition
    assert cda_assign([QueuedJob(1, 10, 5, 1001)], hosts, 1000) == []                 # nobody has it
    assert cda_assign([QueuedJob(1, 10, 101)], hosts, 1000) == []                     # nobody fits
    assert cda_assign([QueuedJob(1, 10, 5, 0, (A, B))], hosts, 1000) == []
    assert naive_assign([QueuedJob(1, 10, 5, 11)], hosts) == [(1, B)]


def test_collateral_is_consumed_per_job():
    hosts = [HostSlot(A, 100, 100, 900_000, 25), HostSlot(B, 100, 100, 100_000, 0)]
    jobs = [QueuedJob(i, 10, 1, 10) for i in range(1, 4)]
    assert cda_assign(jobs, hosts, 0) == [(1, A), (2, A)]


def test_degradation_spreads_jobs():
    """Equal reputations: CDA moves to the fresher host once the first one's score degrades;
    gamma = 0 (no degradation) keeps the tie-break host."""
    hosts = [HostSlot(A, 10, 10, 800_000, 0), HostSlot(B, 10, 10, 800_000, 0)]
    jobs = [QueuedJob(1, 10, 2), QueuedJob(2, 10, 2)]
    assert cda_assign(jobs, hosts, 1000) == [(1, A), (2, B)]
    assert cda_assign(jobs, hosts, 0) == [(1, A), (2, A)]


def test_job_order_is_density_then_id():
    jobs = [QueuedJob(5, 10, 2), QueuedJob(3, 15, 3), QueuedJob(9, 100, 30), QueuedJob(1, 7, 1)]
    assert [j.job_id for j in cda_order(jobs)] == [1, 3, 5, 9]


def test_deterministic_under_shuffled_inputs():
    rng = random.Random(99)
    jobs, hosts = _random_instance(rng, 40, 60)
    want = cda_assign(jobs, hosts, 1500)
    want_naive = naive_assign(jobs, hosts)
    for _ in range(20):
        rng.shuffle(jobs)
        rng.shuffle(hosts)
        assert cda_assign(jobs, hosts, 1500) == want
        assert naive_assign(jobs, hosts) == want_naive


def test_empty_inputs():
    assert cda_assign([], [], 1000) == []
    assert cda_assign([QueuedJob(1, 1, 1)], [], 1000) == []
    assert naive_assign([], [HostSlot(A, 1, 1, 1, 0)]) == []


def test_invalid_inputs():
    with pytest.raises(ValueError):
        cda_assign([], [HostSlot(A, 1, 1, 1, 0), HostSlot(A, 2, 2, 1, 0)], 1000)
    with pytest.raises(ValueError):
        cda_assign([QueuedJob(1, 1, 0)], [], 1000)
    with pytest.raises(ValueError):
        cda_assign([QueuedJob(1, 1, 1), QueuedJob(1, 2, 1)], [], 1000)
    with pytest.raises(ValueError):
        protocol_utility_micro([(7, A)], [QueuedJob(1, 1, 1)], [HostSlot(A, 1, 1, 1, 0)])


def test_utility_is_exact_and_floored():
    hosts = [HostSlot(A, 1, 1, 999_999, 0)]
    jobs = [QueuedJob(1, 0, 1)]
    # -2 * (1e-6)^2 = -2e-12 -> floor to -1 micro
    assert protocol_utility_micro([(1, A)], jobs, hosts) == -1
    assert protocol_utility_micro([(1, A)], [QueuedJob(1, 3, 1)], hosts, beta_milli=500) == 1_499_999


def test_bench_compare_smoke():
    """bench/training_scheduler.compare (imported by bench/training.py) runs and reports both greedies."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[4] / "bench" / "training_scheduler.py"
    spec = importlib.util.spec_from_file_location("training_scheduler_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    row = bench.compare(60, 60, 3)
    assert row["m"] == row["n"] == 60 and 0 < row["cda_assigned"] <= 60 and 0 < row["naive_assigned"] <= 60
    assert row["cda_utility"] > 0 and row["naive_utility"] > 0 and row["cda_seconds"] >= 0
    assert bench.compare(60, 60, 3)["cda_utility"] == row["cda_utility"]       # seeded
