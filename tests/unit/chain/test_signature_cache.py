"""The ante handler's SignatureCache must never answer True for a triple that does not verify."""

from __future__ import annotations

from chain.tx.ante import SignatureCache
from chain.tx.crypto import SigningKey, verify_signature

KEY = SigningKey(bytes([7]) * 32)
MESSAGE = b"\x0a\x05hello\x12\x03abc\x1a\x0dsprint-test-1"


def test_caches_only_valid_signatures():
    cache = SignatureCache()
    signature = KEY.sign(MESSAGE)

    assert cache.verify(KEY.pubkey, signature, MESSAGE)
    assert cache.verify(KEY.pubkey, signature, MESSAGE)  # cached
    bad = bytes(64)
    assert not cache.verify(KEY.pubkey, bad, MESSAGE)
    assert not cache.verify(KEY.pubkey, bad, MESSAGE)  # failures are not cached as successes


def test_cache_key_is_unambiguous_between_signature_and_message():
    """The cache key is pubkey + signature + message without length prefixes, so a shorter signature
    with the moved bytes prepended to the message hits the cached entry, although that triple does not
    verify (and a 63-byte signature never can)."""
    cache = SignatureCache()
    signature = KEY.sign(MESSAGE)
    assert cache.verify(KEY.pubkey, signature, MESSAGE)

    shifted_sig, shifted_msg = signature[:63], signature[63:] + MESSAGE
    assert not verify_signature(KEY.pubkey, shifted_sig, shifted_msg)
    assert not cache.verify(KEY.pubkey, shifted_sig, shifted_msg)


def test_capacity_evicts_oldest():
    cache = SignatureCache(capacity=2)
    messages = [b"m%d" % i for i in range(3)]
    for message in messages:
        assert cache.verify(KEY.pubkey, KEY.sign(message), message)
    assert len(cache._seen) == 2  # noqa: SLF001
