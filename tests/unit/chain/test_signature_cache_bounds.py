"""The signature cache is bounded by bytes, keyed by a 32-byte digest, thread-safe, and only holds
signatures of txs that passed CheckTx (a rejected tx must not fill it for free)."""

from __future__ import annotations

import threading

import pytest

import chain.tx.ante as ante
from chain.store.memory import MemoryDB
from chain.tx.ante import (
    DEFAULT_SIG_CACHE_BYTES, SIG_CACHE_ENTRY_BYTES, SignatureCache, signature_digest,
)
from chain.tx.crypto import SigningKey
from tests.helpers.chain import INITIAL_BALANCE, check, make_keys, make_send, new_app, run_block

KEY = SigningKey(bytes([9]) * 32)
KEYS = make_keys(4)
ALICE, BOB = KEYS[0], KEYS[1]


def _app():
    app = new_app(MemoryDB())
    run_block(app)
    return app


def _count_verifications(monkeypatch) -> list:
    calls = []
    real = ante.verify_signature

    def counting(pubkey, signature, message):
        calls.append(len(message))
        return real(pubkey, signature, message)

    monkeypatch.setattr(ante, "verify_signature", counting)
    return calls


def test_entries_are_fixed_size_digests_whatever_the_sign_doc_size():
    cache = SignatureCache()
    message = b"x" * 200_000
    assert cache.verify(KEY.pubkey, KEY.sign(message), message)
    assert [len(key) for key in cache._seen] == [32]  # noqa: SLF001
    assert cache.bytes_used == SIG_CACHE_ENTRY_BYTES


def test_digest_separates_fields():
    sig = KEY.sign(b"m")
    assert signature_digest(KEY.pubkey, sig, b"m") != signature_digest(KEY.pubkey, sig[:63], sig[63:] + b"m")
    assert signature_digest(KEY.pubkey, sig, b"m") != signature_digest(KEY.pubkey + sig[:1], sig[1:], b"m")


def test_byte_budget_bounds_the_cache_and_evicts_least_recently_used():
    cache = SignatureCache(max_bytes=3 * SIG_CACHE_ENTRY_BYTES)
    signed = [(b"m%d" % i, KEY.sign(b"m%d" % i)) for i in range(5)]
    for message, sig in signed[:3]:
        assert cache.verify(KEY.pubkey, sig, message)
    assert cache.contains(signature_digest(KEY.pubkey, signed[0][1], signed[0][0]))  # m0 now most recent
    for message, sig in signed[3:]:
        assert cache.verify(KEY.pubkey, sig, message)
    assert len(cache) == 3 and cache.bytes_used <= cache.max_bytes
    held = [cache.contains(signature_digest(KEY.pubkey, sig, message)) for message, sig in signed]
    assert held == [True, False, False, True, True]


def test_default_budget_is_16_mib():
    cache = SignatureCache()
    assert cache.max_bytes == DEFAULT_SIG_CACHE_BYTES == 16 * 1024 * 1024
    assert cache.capacity * SIG_CACHE_ENTRY_BYTES <= cache.max_bytes
    assert cache.capacity >= 50_000  # room for a full mempool several times over


def test_batch_stages_until_commit_and_never_caches_failures():
    cache = SignatureCache()
    batch = cache.batch()
    sig = KEY.sign(b"doc")
    assert batch.verify(KEY.pubkey, sig, b"doc")
    assert not batch.verify(KEY.pubkey, bytes(64), b"doc")
    assert len(cache) == 0
    batch.commit()
    assert len(cache) == 1 and cache.contains(signature_digest(KEY.pubkey, sig, b"doc"))


def test_check_tx_rejected_by_its_messages_adds_nothing():
    app = _app()
    too_much = make_send(ALICE, BOB.bech32, INITIAL_BALANCE * 2, sequence=0)  # valid signature
    resp = check(app, too_much)
    assert resp.code == 5  # insufficient funds, found by executing the message in CheckTx
    assert len(app.runner.sig_cache) == 0


def test_check_tx_passing_caches_and_deliver_reuses_without_adding(monkeypatch):
    app = _app()
    calls = _count_verifications(monkeypatch)
    tx = make_send(ALICE, BOB.bech32, 10, sequence=0)
    assert check(app, tx).code == 0
    assert len(app.runner.sig_cache) == 1 and len(calls) == 1
    fresh = make_send(KEYS[2], BOB.bech32, 10, sequence=0)  # never seen by CheckTx
    assert run_block(app, [tx, fresh]).codes == [0, 0]
    assert len(calls) == 2  # only the unseen tx was verified again
    assert len(app.runner.sig_cache) == 1  # DELIVER does not add


def test_concurrent_use_keeps_the_bound():
    cache = SignatureCache(max_bytes=16 * SIG_CACHE_ENTRY_BYTES)
    signed = [(b"doc%d" % i, KEY.sign(b"doc%d" % i)) for i in range(40)]
    errors = []

    def work(offset: int) -> None:
        try:
            for round_ in range(5):
                for i in range(len(signed)):
                    message, sig = signed[(i + offset + round_) % len(signed)]
                    assert cache.verify(KEY.pubkey, sig, message)
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and len(cache) <= 16


@pytest.mark.parametrize("max_bytes", [0, SIG_CACHE_ENTRY_BYTES - 1])
def test_a_budget_below_one_entry_disables_caching(max_bytes):
    cache = SignatureCache(max_bytes=max_bytes)
    sig = KEY.sign(b"doc")
    assert cache.verify(KEY.pubkey, sig, b"doc") and len(cache) == 0
