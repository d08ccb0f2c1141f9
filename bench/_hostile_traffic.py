"""Hostile load bench, the honest side: settings, pacing, outcome tallies, the chain as observed
(blocks, RSS) and the honest senders and queriers. Used by bench/hostile_load.py."""

from __future__ import annotations

import base64
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.auth.v1beta1 import auth_pb2, query_pb2 as auth_query
from google.protobuf.message import DecodeError

from abci_app.client import NodeClient, NodeError
from abci_app.rpc_client import CometRpc, RpcError, RpcTimeout, RpcUnavailable
from bench._devnet import rss_bytes
from chain.tx.builder import TxSpec, build_signed_tx, msg_send, tx_hash

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
