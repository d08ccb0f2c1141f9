"""Hostile load: block rate, honest-send latency and query latency of one node, idle vs under attack.

    python bench/hostile_load.py [--seconds 20] [--streams 200] [--scale 1.0] [--attacks rpc,grpc,...]

Starts its own single-validator devnet (sprintd + cometbft, no worker) on free loopback ports in a
temp dir, then runs two phases of --seconds each:

  idle     honest signed bank sends at a low steady rate (CometBFT RPC broadcast_tx_sync) and
           gRPC Balance queries;
  hostile  the same, plus at once: garbage and oversized txs via CometBFT RPC and gRPC BroadcastTx
           (random bytes, truncated txs, gas_limit 2^63, 300 KB txs), a Simulate flood of a valid
           tx from several threads, --streams open Events/SubscribeBlocks streams, and Blobs/Put of
           random data from unknown (unsigned) uploaders.

Every attacker is rate-limited (requests/s printed; --scale multiplies the rates) so the node's
resilience is measured, not the GIL of this process. Prints idle vs hostile with their ratio and
the requests and status codes of every attack. Every loop is bounded in count and time, the run
stops by itself (about 2 x --seconds + startup) and everything it started is stopped, also on
Ctrl-C. Nothing here is a test or a threshold; the "aim" column is the issue's target.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

# A bench module named like a top-level package (e.g. `sprint`) would shadow it: drop bench/ from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cosmpy.protos  # noqa: E402,F401
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402

from abci_app.client import NodeClient  # noqa: E402
from bench._devnet import throwaway_devnet  # noqa: E402
from bench._hostile_attacks import Attack, GarbageTxs  # noqa: E402
from bench._hostile_report import Phase, Snapshot, console, phase_metrics, print_report  # noqa: E402
from bench._hostile_traffic import (  # noqa: E402
    ATTACKS, CALL_DEADLINE, CHAIN_ID, FEE, GAS, GRACE_SECONDS, HONEST, MALLORY, SIM, Account, BlockWatcher,
    HonestTraffic, ResourceSampler,
)
from chain.tx.builder import TxSpec, build_signed_tx, msg_send  # noqa: E402


# ------------------------------------------------------------------ phases

def run_phase(name: str, seconds: float, devnet, threads: list[threading.Thread], stop: threading.Event,
              watcher: BlockWatcher, traffic: HonestTraffic, progress: Progress, attack: Attack | None = None) -> Phase:
    """Run `threads` for `seconds` with a progress bar; readings are taken as the load stops."""
    task = progress.add_task(name, total=seconds)
    before = Snapshot.take(devnet)
    for t in threads:
        t.start()
    try:
        for _ in range(int(seconds / 0.25) + 2):
            elapsed = time.monotonic() - before.mono
            if elapsed >= seconds:
                break
            devnet.check_alive()
            progress.update(task, completed=elapsed, description=_progress_text(name, watcher, traffic))
            time.sleep(min(0.25, seconds - elapsed))
        after = Snapshot.take(devnet)
    finally:
        stop.set()
        deadline = time.monotonic() + CALL_DEADLINE + 5
        for t in threads:
            t.join(timeout=max(0.1, deadline - time.monotonic()))
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:
            console.print(f"[yellow]{len(stuck)} load threads still busy {CALL_DEADLINE + 5:g} s after the "
                          f"{name} phase (left to their deadlines): {', '.join(stuck)}[/]")
    progress.update(task, completed=seconds, description=_progress_text(name, watcher, traffic))
    return Phase(name, seconds, before, after, attack)


def _progress_text(name: str, watcher: BlockWatcher, traffic: HonestTraffic) -> str:
    sent = [h for h, (phase, _) in list(traffic.sent_at.items()) if phase == name]
    done = sum(1 for h in sent if h in watcher.committed_at)
    return f"{name:8s} height {watcher.height:4d}  honest sends committed {done}/{len(sent)}"


def wait_for_commits(phase: str, watcher: BlockWatcher, traffic: HonestTraffic) -> None:
    """Give a phase's accepted honest sends up to GRACE_SECONDS to show up in a block."""
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        pending = [h for h, (p, _) in list(traffic.sent_at.items()) if p == phase and h not in watcher.committed_at]
        if not pending:
            return
        time.sleep(0.1)


# ------------------------------------------------------------------ main

def prepare(devnet, keys: dict) -> tuple[dict[str, Account], str, bytes]:
    """Account numbers from the node, a sink address and a valid signed tx for Simulate."""
    from chain.tx.crypto import SigningKey

    with NodeClient(devnet.grpc_address) as client:
        accounts = {}
        for name, key in keys.items():
            info = client.account(key.bech32)
            accounts[name] = Account(key, info.account_number, info.sequence)
        sink = SigningKey(b"\xee" * 32).bech32
        sim = accounts[SIM]
        simulate_tx = build_signed_tx(sim.key, TxSpec([msg_send(sim.key.bech32, sink, 1)], CHAIN_ID, sim.number,
                                                      sim.sequence, gas_limit=GAS, fee_amount=FEE))
        client.simulate(simulate_tx)  # raises if the "valid" tx is not
    return accounts, sink, simulate_tx


def run_bench(args, devnet, keys: dict) -> tuple:
    """Idle phase, then hostile phase; returns what print_report needs."""
    accounts, sink, simulate_tx = prepare(devnet, keys)
    watcher = BlockWatcher(devnet.rpc_url, max_seconds=2 * args.seconds + 4 * GRACE_SECONDS + 60)
    sampler = ResourceSampler(devnet.node.pid, devnet.cometbft.pid, max_seconds=watcher.max_seconds)
    traffic = HonestTraffic(devnet.rpc_url, devnet.grpc_address, [accounts[n] for n in HONEST], sink)
    watcher.start()
    sampler.start()
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as progress:
            stop = threading.Event()
            idle = run_phase("idle", args.seconds, devnet, traffic.threads("idle", stop, args.seconds), stop,
                             watcher, traffic, progress)
            wait_for_commits("idle", watcher, traffic)
            stop = threading.Event()
            attack = Attack(devnet.rpc_url, devnet.grpc_address, stop, args.seconds, args.scale,
                            frozenset(args.attacks))
            threads = traffic.threads("hostile", stop, args.seconds)
            threads += attack.threads(GarbageTxs(accounts[MALLORY], sink), simulate_tx, args.streams)
            hostile = run_phase("hostile", args.seconds, devnet, threads, stop, watcher, traffic, progress, attack)
            wait_for_commits("hostile", watcher, traffic)
    finally:
        watcher.stop_event.set()
        sampler.stop_event.set()
    metrics = [phase_metrics(p, watcher, traffic) for p in (idle, hostile)]
    for m, p in zip(metrics, (idle, hostile)):
        m["rss_peak"] = sampler.peak(p.before.mono, p.after.mono, 1)
    return hostile, metrics[0], metrics[1], Counter(traffic.rejected)


def _bench_or_show_logs(args, devnet, keys: dict) -> tuple:
    """run_bench; when sprintd or cometbft dies, print their last log lines before the home goes."""
    from abci_app.devnet_runner import DevnetError, tail

    try:
        return run_bench(args, devnet, keys)
    except DevnetError:
        for log in (devnet.node_log, devnet.cometbft_log):
            console.print(f"--- last lines of {log.name}:", markup=False)
            for line in tail(log, 15):
                console.print(f"    {line}", markup=False, highlight=False)
        raise


def _sigterm_as_interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase (default 20)")
    parser.add_argument("--streams", type=int, default=200, help="SubscribeBlocks streams to hold open")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every attacker's request rate")
    parser.add_argument("--attacks", default=",".join(ATTACKS),
                        help=f"comma-separated subset of {','.join(ATTACKS)} (default: all at once)")
    args = parser.parse_args()
    args.attacks = {a.strip() for a in args.attacks.split(",") if a.strip()}
    if not args.attacks <= set(ATTACKS):
        parser.error(f"unknown --attacks {sorted(args.attacks - set(ATTACKS))}: choose from {','.join(ATTACKS)}")
    if not 1 <= args.seconds <= 600 or not 0 <= args.streams <= 5000 or not 0 < args.scale <= 20:
        parser.error("use 1 <= --seconds <= 600, 0 <= --streams <= 5000 and 0 < --scale <= 20")
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    from abci_app.devnet_runner import DevnetError

    try:
        console.print(f"starting a single-validator devnet (sprintd + cometbft) for {2 * args.seconds:g} s of load ...")
        with throwaway_devnet([*HONEST, SIM, MALLORY], CHAIN_ID) as (_info, devnet, keys):
            console.print(f"devnet up: RPC {devnet.rpc_url}, gRPC {devnet.grpc_address}, "
                          f"sprintd pid {devnet.node.pid}, cometbft pid {devnet.cometbft.pid}")
            hostile, idle_m, hostile_m, rejected = _bench_or_show_logs(args, devnet, keys)
    except KeyboardInterrupt:
        console.print("interrupted: the devnet was stopped and its temp home removed")
        return 130
    except DevnetError as err:
        console.print(f"[red]the devnet failed: {err}[/]")
        return 1
    print_report(hostile, idle_m, hostile_m, args.streams, rejected)
    return 0


if __name__ == "__main__":
    sys.exit(main())