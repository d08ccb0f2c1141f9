"""Crash/restart in-process: committed blocks survive a reopen; an uncommitted block leaves nothing."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
import pytest
from tendermint.abci import types_pb2 as abci

from chain.app import App
from chain.store import meta
from chain.store.leveldb import LevelDB
from chain.tx.builder import tx_hash
from tests.helpers.chain import (
    CHAIN_ID, balance, check, committed_state, finalize, genesis_state, init_app, make_keys, make_send,
    query_balance, run_block,
)

KEYS = make_keys(3)
ALICE, BOB, CAROL = KEYS


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "application.db"


def _committed_chain(path, blocks: int = 3):
    db = LevelDB(path)
    app = App(db, sync_writes=False)
    init_app(app, genesis_state(KEYS))
    hashes = []
    for height in range(1, blocks + 1):
        block = run_block(app, [make_send(ALICE, BOB.bech32, height, sequence=height - 1)], height=height)
        assert block.codes == [0]
        hashes.append(block.app_hash)
    return db, app, hashes


def test_reopen_reports_the_same_height_app_hash_and_state(db_path):
    db, app, hashes = _committed_chain(db_path)
    state, chain_hash, bob_balance = committed_state(app), app.app_hash, balance(app, BOB.address)
    first_tx = make_send(ALICE, BOB.bech32, 1, sequence=0)
    db.close()

    reopened = App(LevelDB(db_path), sync_writes=False)
    info = reopened.info(abci.RequestInfo())

    assert info.last_block_height == 3
    assert info.last_block_app_hash == chain_hash == hashes[-1]
    assert reopened.chain_id == CHAIN_ID
    assert committed_state(reopened) == state
    assert query_balance(reopened, BOB.bech32) == bob_balance
    found = reopened.get_tx(bytes.fromhex(tx_hash(first_tx)))
    assert found is not None and found[0].height == 1 and found[0].result.code == 0
    # It carries on where it stopped, with the same hashes as a chain that never restarted.
    assert check(reopened, make_send(ALICE, BOB.bech32, 4, sequence=3)).code == 0
    block = run_block(reopened, [make_send(ALICE, BOB.bech32, 4, sequence=3)], height=4)
    assert block.codes == [0]
    reopened.db.close()


def test_restarted_chain_matches_an_uninterrupted_one(db_path, tmp_path):
    db, _, _ = _committed_chain(db_path, blocks=2)
    db.close()
    reopened = App(LevelDB(db_path), sync_writes=False)
    resumed = run_block(reopened, [make_send(ALICE, BOB.bech32, 3, sequence=2)], height=3)

    other_db, _, straight = _committed_chain(tmp_path / "other", blocks=3)

    assert resumed.app_hash == straight[-1]
    reopened.db.close()
    other_db.close()


def test_uncommitted_finalize_block_leaves_nothing_in_the_database(db_path):
    db, app, hashes = _committed_chain(db_path, blocks=2)
    before = dict(db.iterate(b""))
    carol_balance = balance(app, CAROL.address)
    tx = make_send(ALICE, CAROL.bech32, 999, sequence=2)

    block = finalize(app, [tx], height=3)  # crash before Commit
    assert block.codes == [0]
    assert dict(db.iterate(b"")) == before
    db.close()

    reopened = App(LevelDB(db_path), sync_writes=False)
    info = reopened.info(abci.RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (2, hashes[-1])
    assert dict(reopened.db.iterate(b"")) == before
    assert reopened.get_tx(bytes.fromhex(tx_hash(tx))) is None
    assert balance(reopened, CAROL.address) == carol_balance
    # CometBFT replays the block: same result and the same app hash as before the crash.
    replay = run_block(reopened, [tx], height=3)
    assert replay.codes == [0] and replay.app_hash == block.app_hash
    reopened.db.close()


def test_init_chain_without_a_commit_persists_nothing(db_path):
    db = LevelDB(db_path)
    app = App(db, sync_writes=False)
    init_app(app, genesis_state(KEYS))
    assert list(db.iterate(b"")) == []
    db.close()

    reopened = App(LevelDB(db_path), sync_writes=False)
    info = reopened.info(abci.RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (0, b"")
    assert reopened.chain_id == ""
    # InitChain is sent again after such a crash and the chain starts normally.
    init_app(reopened, genesis_state(KEYS))
    assert run_block(reopened, [make_send(ALICE, BOB.bech32, 1, sequence=0)], height=1).codes == [0]
    assert reopened.db.get(meta.CHAIN_ID_KEY) == CHAIN_ID.encode()
    reopened.db.close()


def test_commit_is_one_atomic_batch(db_path, monkeypatch):
    """Commit must hand the database exactly one write_batch carrying state, height, app hash and index."""
    db, app, _ = _committed_chain(db_path, blocks=1)
    batches = []
    original = db.write_batch

    def spy(puts, sync=True):
        batches.append(dict(puts))
        return original(puts, sync=sync)

    monkeypatch.setattr(db, "write_batch", spy)
    tx = make_send(ALICE, BOB.bech32, 5, sequence=1)
    run_block(app, [tx], height=2)

    assert len(batches) == 1
    puts = batches[0]
    assert puts[meta.HEIGHT_KEY] == (2).to_bytes(8, "big")
    assert puts[meta.APP_HASH_KEY] == app.app_hash
    assert meta.TX_INDEX_PREFIX + bytes.fromhex(tx_hash(tx)) in puts
    assert any(key.startswith(b"\x10") for key in puts)  # balances
    db.close()
