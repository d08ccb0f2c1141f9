"""Fetching a missing blob from peers over real sockets: a blackholed peer (a TCP listener that
never answers) costs one short timeout and is then skipped while it backs off, the next peer is
tried, a whole Get is bounded by its budget, and endpoints that fail the chain's host:port rule
(unix sockets, URLs) are never dialled."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time

import grpc
import pytest

from abci_app.blobs.client import BlobClientError, get_blob
from abci_app.blobs.limits import BlobLimits
from abci_app.blobs.store import BlobStore, sha256_hex
from tests.helpers.blobs import blob_server

FAST = BlobLimits(peer_timeout_seconds=1.0, fetch_budget_seconds=2.5, peer_backoff_base_seconds=60)


@contextlib.contextmanager
def blackhole():
    """A TCP listener that completes handshakes (kernel backlog) and never says a word."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def timed_get(address: str, name: str):
    started = time.monotonic()
    try:
        return get_blob(address, name, timeout=30), time.monotonic() - started
    except BlobClientError as err:
        return err, time.monotonic() - started


@pytest.fixture()
def peer(tmp_path):
    """A real blob node holding two blobs."""
    store = BlobStore(tmp_path / "peer")
    names = [store.put(b"blob %d" % i * 1000)[0] for i in range(2)]
    with blob_server(store) as (address, _):
        yield address, names, store


def test_blackholed_peer_is_given_up_quickly_then_skipped(tmp_path, peer):
    good, names, peer_store = peer
    with blackhole() as dead:
        store = BlobStore(tmp_path / "node")
        with blob_server(store, peers=lambda: [dead, good], limits=FAST) as (address, service):
            data, seconds = timed_get(address, names[0])
            assert data == peer_store.read(names[0]) and store.has(names[0])
            assert 0.9 < seconds < 2.0, seconds  # one peer timeout, then the good peer
            data, seconds = timed_get(address, names[1])
            assert data == peer_store.read(names[1]) and seconds < 0.8, seconds  # dead peer backing off
            assert not service.fetcher.backoff.available(dead)


def test_a_get_is_bounded_by_its_budget(tmp_path):
    with contextlib.ExitStack() as stack:
        dead = [stack.enter_context(blackhole()) for _ in range(5)]
        store = BlobStore(tmp_path / "node")
        with blob_server(store, peers=lambda: dead, limits=FAST) as (address, _):
            err, seconds = timed_get(address, sha256_hex(b"nobody has it"))
    assert isinstance(err, BlobClientError) and err.code == grpc.StatusCode.NOT_FOUND
    assert seconds < FAST.fetch_budget_seconds + 1.0, seconds  # not 5 peers x timeout


def test_invalid_endpoints_are_never_dialled(tmp_path, peer):
    good, names, peer_store = peer
    path = tmp_path / "s.sock"
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(str(path))
    unix.listen(8)
    unix.settimeout(0.3)
    peers = [f"unix:{path}", f"unix://{path}", f"http://{good}", f"{good}/x", "a b:1", good]
    try:
        with blob_server(BlobStore(tmp_path / "node"), peers=lambda: peers, limits=FAST) as (address, service):
            assert service.fetcher.candidates() == [good]
            assert timed_get(address, names[0])[0] == peer_store.read(names[0])
        with pytest.raises(socket.timeout):
            unix.accept()
    finally:
        unix.close()
        os.unlink(path)


def test_concurrent_fetches_are_capped(tmp_path):
    limits = BlobLimits(peer_timeout_seconds=2.0, fetch_budget_seconds=2.0, max_concurrent_fetches=1)
    with blackhole() as dead:
        with blob_server(BlobStore(tmp_path / "node"), peers=lambda: [dead], limits=limits) as (address, service):
            first = threading.Thread(target=timed_get, args=(address, sha256_hex(b"one")))
            first.start()
            time.sleep(0.3)
            err, seconds = timed_get(address, sha256_hex(b"two"))
            first.join(5)
    assert err.code == grpc.StatusCode.RESOURCE_EXHAUSTED and "already running" in str(err), err
    assert seconds < 1.5
