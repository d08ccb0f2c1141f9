"""Hostile load bench, the attackers: bad txs over CometBFT RPC and gRPC, a Simulate flood, unsigned
Blobs/Put and held-open SubscribeBlocks streams, each paced. Used by bench/hostile_load.py."""

from __future__ import annotations

import asyncio
import os
import random
import threading
import time
from dataclasses import dataclass, field

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.tx.v1beta1 import service_pb2 as tx_service, service_pb2_grpc as tx_grpc

from abci_app.rpc_client import CometRpc
from bench._hostile_traffic import (
    ATTACKS, BLOB_RATE, CALL_DEADLINE, CHAIN_ID, FEE, GARBAGE_RATE, GAS, SIMULATE_RATE, SIMULATE_THREADS,
    STREAM_CHANNELS, MiB, Account, Tallies, grpc_outcome, paced, rpc_outcome,
)
from chain.tx.builder import TxSpec, build_signed_tx, msg_send

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
