"""Bad transactions are refused with a specific code and a clear log, and never change committed state.

Every case runs on a chain where key 0 already sent one tx (sequence 1, pubkey stored). Each bad tx is
fed to CheckTx (must refuse, state and app hash unchanged) and then put alone in a block
(FinalizeBlock + Commit): the app hash must equal that of a control chain that committed an empty
block at the same height, i.e. the tx left no trace in the state. The one exception is a tx that passes
the ante handler but fails in its message (insufficient balance): as in the Cosmos SDK, the fee is
kept and the sequence advances in FinalizeBlock, while CheckTx refuses it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import cosmpy.protos  # noqa: F401
import pytest
from cosmos.bank.v1beta1.tx_pb2 import MsgSend
from cosmos.base.v1beta1.coin_pb2 import Coin
from cosmos.staking.v1beta1.tx_pb2 import MsgDelegate
from cosmos.tx.v1beta1.tx_pb2 import TxRaw
from tendermint.abci import types_pb2 as abci

from chain.modules.bank.keeper import supply_invariant_violation
from chain.modules.bank.keys import FEE_COLLECTOR, module_address
from chain.store.memory import MemoryDB
from chain.tx.builder import MSG_SEND_URL, msg_send, pack_any, tx_hash
from chain.tx.crypto import encode_address
from tests.helpers.chain import (
    DENOM, FEE, INITIAL_BALANCE, balance, block_time, check, committed_state, genesis_state, make_key, make_keys,
    make_send, new_app, query_balance, run_block, sequence, sign_messages,
)

KEYS = make_keys(4)
ALICE, BOB = KEYS[0], KEYS[1]
REWARDS = module_address("rewards")  # gas fees are swept from the fee collector into it every block
SMALL_MAX_TX_BYTES = 512
FIRST_SEND = 100


def setup_chain(max_tx_bytes: int | None = None):
    """A chain at height 1 where ALICE (sequence now 1) sent FIRST_SEND to BOB."""
    params = {"max_tx_bytes": str(max_tx_bytes)} if max_tx_bytes else None
    app = new_app(MemoryDB(), genesis_state(KEYS, auth_params=params))
    block = run_block(app, [make_send(ALICE, BOB.bech32, FIRST_SEND, sequence=0)])
    assert block.codes == [0], block.results[0].log
    return app


def result_events(block):
    return [e for r in block.results for e in r.events]


def _flip_last_byte(tx: bytes) -> bytes:
    return tx[:-1] + bytes([tx[-1] ^ 0x01])


def _send_any(amount: str, to: str | None = None) -> bytes:
    msg = MsgSend(from_address=ALICE.bech32, to_address=to or BOB.bech32, amount=[Coin(denom=DENOM, amount=amount)])
    return sign_messages(ALICE, [pack_any(msg, MSG_SEND_URL)], sequence=1)


def _noncanonical_duplicate_field() -> bytes:
    """A junk body_bytes field in front of a valid tx: protobuf keeps the last one, so the signature still
    verifies, but the tx hash differs. The SDK rejects such TxRaw encodings (ADR-027, rejectNonADR027TxRaw)."""
    return TxRaw(body_bytes=b"junk").SerializeToString() + make_send(ALICE, BOB.bech32, 5, sequence=1)


def _noncanonical_reordered() -> bytes:
    raw = TxRaw.FromString(make_send(ALICE, BOB.bech32, 5, sequence=1))
    return (TxRaw(signatures=raw.signatures).SerializeToString()
            + TxRaw(auth_info_bytes=raw.auth_info_bytes).SerializeToString()
            + TxRaw(body_bytes=raw.body_bytes).SerializeToString())


def _delegate() -> bytes:
    msg = MsgDelegate(delegator_address=ALICE.bech32, validator_address="sprintvaloper1xyz",
                      amount=Coin(denom=DENOM, amount="10"))
    return sign_messages(ALICE, [pack_any(msg)], sequence=1)


@dataclass
class Case:
    name: str
    build: Callable[[], bytes]
    code: int
    log: str  # substring the log must contain
    stateless: bool  # refused by ProcessProposal (decode-level rule)
    max_tx_bytes: int | None = None
    deliver_keeps_fee: bool = False


CASES = [
    Case("undecodable bytes", lambda: b"\x0a\xff\xff\xff\xff\x0f garbage", 2, "tx parse error", True),
    Case("empty tx", lambda: b"", 2, "empty tx", True),
    Case("random protobuf-ish junk", lambda: bytes(range(256)), 2, "tx parse error", True),
    Case("bad signature", lambda: _flip_last_byte(make_send(ALICE, BOB.bech32, 5, sequence=1)), 4,
         "signature verification failed", False),
    Case("wrong chain-id", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, chain_id="other-chain-9"), 4,
         "chain-id", False),
    Case("wrong account number", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, account_number=3), 4,
         "account number", False),
    Case("replayed sequence", lambda: make_send(ALICE, BOB.bech32, FIRST_SEND, sequence=0), 32,
         "account sequence mismatch, expected 1, got 0", False),
    Case("future sequence", lambda: make_send(ALICE, BOB.bech32, 5, sequence=7), 32,
         "account sequence mismatch, expected 1, got 7", False),
    Case("insufficient balance", lambda: make_send(ALICE, BOB.bech32, INITIAL_BALANCE, sequence=1), 5,
         "insufficient funds", False, deliver_keeps_fee=True),
    Case("insufficient fee", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, fee=FEE - 1), 13,
         "insufficient fees; got: 4999usprint required: 5000usprint", False),
    Case("no fee at all", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, fee=0), 13, "insufficient fees",
         False),
    Case("fee larger than balance", lambda: make_send(KEYS[2], BOB.bech32, 5, sequence=0, fee=INITIAL_BALANCE + 1),
         5, "insufficient funds", False),
    Case("fee in a foreign denom", lambda: sign_messages(ALICE, [msg_send(ALICE.bech32, BOB.bech32, 5)], sequence=1,
                                                          fee=0, extra_fee_coins=[("uatom", "5000")]),
         13, "fee denom 'uatom' not accepted", False),
    Case("zero amount", lambda: make_send(ALICE, BOB.bech32, 0, sequence=1), 10, "invalid coin amount 0", True),
    Case("negative amount", lambda: _send_any("-5"), 10, "invalid coin amount '-5'", True),
    Case("amount 2^256", lambda: _send_any(str(2**256)), 10, "exceeds 2^256-1", True),
    Case("amount with leading zeros", lambda: _send_any("0005"), 10, "leading zeros", True),
    Case("amount with 5000 digits", lambda: _send_any("1" * 5000), 10, "invalid coin amount", True),
    Case("malformed bech32 recipient", lambda: make_send(ALICE, "sprint1notanaddress", 5, sequence=1), 7,
         "invalid to_address", True),
    Case("bech32 recipient with a bad checksum", lambda: make_send(ALICE, BOB.bech32[:-1] + (
        "q" if BOB.bech32[-1] != "q" else "p"), 5, sequence=1), 7, "invalid to_address", True),
    Case("recipient with a foreign prefix", lambda: make_send(ALICE, encode_address(BOB.address, "cosmos"), 5,
                                                              sequence=1), 7, "prefix 'cosmos'", True),
    Case("unknown message type", _delegate, 6, "unrecognized message type: /cosmos.staking.v1beta1.MsgDelegate",
         True),
    Case("oversized memo (small max_tx_bytes)", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, memo="m" * 250),
         21, f"> max {SMALL_MAX_TX_BYTES}", True, max_tx_bytes=SMALL_MAX_TX_BYTES),
    Case("oversized message (small max_tx_bytes)", lambda: sign_messages(
        ALICE, [msg_send(ALICE.bech32, BOB.bech32, 1)] * 8, sequence=1), 21, "tx too large", True,
        max_tx_bytes=SMALL_MAX_TX_BYTES),
    Case("oversized tx (default max_tx_bytes)", lambda: _flip_last_byte(b"\x0a" * 300_000), 21,
         "tx too large: 300000 bytes > max 262144", True),
    Case("memo over max_memo_characters", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, memo="m" * 257), 12,
         "memo has 257 characters; max 256", False),
    Case("unknown fee payer", lambda: make_send(make_key(50), BOB.bech32, 5, sequence=0, account_number=50), 9,
         "does not exist", False),
    Case("gas limit 0", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, gas_limit=0, fee=0), 41,
         "gas limit is 0", True),
    Case("gas limit above max_tx_gas", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, gas_limit=10**8,
                                                         fee=10**8), 41, "exceeds max_tx_gas", True),
    Case("gas limit 2^63 (beyond ABCI's int64)", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1,
                                                                   gas_limit=2**63, fee=0), 41, "int64", True),
    Case("gas limit 2^64-1", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, gas_limit=2**64 - 1, fee=0), 41,
         "int64", True),
    Case("out of gas", lambda: make_send(ALICE, BOB.bech32, 5, sequence=1, gas_limit=1000, fee=25), 11,
         "out of gas", False),
    Case("non-ASCII digit fee amount", lambda: sign_messages(
        ALICE, [msg_send(ALICE.bech32, BOB.bech32, 5)], sequence=1, extra_fee_coins=[("usprint", "\u00b2")]),
        13, "fee amount", False),
    Case("fee amount in non-ASCII digits", lambda: sign_messages(
        ALICE, [msg_send(ALICE.bech32, BOB.bech32, 5)], sequence=1, fee=0,
        extra_fee_coins=[("usprint", "\u0665\u0660\u0660\u0660")]), 13, "fee amount", False),
    Case("non-canonical TxRaw (duplicate body_bytes field)", lambda: _noncanonical_duplicate_field(), 2,
         "tx parse error", True),
    Case("non-canonical TxRaw (fields out of order)", lambda: _noncanonical_reordered(), 2, "tx parse error", True),
    Case("fee amount with 5000 digits", lambda: sign_messages(
        ALICE, [msg_send(ALICE.bech32, BOB.bech32, 5)], sequence=1, fee=0, extra_fee_coins=[("usprint", "9" * 5000)]),
        13, "fee amount", False),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_tx_refuses_with_specific_code_and_leaves_state_unchanged(case):
    app = setup_chain(case.max_tx_bytes)
    before_state, before_hash, before_height = committed_state(app), app.app_hash, app.height
    tx = case.build()

    resp = check(app, tx)

    assert resp.code == case.code, f"{case.name}: code {resp.code} log {resp.log!r}"
    assert resp.codespace == "sdk"
    assert case.log in resp.log, f"{case.name}: log {resp.log!r} lacks {case.log!r}"
    assert committed_state(app) == before_state
    assert (app.app_hash, app.height) == (before_hash, before_height)
    # The check state was not poisoned: ALICE's next tx (sequence 1) is still accepted.
    assert check(app, make_send(ALICE, BOB.bech32, 1, sequence=1)).code == 0


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_tx_in_a_block_fails_with_the_same_code_and_leaves_no_trace(case):
    app, control = setup_chain(case.max_tx_bytes), setup_chain(case.max_tx_bytes)
    before = committed_state(app)
    fee_collector = module_address(FEE_COLLECTOR)
    payer_balance, collector_balance = balance(app, ALICE.address), balance(app, fee_collector)
    tx = case.build()

    block = run_block(app, [tx], height=2)
    empty = run_block(control, [], height=2)

    assert block.codes == [case.code], f"{case.name}: {block.results[0].log!r}"
    assert case.log in block.results[0].log
    assert supply_invariant_violation(app.keepers.bank, app.committed_store()) is None
    if case.deliver_keeps_fee:
        assert balance(app, ALICE.address) == payer_balance - FEE
        # the fee reached the fee collector and was swept into the rewards pool at end_block
        assert balance(app, fee_collector) == collector_balance == 0
        assert balance(app, REWARDS) == balance(control, REWARDS) + FEE
        assert sequence(app, ALICE.address) == 2
        assert block.app_hash != empty.app_hash
    else:
        # exactly the state of a chain that committed an empty block (which mints the block reward)
        assert committed_state(app) == committed_state(control) != before
        assert block.app_hash == empty.app_hash, "an invalid tx changed the app hash"
    # The chain keeps going after the bad block.
    next_block = run_block(app, [make_send(KEYS[3], BOB.bech32, 1, sequence=0)])
    assert next_block.codes == [0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_proposal_handlers_never_raise_and_filter_bad_txs(case):
    app = setup_chain(case.max_tx_bytes)
    good = make_send(KEYS[2], BOB.bech32, 5, sequence=0)
    tx = case.build()

    prepared = app.prepare_proposal(abci.RequestPrepareProposal(txs=[tx, good], max_tx_bytes=10**7, height=2))
    processed = app.process_proposal(abci.RequestProcessProposal(txs=[good, tx], height=2))

    if case.deliver_keeps_fee:  # passes the ante handler: PrepareProposal keeps it
        assert list(prepared.txs) == [tx, good]
    else:
        assert list(prepared.txs) == [good]
    expected = abci.ResponseProcessProposal.REJECT if case.stateless else abci.ResponseProcessProposal.ACCEPT
    assert processed.status == expected


def test_check_tx_before_init_chain_is_refused_cleanly():
    from chain.app import App

    app = App(MemoryDB(), sync_writes=False)
    resp = check(app, make_send(ALICE, BOB.bech32, 1, sequence=0))
    assert resp.code != 0 and "not initialised" in resp.log


def test_message_failure_in_check_tx_does_not_advance_check_state_sequence():
    app = setup_chain()

    assert check(app, make_send(ALICE, BOB.bech32, INITIAL_BALANCE, sequence=1)).code == 5

    assert check(app, make_send(ALICE, BOB.bech32, 1, sequence=1)).code == 0
    assert check(app, make_send(ALICE, BOB.bech32, 1, sequence=2)).code == 0
    assert check(app, make_send(ALICE, BOB.bech32, 1, sequence=2)).code == 32  # now a replay in the mempool


def test_replayed_tx_in_a_later_block_does_not_overwrite_its_successful_index_entry():
    """CometBFT's kv indexer keeps a successful result when the same tx hash later fails
    (tendermint#8625/#9473); GetTx must keep answering with the original, successful result."""
    app = setup_chain()
    first = make_send(ALICE, BOB.bech32, FIRST_SEND, sequence=0)

    block = run_block(app, [first], height=2)

    assert block.codes == [32]
    indexed, _ = app.get_tx(bytes.fromhex(tx_hash(first)))
    assert (indexed.height, indexed.result.code) == (1, 0)


def test_duplicate_tx_in_one_block_keeps_the_successful_index_entry():
    app = setup_chain()
    tx = make_send(ALICE, BOB.bech32, 7, sequence=1)

    block = run_block(app, [tx, tx], height=2)

    assert block.codes == [0, 32]
    assert balance(app, BOB.address) == INITIAL_BALANCE + FIRST_SEND + 7
    indexed, _ = app.get_tx(bytes.fromhex(tx_hash(tx)))
    assert (indexed.height, indexed.index, indexed.result.code) == (2, 0, 0)


# --- happy path ---------------------------------------------------------------------------------

def test_send_moves_exact_amounts_and_the_fee_goes_to_the_rewards_pool():
    app = new_app(MemoryDB(), genesis_state(KEYS))
    run_block(app, [], height=1)  # CheckTx reads committed state: genesis lands with block 1 (as in the SDK)
    collector = module_address(FEE_COLLECTOR)
    tx = make_send(ALICE, BOB.bech32, 12_345, sequence=0)
    supply_before = app.keepers.bank.supply(app.committed_store(), DENOM)

    assert check(app, tx).code == 0
    block = run_block(app, [tx], height=2)

    assert block.codes == [0], block.results[0].log
    assert balance(app, ALICE.address) == INITIAL_BALANCE - 12_345 - FEE
    assert balance(app, BOB.address) == INITIAL_BALANCE + 12_345
    assert query_balance(app, BOB.bech32) == INITIAL_BALANCE + 12_345
    # the fee went to the fee collector, which end_block swept into the rewards pool of the epoch
    assert any(e.type == "transfer" and ("recipient", encode_address(collector)) in
               [(a.key, a.value) for a in e.attributes] for e in result_events(block))
    assert balance(app, collector) == query_balance(app, encode_address(collector)) == 0
    rewards = app.keepers.rewards
    issued = rewards.block_reward(rewards.get_params(app.committed_store()), 2)
    assert rewards.get_pool(app.committed_store(), 0).gas_fees == FEE
    assert sequence(app, ALICE.address) == 1
    # supply grows only by the block's issuance
    assert app.keepers.bank.supply(app.committed_store(), DENOM) == supply_before + issued
    assert supply_before == 4 * INITIAL_BALANCE + rewards.block_reward(rewards.get_params(app.committed_store()), 1)
    assert supply_invariant_violation(app.keepers.bank, app.committed_store()) is None
    result = block.results[0]
    assert 0 < result.gas_used <= result.gas_wanted == 200_000
    transfers = [e for e in result.events if e.type == "transfer"]
    # message events also carry msg_index (SDK v0.50+): the MsgSend is message 0
    assert any({a.key: a.value for a in e.attributes} == {
        "recipient": BOB.bech32, "sender": ALICE.bech32, "amount": f"12345{DENOM}", "msg_index": "0"}
        for e in transfers)
    indexed, block_seconds = app.get_tx(bytes.fromhex(tx_hash(tx)))
    assert (indexed.height, indexed.index, indexed.result.code, indexed.tx) == (2, 0, 0, tx)
    assert block_seconds == block_time(2)


def test_send_to_a_new_account_creates_it_and_several_txs_in_one_block_chain_sequences():
    app = setup_chain()
    fresh = make_key(77)
    txs = [make_send(ALICE, fresh.bech32, 1_000, sequence=1), make_send(ALICE, fresh.bech32, 2_000, sequence=2),
           make_send(BOB, ALICE.bech32, 3, sequence=0)]

    block = run_block(app, txs, height=2)

    assert block.codes == [0, 0, 0]
    assert balance(app, fresh.address) == 3_000
    assert sequence(app, fresh.address) == 0
    assert sequence(app, ALICE.address) == 3
    assert balance(app, ALICE.address) == INITIAL_BALANCE - FIRST_SEND - FEE - 3_000 - 2 * FEE + 3
    assert supply_invariant_violation(app.keepers.bank, app.committed_store()) is None
    # The new account can spend once it is known (account number assigned at creation).
    account = app.keepers.auth.get_account(app.committed_store(), fresh.address)
    spend = make_send(fresh, BOB.bech32, 10, sequence=0, account_number=account.account_number, fee=FEE)
    assert check(app, spend).code == 5  # 3_000 < 10 + 5_000 fee: refused, fee too large for balance
