"""sprint.blobs.v1.Blobs over real gRPC servers: put/get/stat, bad input, fetch from a peer host.

Puts are signed by host 0's worker key (the node admits only uploaders its chain knows)."""

from __future__ import annotations

import grpc
import pytest

from abci_app.blobs.client import BlobClientError, get_blob, put_blob, stat_blob
from abci_app.blobs.store import BlobStore, sha256_hex
from abci_app.grpc.server import build_grpc_server
from abci_app.ports import free_port
from chain.store.memory import MemoryDB
from sprint.blobs.v1 import blobs_pb2, blobs_pb2_grpc
from tests.helpers.blobs import signed_chunks
from tests.helpers.chain import CHAIN_ID, new_app, run_block
from tests.helpers.sprint import sprint_state


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """Node A (whose committed state lists a host with node B's endpoint) and node B."""
    address_a, address_b = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    app_state, hosts, _ = sprint_state(2)
    app_state["hosts"]["hosts"][0]["endpoint"] = address_a  # itself: skipped
    app_state["hosts"]["hosts"][1]["endpoint"] = address_b
    app = new_app(MemoryDB(), app_state)
    run_block(app)
    store_a = BlobStore(tmp_path_factory.mktemp("a"), max_bytes=3 * 1024 * 1024)
    store_b = BlobStore(tmp_path_factory.mktemp("b"))
    servers = [build_grpc_server(app, None, address_a, max_workers=4, blob_store=store_a),
               build_grpc_server(app, None, address_b, max_workers=4, blob_store=store_b)]
    for server in servers:
        server.start()
    try:
        yield {"a": address_a, "b": address_b, "store_a": store_a, "store_b": store_b, "key": hosts[0].worker}
    finally:
        for server in servers:
            server.stop(0)


def _put_raw(address: str, chunks) -> blobs_pb2.PutResponse:
    with grpc.insecure_channel(address) as channel:
        return blobs_pb2_grpc.BlobsStub(channel).Put(iter(chunks), timeout=10)


def test_put_get_stat_in_chunks(nodes):
    data = bytes(range(256)) * 9000  # 2.3 MB: three 1 MiB chunks each way
    sign = {"signer": nodes["key"], "chain_id": CHAIN_ID}
    name, created = put_blob(nodes["a"], data, **sign)
    assert name == sha256_hex(data) and created
    assert put_blob(nodes["a"], data, **sign) == (name, False)
    assert stat_blob(nodes["a"], name) == len(data)
    assert get_blob(nodes["a"], name, local_only=True) == data
    with grpc.insecure_channel(nodes["a"]) as channel:
        sizes = [len(c.data) for c in blobs_pb2_grpc.BlobsStub(channel).Get(blobs_pb2.GetRequest(sha256=name))]
    assert sizes == [1024 * 1024, 1024 * 1024, len(data) - 2 * 1024 * 1024]


def test_bad_hash_size_and_oversize_are_invalid_argument(nodes):
    data, key = b"some bytes", nodes["key"]
    cases = [
        (signed_chunks(key, data, sha256=sha256_hex(b"else")), "hash to"),
        (signed_chunks(key, data, size=len(data) + 5), "not the declared"),
        ([blobs_pb2.PutChunk(sha256="xyz", size=1, data=b"x")], "64-character lower-case hex"),
        ([blobs_pb2.PutChunk(sha256=sha256_hex(b"y" * (4 << 20)), size=4 << 20, data=b"y")], "exceeds the node's limit"),
        ([], "empty Put stream"),
    ]
    for chunks, message in cases:
        with pytest.raises(grpc.RpcError) as err:
            _put_raw(nodes["a"], chunks)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and message in err.value.details()
    assert not any(p.is_file() for p in nodes["store_a"].root.rglob(".tmp-*"))


def test_get_fetches_from_a_registered_host(nodes):
    data = b"only on node B" * 100
    name, _ = nodes["store_b"].put(data)
    with pytest.raises(BlobClientError) as err:
        get_blob(nodes["a"], name, local_only=True)
    assert err.value.code == grpc.StatusCode.NOT_FOUND
    assert stat_blob(nodes["a"], name) is None
    assert get_blob(nodes["a"], name) == data  # A fetched it from B, checked it, stored it
    assert nodes["store_a"].read(name) == data and stat_blob(nodes["a"], name) == len(data)


def test_nobody_has_it_is_not_found(nodes):
    missing = sha256_hex(b"nobody")
    with pytest.raises(BlobClientError) as err:
        get_blob(nodes["a"], missing)
    assert err.value.code == grpc.StatusCode.NOT_FOUND and "any registered host" in str(err.value)
    with pytest.raises(grpc.RpcError) as bad:
        with grpc.insecure_channel(nodes["a"]) as channel:
            blobs_pb2_grpc.BlobsStub(channel).Stat(blobs_pb2.StatRequest(sha256="nope"), timeout=5)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_worker_blob_client_caches_verified_bytes(nodes, tmp_path):
    from worker import blob_client

    data = b"weights" * 500
    name = blob_client.put(nodes["b"], data, signer=nodes["key"], chain_id=CHAIN_ID)
    assert blob_client.fetch(nodes["b"], name, cache_dir=tmp_path) == data
    cache = BlobStore(tmp_path)
    assert cache.read(name) == data
    assert blob_client.fetch("127.0.0.1:1", name, cache_dir=tmp_path) == data  # served from the cache
    cache.path(name).write_bytes(b"corrupt")
    assert blob_client.fetch(nodes["b"], name, cache_dir=tmp_path) == data  # corrupt cache refetched
    assert cache.read(name) == data
    with pytest.raises(BlobClientError) as err:
        blob_client.fetch("127.0.0.1:1", sha256_hex(b"x"), timeout=2)
    assert "cannot reach node gRPC" in str(err.value)
