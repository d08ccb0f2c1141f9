"""Property tests: random and mutated tx bytes never crash the app and never change the state.

Each example runs on a fresh App over a copy of the same committed base chain (height 1), so examples
are independent. A mutated tx may only succeed when its bytes equal the original signed tx; in a block,
a refused tx must leave exactly the app hash of a control chain that committed an empty block.
"""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tendermint.abci import types_pb2 as abci

from chain.app import App
from chain.store.memory import MemoryDB
from tests.helpers.chain import (
    check, committed_state, finalize, genesis_state, make_keys, make_send, new_app, run_block,
)

KEYS = make_keys(3)
ALICE, BOB, CAROL = KEYS
FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _fresh_app(items=None) -> App:
    db = MemoryDB()
    db.write_batch(dict(BASE_ITEMS if items is None else items))
    return App(db, sync_writes=False)


def _build_base():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app, [make_send(ALICE, BOB.bech32, 100, sequence=0)], height=1)
    items = dict(app.db.iterate(b""))
    control = _fresh_app(items)
    empty_hash = run_block(control, [], height=2).app_hash
    return items, committed_state(app), app.app_hash, empty_hash, committed_state(control)


# EMPTY_BLOCK_STATE: the base chain after an empty block (which mints the block reward and sweeps fees)
BASE_ITEMS, BASE_STATE, BASE_HASH, EMPTY_BLOCK_HASH, EMPTY_BLOCK_STATE = _build_base()
ORIGINAL = make_send(ALICE, BOB.bech32, 777, sequence=1)  # valid on the base chain
OTHER = make_send(BOB, CAROL.bech32, 55, sequence=0, memo="another valid tx to splice from")


def _assert_refused_everywhere(tx: bytes) -> None:
    """CheckTx refuses `tx` (unless it is the original), and a block holding it changes nothing."""
    app = _fresh_app()
    resp = check(app, tx)
    if tx != ORIGINAL:
        assert resp.code != 0, f"mutated tx accepted by CheckTx: {tx!r}"
    assert resp.codespace == "sdk" or resp.code == 0
    assert committed_state(app) == BASE_STATE and app.app_hash == BASE_HASH

    # The proposal handlers answer (never raise) on anything.
    app.prepare_proposal(abci.RequestPrepareProposal(txs=[tx], max_tx_bytes=10**7, height=2))
    app.process_proposal(abci.RequestProcessProposal(txs=[tx], height=2))

    block = run_block(_fresh_app(), [tx], height=2) if tx != ORIGINAL else None
    if block is not None:
        assert block.codes[0] != 0, f"mutated tx executed in a block: {tx!r}"
        assert block.app_hash == EMPTY_BLOCK_HASH, "a refused tx changed the app hash"


def test_base_chain_sanity():
    app = _fresh_app()
    assert check(app, ORIGINAL).code == 0
    assert check(_fresh_app(), OTHER).code == 0
    block = run_block(_fresh_app(), [ORIGINAL], height=2)
    assert block.codes == [0] and block.app_hash != EMPTY_BLOCK_HASH


@FUZZ
@given(st.binary(max_size=700))
@example(b"")
@example(b"\x0a\x00\x12\x00\x1a\x00")
@example(b"\xff" * 16)
def test_random_bytes(data):
    _assert_refused_everywhere(data)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 7)), min_size=1, max_size=6))
def test_bit_flips(flips):
    tx = bytearray(ORIGINAL)
    for position, bit in flips:
        tx[position % len(tx)] ^= 1 << bit
    _assert_refused_everywhere(bytes(tx))


@FUZZ
@given(st.integers(0, len(ORIGINAL) - 1))
def test_truncation(length):
    _assert_refused_everywhere(ORIGINAL[:length])


@FUZZ
@given(st.integers(0, len(ORIGINAL)), st.integers(0, len(ORIGINAL)), st.binary(max_size=40))
def test_splice_in_random_bytes(start, end, filler):
    start, end = min(start, end), max(start, end)
    _assert_refused_everywhere(ORIGINAL[:start] + filler + ORIGINAL[end:])


@FUZZ
@given(st.integers(0, len(ORIGINAL)), st.integers(0, len(OTHER)), st.booleans())
# ORIGINAL's body and auth_info fields followed by all of OTHER: protobuf keeps the last occurrence of
# each field, so this decodes to OTHER, signature and all, under a different tx hash.
@example(cut_a=len(ORIGINAL) - 66, cut_b=0, original_first=True)
def test_splice_two_valid_txs(cut_a, cut_b, original_first):
    if original_first:
        spliced = ORIGINAL[:cut_a] + OTHER[cut_b:]
    else:
        spliced = OTHER[:cut_b] + ORIGINAL[cut_a:]
    if spliced == OTHER:
        return
    _assert_refused_everywhere(spliced)


@FUZZ
@given(st.lists(st.binary(max_size=120), min_size=1, max_size=8))
def test_block_of_junk_commits_like_an_empty_block(txs):
    txs = [t for t in txs if t not in (ORIGINAL, OTHER)]
    app = _fresh_app()
    block = finalize(app, txs, height=2)
    app.commit(abci.RequestCommit())

    assert len(block.results) == len(txs)
    assert all(code != 0 for code in block.codes)
    assert block.app_hash == EMPTY_BLOCK_HASH
    assert committed_state(app) == EMPTY_BLOCK_STATE
    # The chain continues normally afterwards.
    assert run_block(app, [ORIGINAL], height=3).codes == [0]
