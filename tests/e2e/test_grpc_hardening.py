"""A real devnet (CometBFT + sprintd) with 200 SubscribeBlocks streams open on the node's gRPC port:
queries and a broadcast tx still work, blocks keep being committed and reach every stream; a 100 KB
address is a short INVALID_ARGUMENT; the node still stops cleanly on SIGTERM with streams open.

On the old server (a sync grpc.server with 8 threads, each open stream holding one) the first query
with the streams open times out: the streams leave no thread to answer it."""

from __future__ import annotations

import contextlib
import threading
import time

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.bank.v1beta1 import query_pb2 as bank_q, query_pb2_grpc as bank_grpc
from sprint.node.v1 import query_pb2 as node_q, query_pb2_grpc as node_grpc

from abci_app.client import NodeClient, sign_and_broadcast
from abci_app.keyring import Keyring
from chain.query import MAX_MESSAGE_CHARS
from chain.tx.builder import msg_send
from chain.tx.crypto import SigningKey
from tests.helpers.grpc_load import balance_latencies, p99

STREAMS = 200
CHANNELS = 4  # several client connections, as several workers would open
DEADLINE = 5.0
START_SECONDS = 30.0  # for every stream to deliver its first block


@contextlib.contextmanager
def open_streams(grpc_address: str, count: int):
    """`count` block streams over CHANNELS connections, each past its first block:
    yields (streams, highest first height)."""
    channels = [grpc.insecure_channel(grpc_address) for _ in range(CHANNELS)]
    streams = [node_grpc.EventsStub(channels[i % CHANNELS]).SubscribeBlocks(
        node_q.SubscribeBlocksRequest(from_height=0), timeout=240) for i in range(count)]
    try:
        yield streams, _first_heights(streams)
    finally:
        for stream in streams:
            stream.cancel()
        for channel in channels:
            channel.close()


def _first_heights(streams) -> int:
    """Read each stream's first block, bounded by START_SECONDS; the highest height read."""
    first: list[int] = []
    reader = threading.Thread(target=lambda: first.extend(next(s).height for s in streams), daemon=True)
    reader.start()
    reader.join(START_SECONDS)
    assert len(first) == len(streams), (
        f"only {len(first)} of {len(streams)} block streams started within {START_SECONDS:.0f}s: "
        "the gRPC server has no room for more")
    return max(first)


def _balance_latencies(grpc_address: str, address: str, count: int) -> list[float]:
    with grpc.insecure_channel(grpc_address) as channel:
        return balance_latencies(channel, address, count, DEADLINE)


def _next_height_past(stream, height: int) -> int:
    for block in stream:
        if block.height > height:
            return block.height
    raise AssertionError("block stream ended")


def test_queries_tx_and_blocks_with_200_streams_open(devnet):
    info, processes = devnet
    alice = info["accounts"][0]["address"]
    idle = _balance_latencies(processes.grpc_address, alice, 100)
    with open_streams(processes.grpc_address, STREAMS) as (streams, opened_at):
        loaded = _balance_latencies(processes.grpc_address, alice, 100)  # each within DEADLINE or raises
        key = Keyring(info["home"], backend="test").signing_key("alice")
        recipient = SigningKey(bytes(range(7, 39))).bech32
        with NodeClient(processes.grpc_address, timeout=DEADLINE) as client:
            resp = sign_and_broadcast(client, key, [msg_send(key.bech32, recipient, 321)], info["chain_id"])
            assert resp.code == 0, resp.raw_log
            committed = client.wait_for_tx(resp.txhash, timeout=30, poll_interval=0.2)
            assert committed.tx_response.code == 0 and client.balance(recipient) == 321
        tx_height = int(committed.tx_response.height)
        assert tx_height > opened_at
        later = [_next_height_past(stream, tx_height) for stream in streams]
        assert min(later) > tx_height  # blocks kept coming, and every stream got them
    print(f"\nBalance p99 over 100 queries on the devnet node: {p99(idle) * 1000:.2f} ms with no stream "
          f"open, {p99(loaded) * 1000:.2f} ms with {STREAMS} streams open")


def test_huge_address_is_a_short_invalid_argument(devnet):
    _, processes = devnet
    with grpc.insecure_channel(processes.grpc_address) as channel:
        try:
            bank_grpc.QueryStub(channel).Balance(
                bank_q.QueryBalanceRequest(address="sprint1" + "q" * 100_000, denom="usprint"), timeout=DEADLINE)
        except grpc.RpcError as err:
            assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (err.code(), err.details()[:200])
            assert len(err.details()) <= MAX_MESSAGE_CHARS and err.details().endswith("bad checksum or characters")
        else:
            raise AssertionError("a 100 KB address was accepted")


def test_node_stops_cleanly_on_sigterm_with_streams_open(devnet):
    _, processes = devnet
    with open_streams(processes.grpc_address, 50):
        start = time.monotonic()
        processes.stop(timeout=15)
        took = time.monotonic() - start
    assert processes.node.returncode == 0, f"sprintd exited with {processes.node.returncode}"
    assert took < 15, f"stopping took {took:.1f}s"
