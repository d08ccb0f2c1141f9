"""Blobs/Put admission over real gRPC: only a signed uploader the chain knows, within its quota,
the node's total quota, the free-disk floor and the concurrent-put cap; refusals write nothing."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from abci_app.blobs.auth import sign_doc, sign_put, verify_put
from abci_app.blobs.client import BlobClientError, put_blob
from abci_app.blobs.limits import BlobLimits
from abci_app.blobs.service import add_blob_service
from abci_app.blobs.store import BlobStore, sha256_hex
from chain.store.memory import MemoryDB
from tests.helpers.blobs import auth_for, blob_server, listing, put_raw, signed_chunks
from tests.helpers.chain import CHAIN_ID, INITIAL_BALANCE, make_key, new_app, run_block
from tests.helpers.sprint import sprint_state

UNKNOWN = make_key(77)


@pytest.fixture(scope="module")
def chain():
    """A committed chain with 2 hosts (operator + worker keys) and a funded outsider account."""
    app_state, hosts, outsider = sprint_state(2)
    app = new_app(MemoryDB(), app_state)
    run_block(app)
    return {"app": app, "worker": hosts[0].worker, "operator": hosts[1].operator, "outsider": outsider}


def refused(address: str, chunks) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as err:
        put_raw(address, chunks)
    assert "\n" not in err.value.details()
    return err.value


def test_auth_sign_doc_layout_is_fixed():
    doc = sign_doc("sprint-test-1", "ab" * 32, 5, 7)
    assert doc == (b"sprint-blob-put/v1\x00" + bytes([13]) + b"sprint-test-1" + bytes.fromhex("ab" * 32)
                   + (5).to_bytes(8, "big") + (7).to_bytes(8, "big"))
    auth = sign_put(make_key(1), "c", "ab" * 32, 5, ttl_seconds=60, now=1000)
    assert auth.expires_at == 1060
    assert verify_put(auth, "c", "ab" * 32, 5, max_ttl_seconds=60, now=1000) == make_key(1).address


def test_unsigned_bad_unknown_or_expired_puts_are_refused_before_any_write(chain, tmp_path):
    data, worker, now = b"payload" * 100, chain["worker"], int(time.time())
    poor = BlobLimits(min_uploader_balance=INITIAL_BALANCE + 1)
    cases = [
        (None, signed_chunks(None, data), grpc.StatusCode.UNAUTHENTICATED, "needs an uploader auth"),
        (None, signed_chunks(worker, data, signer=UNKNOWN), grpc.StatusCode.UNAUTHENTICATED, "does not verify"),
        (None, signed_chunks(worker, data, chain_id="other-chain"), grpc.StatusCode.UNAUTHENTICATED, "does not verify"),
        (None, signed_chunks(worker, data, auth=auth_for(worker, sha256_hex(b"x"), len(data))),
         grpc.StatusCode.UNAUTHENTICATED, "does not verify"),
        (None, signed_chunks(worker, data, auth=auth_for(worker, sha256_hex(data), len(data) + 1)),
         grpc.StatusCode.UNAUTHENTICATED, "does not verify"),
        (None, signed_chunks(worker, data, expires_at=now - 5), grpc.StatusCode.UNAUTHENTICATED, "expired"),
        (None, signed_chunks(worker, data, expires_at=now + 86_400), grpc.StatusCode.UNAUTHENTICATED, "ahead"),
        (None, signed_chunks(UNKNOWN, data), grpc.StatusCode.PERMISSION_DENIED, "is not a host"),
        (poor, signed_chunks(chain["outsider"], data), grpc.StatusCode.PERMISSION_DENIED, "below"),
    ]
    store = BlobStore(tmp_path / "blobs")
    for limits, chunks, code, message in cases:
        with blob_server(store, app=chain["app"], limits=limits) as (address, _):
            err = refused(address, chunks)
        assert (err.code(), message in err.details()) == (code, True), err.details()
        assert listing(tmp_path) == []
    with blob_server(store, app=chain["app"], limits=poor) as (address, _):  # a host needs no balance
        assert put_raw(address, signed_chunks(worker, data)).created


@pytest.mark.parametrize("who", ["worker", "operator", "outsider"])
def test_hosts_and_funded_accounts_can_put(chain, tmp_path, who):
    store = BlobStore(tmp_path)
    data = f"blob from {who}".encode() * 1000
    with blob_server(store, app=chain["app"]) as (address, service):
        assert put_blob(address, data, signer=chain[who], chain_id=CHAIN_ID) == (sha256_hex(data), True)
        assert put_blob(address, data, signer=chain[who], chain_id=CHAIN_ID) == (sha256_hex(data), False)
        assert service.ledger.used(chain[who].bech32) == len(data)  # charged once
    assert store.read(sha256_hex(data)) == data


def test_per_uploader_and_total_quotas_survive_a_restart(chain, tmp_path):
    limits = BlobLimits(per_uploader_bytes=1000, total_bytes=1500)
    worker, operator = chain["worker"], chain["operator"]
    store = BlobStore(tmp_path / "blobs")
    with blob_server(store, app=chain["app"], limits=limits) as (address, _):
        assert put_raw(address, signed_chunks(worker, b"w" * 600)).created
        before = listing(tmp_path)
        err = refused(address, signed_chunks(worker, b"v" * 500))
        assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "quota of 1000 bytes" in err.details()
        err = refused(address, signed_chunks(operator, b"o" * 901))
        assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "blob quota of 1500" in err.details()
        assert listing(tmp_path) == before
    restarted = BlobStore(tmp_path / "blobs")  # a new store and service over the same directory
    with blob_server(restarted, app=chain["app"], limits=limits) as (address, service):
        assert service.ledger.used(worker.bech32) == 600
        err = refused(address, signed_chunks(worker, b"u" * 401))
        assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert put_raw(address, signed_chunks(worker, b"u" * 400)).created
        assert put_raw(address, signed_chunks(operator, b"o" * 500)).created
        assert service.ledger.total() == 1500


def test_free_disk_floor(chain, tmp_path):
    free = {"bytes": 10_000}
    limits = BlobLimits(min_free_bytes=5_000, disk_free=lambda path: free["bytes"])
    store = BlobStore(tmp_path / "blobs")
    with blob_server(store, app=chain["app"], limits=limits) as (address, service):
        assert put_raw(address, signed_chunks(chain["worker"], b"a" * 5_000)).created  # leaves exactly 5000
        before = listing(tmp_path)
        err = refused(address, signed_chunks(chain["worker"], b"b" * 5_001))
        assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "floor of 5000 bytes" in err.details()
        free["bytes"] = 4_000  # already below the floor: even one byte is refused
        err = refused(address, signed_chunks(chain["worker"], b"c"))
        assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert listing(tmp_path) == before and service.ledger.used(chain["worker"].bech32) == 5_000


def test_concurrent_puts_are_capped(chain, tmp_path):
    store = BlobStore(tmp_path / "blobs")
    release = threading.Event()
    results: list = []

    def slow_put(address: str, data: bytes) -> None:
        first, *rest = signed_chunks(chain["worker"], data, chunk_bytes=len(data) // 2)

        def stream():
            yield first
            release.wait(10)
            yield from rest

        results.append(put_raw(address, stream()).created)

    with blob_server(store, app=chain["app"], limits=BlobLimits(max_concurrent_puts=2)) as (address, _):
        threads = [threading.Thread(target=slow_put, args=(address, bytes([i]) * 1000)) for i in range(2)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(list(store.root.rglob(".tmp-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)  # both Puts hold a slot and are writing
        started = time.monotonic()
        err = refused(address, signed_chunks(chain["worker"], b"third"))
        assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "already running" in err.details()
        assert time.monotonic() - started < 2
        release.set()
        for thread in threads:
            thread.join(10)
        assert results == [True, True]
        assert put_raw(address, signed_chunks(chain["worker"], b"third")).created  # slots are back


def test_client_error_is_one_line(chain, tmp_path):
    with blob_server(BlobStore(tmp_path), app=chain["app"]) as (address, _):
        with pytest.raises(BlobClientError) as err:
            put_blob(address, b"data", signer=UNKNOWN, chain_id=CHAIN_ID)
    assert err.value.code == grpc.StatusCode.PERMISSION_DENIED and "\n" not in str(err.value)
    assert UNKNOWN.bech32 in str(err.value)


def test_refusals_hold_on_a_bare_grpc_aio_server(chain, tmp_path):
    """Sync handlers on grpc.aio (migration pool): abort there may return instead of raising
    (grpc/grpc#37518); the servicer must still stop and write nothing."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    pool = ThreadPoolExecutor(max_workers=4)
    store = BlobStore(tmp_path / "blobs")

    async def start():
        server = grpc.aio.server(migration_thread_pool=pool)
        add_blob_service(server, store, chain["app"])
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        return server, f"127.0.0.1:{port}"

    server, address = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        for chunks, code in ((signed_chunks(None, b"x" * 100), grpc.StatusCode.UNAUTHENTICATED),
                             (signed_chunks(UNKNOWN, b"x" * 100), grpc.StatusCode.PERMISSION_DENIED)):
            assert refused(address, chunks).code() == code
        assert listing(tmp_path) == []
        assert put_raw(address, signed_chunks(chain["worker"], b"x" * 100)).created
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(0), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        pool.shutdown(wait=False)
