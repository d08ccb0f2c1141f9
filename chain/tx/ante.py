"""The ante handler: fee, gas, memo, timeout, pubkey, signature and sequence rules run before messages.

Order follows the Cosmos SDK: timeout -> memo -> size gas -> fee -> pubkeys -> signature gas ->
signature verification -> sequence increment. Any failure rejects the whole transaction.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import cosmpy.protos  # noqa: F401
from cosmos.crypto.secp256k1.keys_pb2 import PubKey

from chain.coins import MAX_AMOUNT_DIGITS, ceil_mul, format_coins, is_ascii_digits, parse_decimal
from chain.context import Context
from chain.errors import (
    ErrInsufficientFee, ErrInvalidGasLimit, ErrInvalidPubKey, ErrInvalidRequest, ErrMemoTooLarge,
    ErrTooManySignatures, ErrTxTimeoutHeight, ErrUnauthorized, ErrUnknownAddress, ErrWrongSequence,
)
from chain.modules.bank.keys import FEE_COLLECTOR
from chain.tx.amino import std_sign_bytes
from chain.tx.builder import SECP256K1_PUBKEY_URL, pack_any, sign_doc_bytes
from chain.tx.crypto import encode_address, pubkey_to_address, verify_signature
from chain.tx.decode import SIGN_MODE_LEGACY_AMINO_JSON, DecodedTx


DEFAULT_SIG_CACHE_BYTES = 16 * 1024 * 1024
# Memory one cached entry takes: a 32-byte bytes object (65 B) plus its OrderedDict slot and link
# node; 170 B measured with tracemalloc on CPython 3.11, rounded up.
SIG_CACHE_ENTRY_BYTES = 176


def signature_digest(pubkey: bytes, signature: bytes, message: bytes) -> bytes:
    """sha256 over length-prefixed pubkey and signature, then the sign doc: one fixed-size key per
    triple (the length prefixes make moving bytes between the fields give a different digest)."""
    digest = hashlib.sha256()
    digest.update(len(pubkey).to_bytes(4, "big") + pubkey)
    digest.update(len(signature).to_bytes(4, "big") + signature)
    digest.update(message)
    return digest.digest()


class SignatureCache:
    """Digests of (pubkey, signature, sign doc) triples already verified as valid, bounded by bytes.

    Verification is a pure function of those bytes, so skipping a repeat check cannot change any
    result; it saves the second verification of a tx seen in CheckTx and again in FinalizeBlock.
    Only successful verifications of exactly these bytes are cached, keyed by `signature_digest`.
    The least recently used entries are evicted once `max_bytes` (at SIG_CACHE_ENTRY_BYTES per
    entry) or `capacity` entries are reached. Thread-safe: CheckTx and Simulate may share it.
    """

    def __init__(self, max_bytes: int = DEFAULT_SIG_CACHE_BYTES, capacity: int | None = None):
        by_bytes = max_bytes // SIG_CACHE_ENTRY_BYTES
        self.capacity = by_bytes if capacity is None else min(capacity, by_bytes)
        self.max_bytes = max_bytes
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    @property
    def bytes_used(self) -> int:
        """Estimated memory held by the entries (SIG_CACHE_ENTRY_BYTES each)."""
        return len(self._seen) * SIG_CACHE_ENTRY_BYTES

    def contains(self, digest: bytes) -> bool:
        """True when `digest` was added (a hit also makes the entry the most recently used)."""
        with self._lock:
            if digest not in self._seen:
                return False
            self._seen.move_to_end(digest)
            return True

    def add(self, digests) -> None:
        """Remember digests of verified triples, evicting the least recently used over budget."""
        with self._lock:
            for digest in digests:
                self._seen[digest] = None
                self._seen.move_to_end(digest)
            while len(self._seen) > self.capacity:
                self._seen.popitem(last=False)

    def verify(self, pubkey: bytes, signature: bytes, message: bytes) -> bool:
        """Verify (or find cached) and remember a success at once; for callers without a tx outcome."""
        batch = self.batch()
        if not batch.verify(pubkey, signature, message):
            return False
        batch.commit()
        return True

    def batch(self) -> "SignatureBatch":
        """A staging area for one tx: its new successes reach the cache only on `commit()`."""
        return SignatureBatch(self)


class SignatureBatch:
    """The verifications of one tx run. Hits come from the shared cache; new successes are staged
    so the caller can cache them only when the whole tx passes (a rejected tx costs its sender
    nothing, so caching it would let anyone fill the cache for free)."""

    def __init__(self, cache: SignatureCache):
        self.cache = cache
        self.staged: list[bytes] = []

    def verify(self, pubkey: bytes, signature: bytes, message: bytes) -> bool:
        digest = signature_digest(pubkey, signature, message)
        if self.cache.contains(digest):
            return True
        if not verify_signature(pubkey, signature, message):
            return False
        self.staged.append(digest)
        return True

    def commit(self) -> None:
        """Add the staged digests to the shared cache."""
        self.cache.add(self.staged)
        self.staged = []


def run_ante(ctx: Context, keepers, tx: DecodedTx, params, sig_cache: SignatureCache | SignatureBatch) -> None:
    """Apply the ante rules to ctx.store (a gas-metered branch); raises a TxError on failure.

    `sig_cache` verifies signatures: a SignatureBatch (staged, see TxRunner) or a SignatureCache."""
    fee = tx.auth_info.fee
    _check_gas_limit(ctx, fee.gas_limit, params)
    if tx.body.timeout_height and ctx.block.height > tx.body.timeout_height:
        raise ErrTxTimeoutHeight(
            f"tx timeout height {tx.body.timeout_height} passed; current height {ctx.block.height}"
        )
    if len(tx.body.memo) > params.max_memo_characters:
        raise ErrMemoTooLarge(f"memo has {len(tx.body.memo)} characters; max {params.max_memo_characters}")
    if len(tx.signers) > params.tx_sig_limit:
        raise ErrTooManySignatures(f"{len(tx.signers)} signatures; max {params.tx_sig_limit}")
    ctx.gas_meter.consume(len(tx.raw) * params.tx_size_cost_per_byte, "txSize")
    _deduct_fee(ctx, keepers, tx, params)
    for signer, slot in zip(tx.signers, tx.slots):
        _check_signer(ctx, keepers, tx, signer, slot, params, sig_cache)


def _check_gas_limit(ctx: Context, gas_limit: int, params) -> None:
    if ctx.simulate:
        return
    if gas_limit == 0:
        raise ErrInvalidGasLimit("gas limit is 0: set --gas (or --gas auto)")
    if gas_limit > params.max_tx_gas:
        raise ErrInvalidGasLimit(f"gas limit {gas_limit} exceeds max_tx_gas {params.max_tx_gas}")


def _deduct_fee(ctx: Context, keepers, tx: DecodedTx, params) -> None:
    fee = tx.auth_info.fee
    if fee.payer or fee.granter:
        raise ErrInvalidRequest("fee payer/granter are not supported: the first signer pays")
    paid = 0
    for coin in fee.amount:
        if coin.denom != params.fee_denom:
            raise ErrInsufficientFee(f"fee denom {coin.denom!r} not accepted; pay fees in {params.fee_denom}")
        if not is_ascii_digits(coin.amount) or len(coin.amount) > MAX_AMOUNT_DIGITS:
            raise ErrInsufficientFee(f"invalid fee amount {coin.amount[:40]!r}: must be a non-negative integer")
        paid += int(coin.amount)
    required = ceil_mul(fee.gas_limit, parse_decimal(params.min_gas_price))
    if not ctx.simulate and paid < required:
        raise ErrInsufficientFee(
            f"insufficient fees; got: {paid}{params.fee_denom} required: {required}{params.fee_denom} "
            f"(gas {fee.gas_limit} x min gas price {params.min_gas_price})"
        )
    payer = tx.signers[0]
    if keepers.auth.get_account(ctx.store, payer) is None:
        raise ErrUnknownAddress(f"fee payer account {encode_address(payer)} does not exist: fund it first")
    if paid or ctx.simulate:
        # Simulations usually carry no fee; moving a zero fee meters the same store accesses, so the
        # estimate covers the fee transfer the real tx will make.
        keepers.bank.send_to_module(ctx, payer, FEE_COLLECTOR, [(params.fee_denom, paid)])
    ctx.emit("tx", ("fee", format_coins([(params.fee_denom, paid)]) if paid else ""),
             ("fee_payer", encode_address(payer)))


def _check_signer(ctx: Context, keepers, tx: DecodedTx, signer: bytes, slot, params, sig_cache) -> None:
    account = keepers.auth.get_account(ctx.store, signer)
    address = encode_address(signer)
    if account is None:
        raise ErrUnknownAddress(f"account {address} does not exist: fund it before signing with it")
    stored = _stored_pubkey(account)
    pubkey = slot.pubkey or stored
    if pubkey is None:
        raise ErrInvalidPubKey(f"no pubkey for {address}: include it in the signer info")
    if pubkey_to_address(pubkey) != signer or (stored is not None and stored != pubkey):
        raise ErrInvalidPubKey(f"pubkey does not match signer address {address}")
    ctx.gas_meter.consume(params.sig_verify_cost_secp256k1, "ante verify: secp256k1")
    # Simulate runs on the last committed state, which lacks the sender's txs still in the mempool:
    # a sequence ahead of the committed one is the next tx in that queue, not a replay.
    ahead_ok = ctx.simulate and slot.sequence > account.sequence
    if slot.sequence != account.sequence and not ahead_ok:
        raise ErrWrongSequence(
            f"account sequence mismatch, expected {account.sequence}, got {slot.sequence}: incorrect account sequence"
        )
    if not (ctx.simulate or ctx.recheck_tx):
        doc = signed_bytes(tx, slot, ctx.block.chain_id, account.account_number)
        if not sig_cache.verify(pubkey, slot.signature, doc):
            raise ErrUnauthorized(
                f"signature verification failed; please verify account number ({account.account_number}), "
                f"sequence ({account.sequence}) and chain-id ({ctx.block.chain_id})"
                + (" (SIGN_MODE_LEGACY_AMINO_JSON)" if slot.mode == SIGN_MODE_LEGACY_AMINO_JSON else "")
            )
    if stored is None:
        account.pub_key.CopyFrom(pack_any(PubKey(key=pubkey), SECP256K1_PUBKEY_URL))
    account.sequence += 1
    keepers.auth.set_account(ctx.store, account, signer)
    ctx.emit("tx", ("acc_seq", f"{address}/{slot.sequence}"))


def signed_bytes(tx: DecodedTx, slot, chain_id: str, account_number: int) -> bytes:
    """What the signer's signature covers in its sign mode: the protobuf SignDoc (DIRECT) or the
    StdSignDoc JSON (LEGACY_AMINO_JSON, over the sequence already checked equal to the account's)."""
    if slot.mode == SIGN_MODE_LEGACY_AMINO_JSON:
        return std_sign_bytes(tx.msgs, tx.body, tx.auth_info.fee, chain_id, account_number, slot.sequence)
    return sign_doc_bytes(tx.body_bytes, tx.auth_info_bytes, chain_id, account_number)


def _stored_pubkey(account) -> bytes | None:
    if not account.HasField("pub_key") or not account.pub_key.value:
        return None
    return PubKey.FromString(account.pub_key.value).key
