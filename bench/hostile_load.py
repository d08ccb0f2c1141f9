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
import asyncio
import base64
import os
import random
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# A bench module named like a top-level package (e.g. `sprint`) would shadow it: drop bench/ from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cosmpy.protos  # noqa: E402,F401
import grpc  # noqa: E402
from cosmos.auth.v1beta1 import auth_pb2, query_pb2 as auth_query  # noqa: E402
from cosmos.tx.v1beta1 import service_pb2 as tx_service, service_pb2_grpc as tx_grpc  # noqa: E402
from google.protobuf.message import DecodeError  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402
from rich.table import Table  # noqa: E402

from abci_app.client import NodeClient, NodeError  # noqa: E402
from abci_app.rpc_client import CometRpc, RpcError, RpcTimeout, RpcUnavailable  # noqa: E402
from bench._devnet import cpu_seconds, dir_bytes, rss_bytes, throwaway_devnet  # noqa: E402
from chain.tx.builder import TxSpec, build_signed_tx, msg_send, tx_hash  # noqa: E402

CHAIN_ID = "sprint-hostile-1"
HONEST = ("honest0", "honest1")
SIM, MALLORY = "simmer", "mallory"
GAS, FEE = 100_000, 2_500
HONEST_RATE = 2.0        # sends/s per honest account
QUERY_RATE = 10.0        # gRPC Balance queries/s
GARBAGE_RATE = 20.0      # txs/s per broadcast path (CometBFT RPC, gRPC)
SIMULATE_THREADS, SIMULATE_RATE = 4, 5.0   # Simulate calls/s per thread
BLOB_RATE = 4.0          # Blobs/Put calls/s
STREAM_CHANNELS = 10     # separate client connections the streams are spread over
QUERY_DEADLINE, CALL_DEADLINE = 2.0, 10.0
GRACE_SECONDS = 8.0      # wait for a phase's honest sends to commit
MiB = 1024 * 1024
ATTACKS = ("rpc", "grpc", "simulate", "streams", "blobs")

console = Console(width=None if sys.stdout.isatty() else 150)


# ------------------------------------------------------------------ pacing and tallies

def paced(rate: float, stop: threading.Event, seconds: float):
    """Yield 0, 1, ... at `rate` per second for `seconds` (at most rate * seconds + 1 times).
    A late slot is not made up for, so a slow node gets fewer requests, never a burst."""
    interval, start = 1.0 / rate, time.monotonic()
    due = start
    for i in range(int(rate * seconds) + 1):
        if stop.wait(max(0.0, due - time.monotonic())) or time.monotonic() - start >= seconds:
            return
        yield i
        due = max(due + interval, time.monotonic())


class Tallies:
    """Thread-safe outcome counts per attack row, e.g. tallies.add("Simulate", "OK")."""

    def __init__(self):
        self._lock = threading.Lock()
        self.rows: dict[str, Counter] = {}
        self.details: dict[tuple[str, str], str] = {}  # (row, outcome) -> the first error text seen

    def add(self, row: str, outcome: str, detail: str = "") -> None:
        with self._lock:
            self.rows.setdefault(row, Counter())[outcome] += 1
            if detail:
                self.details.setdefault((row, outcome), " ".join(detail.split())[:70])

    def snapshot(self) -> dict[str, Counter]:
        with self._lock:
            return {row: Counter(c) for row, c in self.rows.items()}


def grpc_outcome(err: grpc.RpcError) -> tuple[str, str]:
    """(status code name, details) of a failed gRPC call."""
    code = err.code() if hasattr(err, "code") else None
    details = err.details() if hasattr(err, "details") else ""
    return (code.name if code is not None else type(err).__name__), details or ""


def rpc_outcome(call) -> tuple[str, str]:
    """Run a CometBFT RPC broadcast: ("CheckTx code N", its log) or the RPC failure and its text."""
    try:
        result = call()
        return f"CheckTx code {result['code']}", result["log"] if result["code"] else ""
    except RpcTimeout as err:
        return "RPC timeout", str(err)
    except RpcError as err:
        text = err.data or err.message
        return "RPC error: " + ("tx too large" if "too large" in text.lower() else " ".join(text.split()[:4])), text
    except RpcUnavailable as err:
        return "RPC unavailable", str(err)


# ------------------------------------------------------------------ the chain as observed

class BlockWatcher(threading.Thread):
    """Follows committed blocks over CometBFT RPC: when each tx hash was first seen committed,
    and each block's header time (so block rates do not depend on polling lag)."""

    def __init__(self, rpc_url: str, max_seconds: float):
        super().__init__(daemon=True, name="block-watcher")
        self.rpc = CometRpc(rpc_url, timeout=5.0)
        self.max_seconds = max_seconds
        self.stop_event = threading.Event()
        self.committed_at: dict[str, float] = {}
        self.block_time: dict[int, float] = {}
        self.height = 0

    def run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while time.monotonic() < deadline and not self.stop_event.wait(0.05):
            try:
                latest = int(self.rpc.status()["sync_info"]["latest_block_height"])
                while self.height < latest and not self.stop_event.is_set():
                    self._take(self.height + 1, self.rpc.block(self.height + 1)["block"])
            except (RpcUnavailable, RpcError, KeyError, ValueError):
                continue

    def _take(self, height: int, block: dict) -> None:
        now = time.perf_counter()
        for tx_b64 in block["data"]["txs"] or []:
            self.committed_at.setdefault(tx_hash(base64.b64decode(tx_b64)), now)
        self.block_time[height] = _parse_block_time(block["header"]["time"])
        self.height = height

    def blocks_between(self, t0: float, t1: float) -> int:
        """Blocks whose header time (unix seconds) lies in [t0, t1)."""
        return sum(1 for t in list(self.block_time.values()) if t0 <= t < t1)


def _parse_block_time(text: str) -> float:
    """RFC 3339 with up to 9 fraction digits -> unix seconds."""
    head, _, frac = text.rstrip("Z").partition(".")
    base = datetime.fromisoformat(head + "+00:00").timestamp()
    return base + (int(frac[:6].ljust(6, "0")) / 1e6 if frac else 0.0)


class ResourceSampler(threading.Thread):
    """Samples the RSS of sprintd and cometbft every 0.5 s: (monotonic time, node, cometbft)."""

    def __init__(self, node_pid: int, comet_pid: int, max_seconds: float):
        super().__init__(daemon=True, name="rss-sampler")
        self.pids, self.max_seconds = (node_pid, comet_pid), max_seconds
        self.stop_event = threading.Event()
        self.samples: list[tuple[float, int, int]] = []

    def run(self) -> None:
        for _ in range(int(self.max_seconds / 0.5) + 1):
            self.samples.append((time.monotonic(), rss_bytes(self.pids[0]) or 0, rss_bytes(self.pids[1]) or 0))
            if self.stop_event.wait(0.5):
                return

    def peak(self, t0: float, t1: float, which: int) -> int:
        return max((s[which] for s in list(self.samples) if t0 <= s[0] <= t1), default=0)


# ------------------------------------------------------------------ honest traffic

@dataclass
class Account:
    key: object
    number: int
    sequence: int


class HonestTraffic:
    """Honest users: signed sends from HONEST accounts via CometBFT RPC, and gRPC Balance queries."""

    def __init__(self, rpc_url: str, grpc_address: str, accounts: list[Account], sink: str):
        self.rpc_url, self.grpc_address, self.accounts, self.sink = rpc_url, grpc_address, accounts, sink
        self.sent_at: dict[str, tuple[str, float]] = {}  # tx hash -> (phase, perf_counter at broadcast)
        self.rejected: Counter = Counter()               # (phase, outcome) -> count
        self.queries: dict[str, list[tuple[float, str]]] = {}  # phase -> [(seconds, outcome)]

    def threads(self, phase: str, stop: threading.Event, seconds: float) -> list[threading.Thread]:
        senders = [threading.Thread(target=self._send_loop, args=(a, phase, stop, seconds), daemon=True)
                   for a in self.accounts]
        return senders + [threading.Thread(target=self._query_loop, args=(phase, stop, seconds), daemon=True)]

    def _send_loop(self, account: Account, phase: str, stop: threading.Event, seconds: float) -> None:
        rpc = CometRpc(self.rpc_url, timeout=CALL_DEADLINE)
        for _ in paced(HONEST_RATE, stop, seconds):
            spec = TxSpec([msg_send(account.key.bech32, self.sink, 1)], CHAIN_ID, account.number,
                          account.sequence, gas_limit=GAS, fee_amount=FEE)
            tx = build_signed_tx(account.key, spec)
            started = time.perf_counter()
            outcome, _ = rpc_outcome(lambda: rpc.broadcast_tx_sync(tx))
            if outcome == "CheckTx code 0":
                self.sent_at[tx_hash(tx)] = (phase, started)
                account.sequence += 1
            else:
                self.rejected[(phase, outcome)] += 1
                account.sequence = committed_sequence(rpc, account.key.bech32, account.sequence)
        rpc.close()

    def _query_loop(self, phase: str, stop: threading.Event, seconds: float) -> None:
        out = self.queries.setdefault(phase, [])
        with NodeClient(self.grpc_address, timeout=QUERY_DEADLINE) as client:
            for _ in paced(QUERY_RATE, stop, seconds):
                started = time.perf_counter()
                try:
                    client.balance(self.sink)
                    outcome = "OK"
                except NodeError as err:
                    outcome = err.code.name if err.code is not None else "error"
                out.append((time.perf_counter() - started, outcome))


def committed_sequence(rpc: CometRpc, address: str, fallback: int) -> int:
    """The account's committed sequence via ABCI Query over CometBFT RPC (works while gRPC is busy)."""
    data = auth_query.QueryAccountRequest(address=address).SerializeToString().hex()
    try:
        result = rpc.call("abci_query", path="/cosmos.auth.v1beta1.Query/Account", data=data)
        resp = auth_query.QueryAccountResponse.FromString(base64.b64decode(result["response"]["value"] or ""))
        return int(auth_pb2.BaseAccount.FromString(resp.account.value).sequence)
    except (RpcUnavailable, RpcError, KeyError, ValueError, TypeError, DecodeError):
        return fallback


# ------------------------------------------------------------------ attacks

class GarbageTxs:
    """Bad txs, one kind after another; the signed ones come from MALLORY (a funded account)."""

    KINDS = ("random bytes", "truncated tx", "gas_limit 2^63", "300 KB memo (signed)", "300 KB random")

    def __init__(self, mallory: Account, sink: str):
        self.mallory, self.sink = mallory, sink
        self.rng = random.Random(9)

    def make(self, i: int) -> tuple[str, bytes]:
        kind = self.KINDS[i % len(self.KINDS)]
        if kind == "random bytes":
            return kind, os.urandom(self.rng.randint(1, 2048))
        if kind == "truncated tx":
            tx = self._signed(gas=GAS, memo=os.urandom(8).hex())
            return kind, tx[: self.rng.randint(1, len(tx) - 1)]
        if kind == "gas_limit 2^63":
            return kind, self._signed(gas=2**63, memo=os.urandom(8).hex())
        if kind == "300 KB memo (signed)":
            return kind, self._signed(gas=GAS, memo=os.urandom(150 * 1024).hex())
        return kind, os.urandom(300 * 1024)

    def _signed(self, gas: int, memo: str) -> bytes:
        m = self.mallory
        spec = TxSpec([msg_send(m.key.bech32, self.sink, 1)], CHAIN_ID, m.number, m.sequence,
                      gas_limit=gas, fee_amount=FEE, memo=memo)
        return build_signed_tx(m.key, spec)


def _channel(address: str, **extra) -> grpc.Channel:
    options = [("grpc.max_send_message_length", 8 * MiB), ("grpc.max_receive_message_length", 8 * MiB),
               ("grpc.enable_http_proxy", 0)] + list(extra.items())
    return grpc.insecure_channel(address, options=options)


def rpc_garbage(ctx: "Attack", garbage: GarbageTxs) -> None:
    """Bad txs via CometBFT RPC broadcast_tx_sync."""
    rpc = CometRpc(ctx.rpc_url, timeout=CALL_DEADLINE)
    for i in paced(GARBAGE_RATE * ctx.scale, ctx.stop, ctx.seconds):
        kind, tx = garbage.make(i)
        ctx.tallies.add(f"RPC broadcast: {kind}", *rpc_outcome(lambda: rpc.broadcast_tx_sync(tx)))
    rpc.close()


def grpc_garbage(ctx: "Attack", garbage: GarbageTxs) -> None:
    """Bad txs via gRPC cosmos.tx.v1beta1.Service/BroadcastTx (SYNC)."""
    with _channel(ctx.grpc_address) as channel:
        stub = tx_grpc.ServiceStub(channel)
        for i in paced(GARBAGE_RATE * ctx.scale, ctx.stop, ctx.seconds):
            kind, tx = garbage.make(i + 1)  # offset: both paths send every kind at different moments
            try:
                resp = stub.BroadcastTx(tx_service.BroadcastTxRequest(
                    tx_bytes=tx, mode=tx_service.BROADCAST_MODE_SYNC), timeout=CALL_DEADLINE)
                outcome, detail = f"OK, CheckTx code {resp.tx_response.code}", resp.tx_response.raw_log
            except grpc.RpcError as err:
                outcome, detail = grpc_outcome(err)
            ctx.tallies.add(f"gRPC BroadcastTx: {kind}", outcome, detail)


def simulate_flood(ctx: "Attack", tx: bytes) -> None:
    """One Simulate thread: the same valid signed tx, again and again."""
    with _channel(ctx.grpc_address) as channel:
        stub = tx_grpc.ServiceStub(channel)
        for _ in paced(SIMULATE_RATE * ctx.scale, ctx.stop, ctx.seconds):
            try:
                stub.Simulate(tx_service.SimulateRequest(tx_bytes=tx), timeout=CALL_DEADLINE)
                outcome, detail = "OK", ""
            except grpc.RpcError as err:
                outcome, detail = grpc_outcome(err)
            ctx.tallies.add(f"Simulate ({SIMULATE_THREADS} threads)", outcome, detail)


def blob_flood(ctx: "Attack") -> None:
    """Blobs/Put of random 64-512 KB blobs from an unknown, unsigned uploader."""
    from abci_app.blobs.store import sha256_hex
    from sprint.blobs.v1 import blobs_pb2, blobs_pb2_grpc

    rng = random.Random(7)
    with _channel(ctx.grpc_address) as channel:
        stub = blobs_pb2_grpc.BlobsStub(channel)
        for _ in paced(BLOB_RATE * ctx.scale, ctx.stop, ctx.seconds):
            data = os.urandom(rng.randint(64, 512) * 1024)
            chunk = blobs_pb2.PutChunk(sha256=sha256_hex(data), size=len(data), data=data)
            try:
                resp = stub.Put(iter([chunk]), timeout=CALL_DEADLINE)
                outcome, detail = ("OK, stored" if resp.created else "OK, already had it"), ""
            except grpc.RpcError as err:
                outcome, detail = grpc_outcome(err)
            ctx.tallies.add("Blobs/Put, unsigned random data", outcome, detail)
            ctx.blob_bytes_sent += len(data)


def hold_streams(ctx: "Attack", count: int) -> None:
    """Open `count` SubscribeBlocks streams over STREAM_CHANNELS connections, read them until the
    phase ends (one asyncio loop in this thread, not one thread per stream), then cancel them."""
    # Not asyncio.run: cancelling grpc.aio's leftover internal tasks at its exit hangs (grpcio 1.71).
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_hold_streams(ctx, count))
    finally:
        loop.close()


async def _hold_streams(ctx: "Attack", count: int) -> None:
    from sprint.node.v1 import query_pb2_grpc

    options = [("grpc.use_local_subchannel_pool", 1), ("grpc.enable_http_proxy", 0)]
    channels = [grpc.aio.insecure_channel(ctx.grpc_address, options=options) for _ in range(STREAM_CHANNELS)]
    stubs = [query_pb2_grpc.EventsStub(ch) for ch in channels]
    tasks = [asyncio.create_task(_hold_one(stubs[i % len(stubs)], ctx, count)) for i in range(count)]
    deadline = time.monotonic() + ctx.seconds
    while time.monotonic() < deadline and not ctx.stop.is_set():
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for channel in channels:
        await channel.close()


async def _hold_one(stub, ctx: "Attack", count: int) -> None:
    from sprint.node.v1 import query_pb2

    call = stub.SubscribeBlocks(query_pb2.SubscribeBlocksRequest(from_height=0), timeout=ctx.seconds + 15)
    got = 0
    try:
        for _ in range(1_000_000):
            if await call.read() is grpc.aio.EOF:
                break
            got += 1
            ctx.stream_messages += 1
        outcome = "ended by the node"
        detail = ""
    except grpc.aio.AioRpcError as err:
        outcome, detail = err.code().name, err.details() or ""
    except asyncio.CancelledError:
        call.cancel()
        outcome, detail = ("open to the end, got blocks" if got else "open to the end, no block"), ""
    ctx.tallies.add(f"SubscribeBlocks, {count} streams", outcome, detail)


@dataclass
class Attack:
    """What every attacker thread shares during the hostile phase."""

    rpc_url: str
    grpc_address: str
    stop: threading.Event
    seconds: float
    scale: float
    kinds: frozenset = frozenset(ATTACKS)
    tallies: Tallies = field(default_factory=Tallies)
    blob_bytes_sent: int = 0
    stream_messages: int = 0

    def threads(self, garbage: GarbageTxs, simulate_tx: bytes, streams: int) -> list[threading.Thread]:
        """The attacker threads of the chosen kinds (ATTACKS)."""
        kinds = self.kinds

        def thread(target, *args):
            return threading.Thread(target=target, args=(self, *args), daemon=True, name=target.__name__)

        out = [thread(rpc_garbage, garbage)] if "rpc" in kinds else []
        out += [thread(grpc_garbage, garbage)] if "grpc" in kinds else []
        out += [thread(blob_flood)] if "blobs" in kinds else []
        out += [thread(simulate_flood, simulate_tx) for _ in range(SIMULATE_THREADS)] if "simulate" in kinds else []
        return out + ([thread(hold_streams, streams)] if streams and "streams" in kinds else [])

    def rates(self) -> dict[str, float]:
        """Requests/s each attacker is paced to send (before the node slows it down)."""
        s = self.scale
        rates = {"rpc": ("RPC broadcast", GARBAGE_RATE), "grpc": ("gRPC BroadcastTx", GARBAGE_RATE),
                 "simulate": ("Simulate", SIMULATE_THREADS * SIMULATE_RATE), "blobs": ("Blobs/Put", BLOB_RATE)}
        return {name: rate * s for kind, (name, rate) in rates.items() if kind in self.kinds}


# ------------------------------------------------------------------ phases

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
