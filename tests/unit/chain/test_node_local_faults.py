"""Node-local faults (memory, stack, disk, database) must never become tx results.

In DELIVER they propagate out of FinalizeBlock (CometBFT then halts the node, which replays the
block on restart); in CheckTx/Simulate they answer code 1 "internal error, retry". A deterministic
handler bug (ValueError) stays a failed tx with the fee kept, identical on every node.
"""

from __future__ import annotations

import dataclasses

import plyvel
import pytest

from chain.errors import StoreError, is_node_local_fault
from chain.modules.bank.keys import BALANCE_PREFIX
from chain.modules.bank.msg_server import MSG_SEND_URL
from chain.runtx import INTERNAL_RETRY_LOG
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from tests.helpers.chain import (
    FEE, INITIAL_BALANCE, balance, check, finalize, make_keys, make_send, new_app, run_block, sequence,
)

KEYS = make_keys(4)
ALICE, BOB = KEYS[0], KEYS[1]


def _app():
    app = new_app(MemoryDB())
    run_block(app)
    return app


def _raising(exc: BaseException):
    def handle(ctx, msg):  # a msg-server method: (ctx, msg)
        raise exc
    return handle


def _break_send_handler(monkeypatch, app, exc: BaseException) -> None:
    broken = dataclasses.replace(app.router.route(MSG_SEND_URL), handle=_raising(exc))
    monkeypatch.setitem(app.router._routes, MSG_SEND_URL, broken)  # noqa: SLF001


def _write_fails_on_balances(monkeypatch) -> None:
    original = CacheStore.set

    def set_(self, key, value):
        if key.startswith(BALANCE_PREFIX):
            raise OSError(5, "Input/output error")
        original(self, key, value)

    monkeypatch.setattr(CacheStore, "set", set_)


class _BrokenSnapshot:
    """A committed snapshot whose database has gone away (plyvel raises RuntimeError when closed)."""

    def get(self, key):
        raise RuntimeError("Database is closed")

    def iterate(self, prefix):
        raise RuntimeError("Database is closed")
        yield  # pragma: no cover


NODE_LOCAL = [MemoryError("simulated"), RecursionError("maximum recursion depth exceeded"),
              OSError(28, "No space left on device"), SystemError("bad internal call")]


@pytest.mark.parametrize("exc", NODE_LOCAL, ids=lambda e: type(e).__name__)
def test_handler_fault_in_deliver_halts_finalize_and_a_retry_matches_a_clean_run(monkeypatch, exc):
    app, clean = _app(), _app()
    tx = make_send(ALICE, BOB.bech32, 10, sequence=0)
    before = app.app_hash
    _break_send_handler(monkeypatch, app, exc)
    with pytest.raises(type(exc)):
        finalize(app, [tx])
    assert (app.height, app.app_hash, app.pending) == (1, before, None)
    monkeypatch.undo()
    assert run_block(app, [tx]).app_hash == run_block(clean, [tx]).app_hash
    assert balance(app, BOB.address) == INITIAL_BALANCE + 10


def test_store_write_error_in_deliver_halts_finalize(monkeypatch):
    app, clean = _app(), _app()
    tx = make_send(ALICE, BOB.bech32, 10, sequence=0)
    _write_fails_on_balances(monkeypatch)
    with pytest.raises(OSError):
        finalize(app, [tx])
    assert app.height == 1
    monkeypatch.undo()
    assert run_block(app, [tx]).app_hash == run_block(clean, [tx]).app_hash


def test_database_read_error_in_deliver_is_a_store_error_that_halts_finalize(monkeypatch):
    app = _app()
    good = app.committed
    monkeypatch.setattr(app, "committed", _BrokenSnapshot())
    with pytest.raises(StoreError, match="Database is closed"):
        finalize(app, [make_send(ALICE, BOB.bech32, 10, sequence=0)])
    monkeypatch.setattr(app, "committed", good)
    assert run_block(app, [make_send(ALICE, BOB.bech32, 10, sequence=0)]).codes == [0]


@pytest.mark.parametrize("exc", NODE_LOCAL, ids=lambda e: type(e).__name__)
def test_handler_fault_in_check_tx_and_simulate_answers_internal_error_retry(monkeypatch, exc):
    app = _app()
    _break_send_handler(monkeypatch, app, exc)
    resp = check(app, make_send(ALICE, BOB.bech32, 10, sequence=0))
    assert resp.code == 1 and resp.log == f"{INTERNAL_RETRY_LOG}: {type(exc).__name__}"
    outcome = app.simulate(make_send(ALICE, BOB.bech32, 10, sequence=0, gas_limit=0, fee=0))
    assert outcome.code == 1 and outcome.log.startswith(INTERNAL_RETRY_LOG)


def test_store_write_error_in_check_tx_answers_internal_error_retry(monkeypatch):
    app = _app()
    _write_fails_on_balances(monkeypatch)
    resp = check(app, make_send(ALICE, BOB.bech32, 10, sequence=0))
    assert resp.code == 1 and resp.log == f"{INTERNAL_RETRY_LOG}: OSError"


def test_deterministic_handler_bug_stays_a_failed_tx_with_the_fee_kept(monkeypatch):
    app = _app()
    _break_send_handler(monkeypatch, app, ValueError("crafted message"))
    block = run_block(app, [make_send(ALICE, BOB.bech32, 10, sequence=0)])
    assert block.codes == [1] and block.results[0].log == "internal error: ValueError"
    assert balance(app, ALICE.address) == INITIAL_BALANCE - FEE
    assert balance(app, BOB.address) == INITIAL_BALANCE
    assert sequence(app, ALICE.address) == 1


def test_classification_follows_the_exception_chain():
    assert is_node_local_fault(plyvel.Error("corruption"))
    assert is_node_local_fault(StoreError("read failed"))
    assert is_node_local_fault(IOError("disk"))
    assert not is_node_local_fault(ValueError("bad input"))
    assert not is_node_local_fault(KeyError("missing"))
    try:
        try:
            raise OSError("disk")
        except OSError as err:
            raise ValueError("while handling") from err
    except ValueError as wrapped:
        assert is_node_local_fault(wrapped)


def test_cache_layer_reports_parent_failures_as_store_errors_once():
    store = CacheStore(_BrokenSnapshot())
    store.set(b"k", b"v")
    assert store.get(b"k") == b"v"  # buffered writes never touch the parent
    with pytest.raises(StoreError, match="Database is closed"):
        store.get(b"other")
    with pytest.raises(StoreError):
        list(store.iterate(b"o"))
    with pytest.raises(StoreError) as raised:
        store.branch().get(b"other")
    assert isinstance(raised.value.__cause__, RuntimeError)  # wrapped once, at the backend boundary
    assert not isinstance(raised.value, RuntimeError)  # never mistaken for "params missing"
