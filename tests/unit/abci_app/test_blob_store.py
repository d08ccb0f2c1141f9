"""BlobStore: content-addressed layout, atomic verified writes, size limit."""

from __future__ import annotations

import hashlib

import pytest

from abci_app.blobs.store import BlobError, BlobStore, check_sha256, sha256_hex


def test_put_read_layout_and_idempotence(tmp_path):
    store = BlobStore.for_home(tmp_path)
    data = b"hello blobs" * 1000
    name, created = store.put(data)
    assert name == hashlib.sha256(data).hexdigest() and created
    assert store.path(name) == tmp_path / "data" / "blobs" / name[:2] / name
    assert store.read(name) == data and store.size(name) == len(data) and store.verify(name)
    assert b"".join(store.chunks(name, 4096)) == data
    assert store.put(data) == (name, False)
    assert [p.name for p in store.path(name).parent.iterdir()] == [name]  # no temp files left


def test_absent_blob(tmp_path):
    store = BlobStore(tmp_path)
    name = sha256_hex(b"nothing")
    assert not store.has(name) and store.size(name) is None and store.read(name) is None
    assert not store.verify(name)
    with pytest.raises(FileNotFoundError):
        store.chunks(name)


def test_wrong_hash_or_size_is_refused_and_leaves_nothing(tmp_path):
    store = BlobStore(tmp_path)
    data = b"payload"
    with pytest.raises(BlobError, match="hash to"):
        store.put(data, sha256_hex(b"other"))
    writer = store.writer(sha256_hex(data), len(data) + 1)
    writer.write(data)
    with pytest.raises(BlobError, match="not the declared"):
        writer.commit()
    writer = store.writer(sha256_hex(data), 3)
    with pytest.raises(BlobError, match="more bytes than the declared size"):
        writer.write(data)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_size_limit(tmp_path):
    store = BlobStore(tmp_path, max_bytes=10)
    with pytest.raises(BlobError, match="exceeds the node's limit of 10 bytes"):
        store.put(b"x" * 11)
    assert store.put(b"x" * 10)[1]


@pytest.mark.parametrize("name", ["", "abc", "G" * 64, "A" * 64, "0" * 63, "../" + "0" * 61])
def test_bad_names(name):
    with pytest.raises(BlobError, match="64-character lower-case hex"):
        check_sha256(name)


def test_corrupted_file_fails_verify(tmp_path):
    store = BlobStore(tmp_path)
    name, _ = store.put(b"original")
    store.path(name).write_bytes(b"tampered")
    assert not store.verify(name)
