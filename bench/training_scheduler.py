"""Scheduler benchmark: the capacity-degrading greedy (CDA, chain/modules/training/scheduler.py) against
the naive greedy on seeded synthetic instances, utility and wall time (paper 000 §4.1, Figure 3).

    python bench/training_scheduler.py [--sizes 100,1000,10000] [--seed 1] [--gamma-milli 1000]

Rows: M = N at each size; then, at the largest size N, M = N / 10 hosts of capacity up to 1000
(each holds ~10 jobs); then M = N with gamma = 0 (no degradation: only the job order differs).

Instance (random.Random(seed)): M hosts with capacity uniform in [1, 100], remaining = capacity,
reputation uniform in [0, 10^6] ppm, free collateral uniform in [0, 2000]; N jobs with load uniform
in [1, 100], budget uniform in [1, 100] and required collateral = budget. Demand roughly equals
capacity, so packing matters. Times are wall and CPU seconds of this process. Utility = sum of beta * B_j - alpha_pen * (1 - Rep_i)^2 (beta = 1,
alpha_pen = 2, as in the paper's example). Prints what one run measured; nothing here is a test.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chain.modules.training.scheduler import (HostSlot, QueuedJob, cda_assign, naive_assign,  # noqa: E402
                                              protocol_utility_micro)


def make_instance(m: int, n: int, seed: int, capacity_max: int = 100) -> tuple[list[QueuedJob], list[HostSlot]]:
    """A seeded synthetic instance: (jobs, hosts) as described in the module docstring (host
    capacity uniform in [1, capacity_max])."""
    rng = random.Random(seed)
    hosts, seen = [], set()
    while len(hosts) < m:
        op = rng.randbytes(20)
        if op in seen:
            continue
        seen.add(op)
        cap = rng.randint(1, capacity_max)
        hosts.append(HostSlot(op, cap, cap, rng.randint(0, 10**6), rng.randint(0, 2000)))
    jobs = []
    for job_id in range(1, n + 1):
        budget = rng.randint(1, 100)
        jobs.append(QueuedJob(job_id, budget, rng.randint(1, 100), budget))
    return jobs, hosts


def _timed(fn, *args):
    """fn(*args), its wall seconds and this process's CPU seconds (the machine may be shared)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def compare(m: int, n: int, seed: int, gamma_milli: int = 1000, capacity_max: int = 100) -> dict:
    """Run CDA and the naive greedy on one instance: utilities (units of budget), the ratio
    CDA / naive, jobs assigned and wall seconds of each."""
    jobs, hosts = make_instance(m, n, seed, capacity_max)
    cda, cda_s, cda_cpu = _timed(cda_assign, jobs, hosts, gamma_milli)
    naive, naive_s, naive_cpu = _timed(naive_assign, jobs, hosts)
    u_cda = protocol_utility_micro(cda, jobs, hosts)
    u_naive = protocol_utility_micro(naive, jobs, hosts)
    return {
        "m": m, "n": n, "seed": seed, "gamma_milli": gamma_milli, "capacity_max": capacity_max,
        "cda_utility": u_cda / 1e6, "naive_utility": u_naive / 1e6,
        "utility_ratio": u_cda / u_naive if u_naive else float("nan"),
        "cda_assigned": len(cda), "naive_assigned": len(naive),
        "cda_seconds": cda_s, "naive_seconds": naive_s, "cda_cpu_seconds": cda_cpu, "naive_cpu_seconds": naive_cpu,
    }


def print_table(rows: list[dict]) -> None:
    """A rich table of compare() results."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Scheduler: CDA vs naive greedy (utility = sum beta*B - alpha*(1-Rep)^2)")
    for col in ("M hosts", "N jobs", "K max", "gamma", "U CDA", "U naive", "CDA/naive", "assigned CDA/naive",
                "CDA s (cpu)", "naive s (cpu)"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(f"{r['m']:,}", f"{r['n']:,}", f"{r['capacity_max']:,}", f"{r['gamma_milli'] / 1000:g}", f"{r['cda_utility']:,.2f}", f"{r['naive_utility']:,.2f}",
                      f"{r['utility_ratio']:.4f}", f"{r['cda_assigned']:,}/{r['naive_assigned']:,}",
                      f"{r['cda_seconds']:.2f} ({r['cda_cpu_seconds']:.2f})",
                      f"{r['naive_seconds']:.2f} ({r['naive_cpu_seconds']:.2f})")
    Console(width=140).print(table)


def main(argv: list[str] | None = None) -> None:
    """CLI: compare CDA and naive at each size and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,10000", help="comma-separated M = N values")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gamma-milli", type=int, default=1000)
    args = ap.parse_args(argv)
    rows = [compare(size, size, args.seed, args.gamma_milli) for size in map(int, args.sizes.split(","))]
    # Hosts that each hold ~10 jobs (demand ~ capacity), and no degradation (gamma = 0) at the largest
    # size, to separate the effect of the job order from that of the degrading score.
    largest = max(map(int, args.sizes.split(",")))
    rows.append(compare(max(1, largest // 10), largest, args.seed, args.gamma_milli, capacity_max=1000))
    rows.append(compare(largest, largest, args.seed, 0))
    print_table(rows)


if __name__ == "__main__":
    main()
