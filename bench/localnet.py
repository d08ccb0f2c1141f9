"""Localnet benchmark: time from `testnet init` to the first block and to height 10, and the memory
(RSS) of every process of an N-validator localnet on real CometBFT.

    python bench/localnet.py [--validators 4] [--block-time 500ms] [--no-workers] [--keep DIR]

Prints what one run measured; nothing here is a test or a threshold. Everything it starts is stopped
before it exits (also on Ctrl-C).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from abci_app.localnet_runner import Localnet  # noqa: E402
from abci_app.ports import find_port_range  # noqa: E402
from genesis.testnet import init_testnet  # noqa: E402


def pick_base_port(n: int) -> int:
    base = find_port_range([f"127.0.0.{i + 1}" for i in range(n)])
    if base is None:
        raise SystemExit("no free port range on 127.0.0.x")
    return base


def first_height_time(net: Localnet, height: int, t0: float, timeout: float) -> tuple[float, float]:
    """(seconds from t0 until ANY node, until EVERY node, had committed `height`)."""
    deadline = time.monotonic() + timeout
    any_at = None
    while True:
        heights = net.heights()
        now = time.monotonic()
        if any_at is None and max(heights) >= height:
            any_at = now - t0
        if min(heights) >= height:
            return any_at if any_at is not None else now - t0, now - t0
        if now > deadline:
            raise SystemExit(f"height {height} not reached within {timeout:.0f}s: {heights}")
        time.sleep(0.02)


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--validators", type=int, default=4)
    parser.add_argument("--block-time", default="500ms", help="timeout_commit (default %(default)s)")
    parser.add_argument("--no-workers", action="store_true", help="run sprintd + cometbft only")
    parser.add_argument("--keep", default=None, help="generate into this (new) directory and keep it")
    return parser.parse_args()


def measure(net: Localnet, t0: float, workers: bool) -> dict:
    """Start the processes as `testnet start` does, but time the first blocks ourselves."""
    for i in range(len(net)):
        net._check_ports_free(i)
    for i in range(len(net)):
        net._spawn(i, "node")
    for i in range(len(net)):
        net._wait_abci(i, 60)
    out = {"abci": time.monotonic() - t0}
    for i in range(len(net)):
        net._spawn(i, "cometbft")
    out["first"] = first_height_time(net, 1, t0, 90)
    if workers:
        for i in range(len(net)):
            net._spawn(i, "worker")
    out["ten"] = first_height_time(net, 10, t0, 120)
    h10_at = time.monotonic()
    net.wait_for_height(20, timeout=120)
    out["interval"] = (time.monotonic() - h10_at) / 10
    out["rss"], out["rows"] = net.process_rss(), net.status()
    return out


def print_rss(rss: list[dict]) -> None:
    """RSS per process, and totals per kind of process."""
    print("  RSS per process (VmRSS at height 20):")
    totals: dict[str, int] = {}
    for entry in rss:
        kb = entry["rss_kb"] or 0
        totals[entry["process"]] = totals.get(entry["process"], 0) + kb
        print(f"    node{entry['node']} {entry['process']:<9} pid {entry['pid']:<8} {kb / 1024:7.1f} MiB")
    for proc, kb in totals.items():
        count = sum(1 for e in rss if e["process"] == proc)
        print(f"  {proc:<9} total {kb / 1024:7.1f} MiB  ({kb / 1024 / count:.1f} MiB each)")
    print(f"  localnet total {sum(totals.values()) / 1024:7.1f} MiB")


def print_report(args: argparse.Namespace, t_init: float, m: dict) -> None:
    (first_any, first_all), (ten_any, ten_all), rows = m["first"], m["ten"], m["rows"]
    print(f"localnet: {args.validators} validators on 127.0.0.x, timeout_commit {args.block_time}, "
          f"{'no workers' if args.no_workers else 'with workers'}")
    print(f"  testnet init (keys, genesis, {args.validators} homes)   {t_init * 1000:8.0f} ms")
    print(f"  init -> every sprintd serving ABCI          {m['abci']:8.2f} s")
    print(f"  init -> first block (first node / all nodes) {first_any:7.2f} s / {first_all:.2f} s")
    print(f"  init -> height 10   (first node / all nodes) {ten_any:7.2f} s / {ten_all:.2f} s")
    print(f"  block interval, heights 10-20               {m['interval'] * 1000:8.0f} ms")
    hashes = {r["app_hash"] for r in rows}
    print(f"  app hashes at the end: {len(hashes)} distinct over {len(rows)} nodes "
          f"(heights {[r['height'] for r in rows]})")
    print_rss(m["rss"])


def main() -> int:
    args = _parse_args()
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sprint-bench-localnet-")) / "net"
    base = pick_base_port(args.validators)
    net = None
    try:
        t0 = time.monotonic()
        init_testnet(workdir, validators=args.validators, base_port=base, grpc_port=base + 3,
                     timeout_commit=args.block_time)
        t_init = time.monotonic() - t0
        net = Localnet(workdir)
        measured = measure(net, t0, workers=not args.no_workers)
    finally:
        if net is not None:
            net.stop()
        if not args.keep:
            shutil.rmtree(workdir.parent, ignore_errors=True)
    print_report(args, t_init, measured)
    return 0


if __name__ == "__main__":
    sys.exit(main())
