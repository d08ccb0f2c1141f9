"""Hostile load bench, the report: resource snapshots, one phase's metrics and the idle vs hostile
tables. Used by bench/hostile_load.py."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from bench._devnet import cpu_seconds, dir_bytes, rss_bytes
from bench._hostile_attacks import Attack
from bench._hostile_traffic import (
    HONEST, HONEST_RATE, QUERY_DEADLINE, QUERY_RATE, STREAM_CHANNELS, BlockWatcher, HonestTraffic, MiB,
)

console = Console(width=None if sys.stdout.isatty() else 150)


@dataclass
class Snapshot:
    """Resource readings at one moment."""

    mono: float
    wall: float
    rss_node: int
    rss_comet: int
    cpu_node: float
    cpu_comet: float
    cpu_bench: float
    blob_bytes: int
    load_1min: float

    @classmethod
    def take(cls, devnet) -> "Snapshot":
        node, comet = devnet.node.pid, devnet.cometbft.pid
        return cls(time.monotonic(), time.time(), rss_bytes(node) or 0, rss_bytes(comet) or 0,
                   cpu_seconds(node) or 0.0, cpu_seconds(comet) or 0.0, time.process_time(),
                   dir_bytes(devnet.home / "data" / "blobs"), os.getloadavg()[0])


@dataclass
class Phase:
    name: str
    seconds: float
    before: Snapshot
    after: Snapshot
    attack: Attack | None = None


# ------------------------------------------------------------------ report

def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-len(ordered) * q // 100) - 1))]


def phase_metrics(phase: Phase, watcher: BlockWatcher, traffic: HonestTraffic) -> dict:
    """The numbers one phase is judged by."""
    b, a = phase.before, phase.after
    sent = {h: t for h, (p, t) in list(traffic.sent_at.items()) if p == phase.name}
    latencies = [watcher.committed_at[h] - t for h, t in sent.items() if h in watcher.committed_at]
    queries = traffic.queries.get(phase.name, [])
    query_s = [s for s, _ in queries]
    cpu = lambda used: 100 * used / max(a.mono - b.mono, 1e-9)  # noqa: E731 - % of one core
    return {
        "blocks_per_s": watcher.blocks_between(b.wall, a.wall) / (a.wall - b.wall),
        "honest": (len(latencies), len(sent), sum(n for (p, _), n in traffic.rejected.items() if p == phase.name)),
        "lat_p50": percentile(latencies, 50), "lat_p99": percentile(latencies, 99),
        "q_p50": percentile(query_s, 50), "q_p99": percentile(query_s, 99),
        "q_failed": (sum(1 for _, o in queries if o != "OK"), len(queries)),
        "q_outcomes": Counter(o for _, o in queries),
        "rss_node": (b.rss_node, a.rss_node), "rss_comet": (b.rss_comet, a.rss_comet),
        "cpu": (cpu(a.cpu_node - b.cpu_node), cpu(a.cpu_comet - b.cpu_comet), cpu(a.cpu_bench - b.cpu_bench)),
        "blob_bytes": a.blob_bytes, "load": a.load_1min,
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{1000 * value:.1f}"


def _ratio(idle: float | None, hostile: float | None) -> str:
    if idle is None or hostile is None or idle == 0:
        return "-"
    return f"{hostile / idle:.0%}"


def _mib(value: int) -> str:
    return f"{value / MiB:.1f}"


def _met(ok: bool | None) -> str:
    return "" if ok is None else ("[green]met[/]" if ok else "[red]missed[/]")


def summary_table(idle: dict, hostile: dict) -> Table:
    table = Table(title="one node, idle vs hostile (same run)")
    for col in ("what", "idle", "hostile", "hostile / idle", "aim", ""):
        table.add_column(col, justify="left" if col in ("what", "aim") else "right")
    bps_ok = hostile["blocks_per_s"] >= 0.8 * idle["blocks_per_s"] if idle["blocks_per_s"] else None
    q99 = hostile["q_p99"]
    table.add_row("committed blocks/s", f"{idle['blocks_per_s']:.2f}", f"{hostile['blocks_per_s']:.2f}",
                  _ratio(idle["blocks_per_s"], hostile["blocks_per_s"]), ">= 80% of idle", _met(bps_ok))
    table.add_row("honest sends committed / accepted (rejected)", *(
        f"{m['honest'][0]}/{m['honest'][1]} ({m['honest'][2]})" for m in (idle, hostile)), "", "", "")
    for label, key in (("honest broadcast->commit p50 ms", "lat_p50"), ("honest broadcast->commit p99 ms", "lat_p99"),
                       ("gRPC Balance query p50 ms", "q_p50")):
        table.add_row(label, _ms(idle[key]), _ms(hostile[key]), _ratio(idle[key], hostile[key]), "", "")
    table.add_row("gRPC Balance query p99 ms", _ms(idle["q_p99"]), _ms(q99), _ratio(idle["q_p99"], q99),
                  "<= 50 ms", _met(None if q99 is None else q99 <= 0.05))
    table.add_row("gRPC queries failed / sent", *(f"{m['q_failed'][0]}/{m['q_failed'][1]}" for m in (idle, hostile)),
                  "", "", "")
    for label, key in (("sprintd RSS start -> end MiB", "rss_node"), ("cometbft RSS start -> end MiB", "rss_comet")):
        table.add_row(label, *(f"{_mib(m[key][0])} -> {_mib(m[key][1])}" for m in (idle, hostile)), "", "", "")
    growth = [m["rss_node"][1] - m["rss_node"][0] for m in (idle, hostile)]
    table.add_row("sprintd RSS growth MiB", f"{growth[0] / MiB:+.1f}", f"{growth[1] / MiB:+.1f}", "", "", "")
    table.add_row("sprintd RSS peak MiB", _mib(idle["rss_peak"]), _mib(hostile["rss_peak"]),
                  _ratio(idle["rss_peak"], hostile["rss_peak"]), "", "")
    table.add_row("blobs on disk at phase end MiB", _mib(idle["blob_bytes"]), _mib(hostile["blob_bytes"]), "", "", "")
    table.add_row("CPU % of a core: sprintd / cometbft / bench",
                  *(" / ".join(f"{c:.0f}" for c in m["cpu"]) for m in (idle, hostile)), "", "", "")
    table.add_row(f"machine load average (1 min, {os.cpu_count()} cores) at phase end",
                  f"{idle['load']:.1f}", f"{hostile['load']:.1f}", "", "", "")
    return table


def attack_table(phase: Phase) -> Table:
    attack = phase.attack
    table = Table(title=f"hostile phase: attacks ({phase.seconds:g} s, at once)")
    for col in ("attack", "requests", "req/s sent", "outcomes (status or CheckTx code: count)"):
        table.add_column(col, justify="right" if col.startswith("req") else "left")
    seconds = phase.after.mono - phase.before.mono
    details = dict(attack.tallies.details)
    for row, outcomes in sorted(attack.tallies.snapshot().items()):
        total = sum(outcomes.values())
        text = ", ".join(f"{o}: {n}" + (f" ({details[(row, o)]})" if (row, o) in details else "")
                         for o, n in outcomes.most_common())
        rate = "-" if row.startswith("SubscribeBlocks") else f"{total / seconds:.1f}"
        table.add_row(row, str(total), rate, text)
    return table


def print_report(hostile_phase: Phase, idle: dict, hostile: dict, streams: int, rejected: Counter) -> None:
    attack = hostile_phase.attack
    console.print(summary_table(idle, hostile))
    console.print(attack_table(hostile_phase))
    paced_rates = ", ".join(f"{k} {v:g}/s" for k, v in attack.rates().items()) or "-"
    streams = streams if "streams" in attack.kinds else 0
    console.print(f"attackers were paced at: {paced_rates}; {streams} streams over {STREAM_CHANNELS} "
                  f"connections ({attack.stream_messages} block messages received on them); "
                  f"{attack.blob_bytes_sent / MiB:.1f} MiB of blob data offered")
    console.print(f"honest load in both phases: {len(HONEST)} accounts x {HONEST_RATE:g} sends/s via CometBFT RPC, "
                  f"{QUERY_RATE:g} gRPC Balance queries/s (deadline {QUERY_DEADLINE:g} s); "
                  f"query outcomes under attack: {dict(hostile['q_outcomes'])}")
    busy = max(idle["load"], hostile["load"])
    if busy > (os.cpu_count() or 1):
        console.print(f"[yellow]the machine was busy with other work (load average {busy:.1f} on {os.cpu_count()} "
                      "cores): latencies and block rates include that contention[/]")
    if rejected:
        console.print(f"honest sends CheckTx refused (phase, outcome): {dict(rejected)}")
