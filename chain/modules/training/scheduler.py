"""Job scheduling (docs/training.md §10; paper 000 §4.1): the capacity-degrading greedy (CDA) with the
paper's range-max structure, the naive greedy kept for comparison, and the protocol utility.

CDA: queued jobs in order of budget / load descending (cross products; ties by job id ascending);
each goes to the eligible host with the highest effective score
    EffScore = rep_ppm * ratio_pow_ppm(remaining, capacity, gamma)      (ppm x ppm, an integer)
(ties: lower operator bytes), eligible = remaining >= load, free_collateral >= the job's
min_collateral, operator not in the job's `excluded`. The host's remaining drops by the load and its
free collateral by min_collateral, so its score degrades. A job no host can take is skipped.

Data structure: hosts are leaves of a segment tree in capacity order (capacity, then operator);
each node stores the max key (score * n + tie-break rank, unique), the max remaining capacity and
the max free collateral of its subtree. A query descends best-key-first and prunes any subtree
whose max remaining < load, max collateral < min_collateral or max key <= the best leaf found so
far; excluded leaves are skipped. An assignment updates one leaf and its O(log n) ancestors; a
host that can no longer hold any job still to come (remaining or collateral below the minimum of
the later jobs) leaves the tree. Capacity order makes the remaining-capacity pruning cut whole
ranges of small hosts; the descent is not O(log n) in the worst case (hosts with a high score but
too little remaining capacity are visited), measured by bench/training_scheduler.py: M = N =
10,000 take about 1.5 s of CPU with gamma = 1 and 6 s with gamma = 0 (no degradation).

The naive greedy (jobs by budget descending, each to the highest-reputation host that fits, no
degradation) scans the hosts in reputation order for every job: O(M * N) in the worst case.

Everything is deterministic: inputs are re-sorted here (hosts by operator, jobs by the order key),
so their order does not matter. Duplicate operators or job ids are a ValueError.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key

from chain.modules.training.fixed_point import ratio_pow_ppm

PPM = 1_000_000


@dataclass(frozen=True)
class HostSlot:
    """A schedulable host: capacity K (GFLOP), remaining capacity, reputation score (ppm) and the
    collateral it can still lock."""

    operator: bytes
    capacity: int
    remaining: int
    rep_ppm: int
    free_collateral: int


@dataclass(frozen=True)
class QueuedJob:
    """A queued job: its budget, load (GFLOP, >= 1), required collateral and excluded operators."""

    job_id: int
    budget: int
    load: int
    min_collateral: int = 0
    excluded: tuple[bytes, ...] = ()


def effective_score(rep_ppm: int, remaining: int, capacity: int, gamma_milli: int) -> int:
    """Rep x (remaining / capacity)^gamma in ppm x ppm (remaining clamped to [0, capacity];
    0 for a host of capacity 0)."""
    if capacity <= 0:
        return 0
    return rep_ppm * ratio_pow_ppm(max(0, min(remaining, capacity)), capacity, gamma_milli)


def _sorted_hosts(hosts) -> list[HostSlot]:
    out = sorted(hosts, key=lambda h: bytes(h.operator))
    for i in range(1, len(out)):
        if bytes(out[i].operator) == bytes(out[i - 1].operator):
            raise ValueError(f"duplicate host {bytes(out[i].operator).hex()}")
    return out


def _check_jobs(jobs) -> list[QueuedJob]:
    out = sorted(jobs, key=lambda j: j.job_id)
    for i, job in enumerate(out):
        if job.load < 1 or job.budget < 0 or job.min_collateral < 0:
            raise ValueError(f"job {job.job_id}: need load >= 1, budget >= 0, min_collateral >= 0")
        if i and out[i - 1].job_id == job.job_id:
            raise ValueError(f"duplicate job id {job.job_id}")
    return out


def _density_cmp(a: QueuedJob, b: QueuedJob) -> int:
    left, right = a.budget * b.load, b.budget * a.load
    if left != right:
        return -1 if left > right else 1
    return -1 if a.job_id < b.job_id else (1 if a.job_id > b.job_id else 0)


def cda_order(jobs) -> list[QueuedJob]:
    """Jobs by budget / load descending (compared as cross products), ties by job id ascending."""
    return sorted(_check_jobs(jobs), key=cmp_to_key(_density_cmp))


class _HostTree:
    """Segment tree over hosts in capacity order: per node max key, max remaining, max collateral."""

    def __init__(self, hosts: list[HostSlot], gamma_milli: int):
        n = len(hosts)
        self.gamma = gamma_milli
        self.n = n
        self.hosts = hosts                                     # sorted by operator: index = rank
        self.order = sorted(range(n), key=lambda r: (hosts[r].capacity, bytes(hosts[r].operator)))
        self.order_pos = [0] * n                               # rank -> leaf position
        for pos, rank in enumerate(self.order):
            self.order_pos[rank] = pos
        self.size = 1
        while self.size < max(n, 1):
            self.size *= 2
        self.key = [-1] * (2 * self.size)
        self.rem = [-1] * (2 * self.size)
        self.col = [-1] * (2 * self.size)
        self.remaining = [h.remaining for h in hosts]
        self.collateral = [h.free_collateral for h in hosts]
        for pos, rank in enumerate(self.order):
            self._set_leaf(pos, rank)
        for node in range(self.size - 1, 0, -1):
            self._pull(node)

    def _set_leaf(self, pos: int, rank: int) -> None:
        h = self.hosts[rank]
        score = effective_score(h.rep_ppm, self.remaining[rank], h.capacity, self.gamma)
        leaf = self.size + pos
        self.key[leaf] = score * self.n + (self.n - 1 - rank)
        self.rem[leaf] = self.remaining[rank]
        self.col[leaf] = self.collateral[rank]

    def _pull(self, node: int) -> None:
        left, right = 2 * node, 2 * node + 1
        key, rem, col = self.key, self.rem, self.col
        key[node] = key[left] if key[left] > key[right] else key[right]
        rem[node] = rem[left] if rem[left] > rem[right] else rem[right]
        col[node] = col[left] if col[left] > col[right] else col[right]

    def find(self, load: int, min_col: int, excluded) -> int:
        """The rank of the best eligible host, or -1: best-key-first descent; a child is pushed
        only if it can hold an eligible leaf better than the best found so far."""
        key, rem, col, size = self.key, self.rem, self.col, self.size
        if rem[1] < load or col[1] < min_col:
            return -1
        best_key, best_pos = -1, -1
        stack = [1]
        while stack:
            node = stack.pop()
            if key[node] <= best_key:
                continue
            if node >= size:
                pos = node - size
                if not excluded or bytes(self.hosts[self.order[pos]].operator) not in excluded:
                    best_key, best_pos = key[node], pos
                continue
            left = 2 * node
            right = left + 1
            ok_left = rem[left] >= load and col[left] >= min_col and key[left] > best_key
            ok_right = rem[right] >= load and col[right] >= min_col and key[right] > best_key
            if ok_left and ok_right:
                stack.extend((right, left) if key[left] > key[right] else (left, right))
            elif ok_left:
                stack.append(left)
            elif ok_right:
                stack.append(right)
        return -1 if best_pos < 0 else self.order[best_pos]

    def retire(self, rank: int) -> None:
        """Remove host `rank` from the tree (it can never take another job)."""
        pos = self.order_pos[rank]
        leaf = self.size + pos
        self.key[leaf] = self.rem[leaf] = self.col[leaf] = -1
        self._refresh(leaf // 2)

    def _refresh(self, node: int) -> None:
        while node:
            self._pull(node)
            node //= 2

    def take(self, rank: int, load: int, collateral: int) -> None:
        """Charge `load` and `collateral` to host `rank` and refresh its path to the root."""
        self.remaining[rank] -= load
        self.collateral[rank] -= collateral
        pos = self.order_pos[rank]
        self._set_leaf(pos, rank)
        self._refresh((self.size + pos) // 2)


def _suffix_minima(jobs: list[QueuedJob]) -> tuple[list[int], list[int]]:
    """min load and min collateral of jobs[i:] for every i (an extra entry past the end)."""
    big = 1 << 256
    loads, cols = [big] * (len(jobs) + 1), [big] * (len(jobs) + 1)
    for i in range(len(jobs) - 1, -1, -1):
        loads[i] = min(loads[i + 1], jobs[i].load)
        cols[i] = min(cols[i + 1], jobs[i].min_collateral)
    return loads, cols


def cda_assign(jobs, hosts, gamma_milli: int) -> list[tuple[int, bytes]]:
    """The capacity-degrading greedy: [(job_id, operator)] in assignment order (module docstring).
    A host that can no longer hold any of the jobs still to come leaves the tree (a shortcut only:
    it could never be chosen again)."""
    if gamma_milli < 0:
        raise ValueError(f"gamma must be >= 0, got {gamma_milli}")
    tree = _HostTree(_sorted_hosts(hosts), gamma_milli)
    order = cda_order(jobs)
    min_load, min_col = _suffix_minima(order)
    out: list[tuple[int, bytes]] = []
    for i, job in enumerate(order):
        excluded = frozenset(bytes(op) for op in job.excluded)
        rank = tree.find(job.load, job.min_collateral, excluded)
        if rank < 0:
            continue
        tree.take(rank, job.load, job.min_collateral)
        if tree.remaining[rank] < min_load[i + 1] or tree.collateral[rank] < min_col[i + 1]:
            tree.retire(rank)
        out.append((job.job_id, bytes(tree.hosts[rank].operator)))
    return out


def naive_assign(jobs, hosts) -> list[tuple[int, bytes]]:
    """The naive greedy kept for comparison: jobs by budget descending (ties by job id), each to the
    highest-reputation host that fits (remaining, collateral, not excluded; ties: lower operator),
    by a linear scan and without any degradation of the score. [(job_id, operator)]."""
    order = sorted(_check_jobs(jobs), key=lambda j: (-j.budget, j.job_id))
    pool = sorted(_sorted_hosts(hosts), key=lambda h: -h.rep_ppm)     # stable: operator order kept
    remaining = [h.remaining for h in pool]
    collateral = [h.free_collateral for h in pool]
    min_load = min((j.load for j in order), default=0)
    live = [i for i in range(len(pool)) if remaining[i] >= min_load]
    out: list[tuple[int, bytes]] = []
    for job in order:
        excluded = frozenset(bytes(op) for op in job.excluded)
        for pos, i in enumerate(live):
            if remaining[i] >= job.load and collateral[i] >= job.min_collateral \
                    and bytes(pool[i].operator) not in excluded:
                remaining[i] -= job.load
                collateral[i] -= job.min_collateral
                out.append((job.job_id, bytes(pool[i].operator)))
                if remaining[i] < min_load:          # can never fit a job again: stop scanning it
                    del live[pos]
                break
    return out


def protocol_utility_micro(assignments, jobs, hosts, beta_milli: int = 1000, alpha_pen_milli: int = 2000) -> int:
    """U = sum over assignments of beta * B_j - alpha_pen * (1 - Rep_i)^2 (paper 000 §4.1), x 10^6:
    floor(sum(beta_milli * B * 10^12 - alpha_pen_milli * (10^6 - rep_ppm)^2) / 10^9), exact."""
    budget = {j.job_id: j.budget for j in jobs}
    rep = {bytes(h.operator): h.rep_ppm for h in hosts}
    total = 0
    for job_id, operator in assignments:
        if job_id not in budget or bytes(operator) not in rep:
            raise ValueError(f"assignment ({job_id}, {bytes(operator).hex()}) names an unknown job or host")
        miss = PPM - rep[bytes(operator)]
        total += beta_milli * budget[job_id] * 10**12 - alpha_pen_milli * miss * miss
    return total // 10**9
