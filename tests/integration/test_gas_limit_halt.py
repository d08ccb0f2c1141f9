"""Gas limits no node can report (issue 9, defect 1), driven through the in-process App.

A tx's gas_limit is a uint64 but ABCI's gas_wanted is an int64: before the fix a tx with gas_limit
>= 2^63 passed ProcessProposal (decode only) and made FinalizeBlock raise, a consensus failure on
every node and again on every replay. Now every node checks the consensus limits (gas per tx, gas
per block = consensus block.max_gas) in CheckTx, PrepareProposal and ProcessProposal, and every
int64 field of a response is clamped. The e2e twin is tests/e2e/test_byzantine_proposer.py.
"""

from __future__ import annotations

import json

import cosmpy.protos  # noqa: F401
import pytest
from tendermint.abci import types_pb2 as abci
from tendermint.types.params_pb2 import BlockParams, ConsensusParams

from chain.app import App
from chain.errors import ErrInvalidGasLimit
from chain.store.memory import MemoryDB
from tests.helpers.chain import (
    CHAIN_ID, GENESIS_TIME, check, finalize, genesis_state, genesis_validators, make_keys, make_send, run_block,
    sequence, timestamp,
)

MAX_INT64 = (1 << 63) - 1
MAX_TX_GAS = 10_000_000  # the auth param default
BLOCK_MAX_GAS = 3 * MAX_TX_GAS
ACCEPT = abci.ResponseProcessProposal.ACCEPT
REJECT = abci.ResponseProcessProposal.REJECT
UNREPORTABLE = [1 << 63, (1 << 64) - 1]
OVER_LIMITS = UNREPORTABLE + [MAX_TX_GAS + 1]


@pytest.fixture
def keys():
    return make_keys(3)


@pytest.fixture
def db():
    return MemoryDB()


@pytest.fixture
def app(db, keys):
    """An App with block.max_gas = BLOCK_MAX_GAS in its consensus params and block 1 committed."""
    app = App(db, sync_writes=False)
    state = genesis_state(keys)
    app.init_chain(abci.RequestInitChain(
        chain_id=CHAIN_ID, time=timestamp(GENESIS_TIME), initial_height=1,
        app_state_bytes=json.dumps(state, sort_keys=True).encode(), validators=genesis_validators(state),
        consensus_params=ConsensusParams(block=BlockParams(max_bytes=4 << 20, max_gas=BLOCK_MAX_GAS)),
    ))
    run_block(app, [])
    return app


def send(keys, gas_limit: int, seq: int = 0, fee: int = 5_000) -> bytes:
    """A correctly signed 1-usprint send from keys[0] whose only fault, if any, is its gas limit."""
    return make_send(keys[0], keys[1].bech32, 1, sequence=seq, gas_limit=gas_limit, fee=fee)


def full_send(keys, seq: int) -> bytes:
    """A valid send using all of max_tx_gas, paying the min gas price (0.025 usprint/gas)."""
    return send(keys, MAX_TX_GAS, seq, fee=MAX_TX_GAS // 40)


def process(app: App, txs) -> int:
    return app.process_proposal(abci.RequestProcessProposal(txs=list(txs), height=app.height + 1)).status


def prepare(app: App, txs) -> list[bytes]:
    req = abci.RequestPrepareProposal(txs=list(txs), max_tx_bytes=1 << 20, height=app.height + 1,
                                      time=timestamp(GENESIS_TIME + 10))
    return list(app.prepare_proposal(req).txs)


@pytest.mark.parametrize("gas_limit", OVER_LIMITS)
def test_process_proposal_rejects_a_tx_over_the_gas_limits(app, keys, gas_limit):
    assert process(app, [send(keys, 200_000)]) == ACCEPT
    assert process(app, [send(keys, 200_000), send(keys, gas_limit, seq=1)]) == REJECT


@pytest.mark.parametrize("gas_limit", OVER_LIMITS)
def test_checktx_answers_invalid_gas_limit(app, keys, gas_limit):
    resp = check(app, send(keys, gas_limit))
    assert resp.code == ErrInvalidGasLimit.code and resp.codespace == "sdk", resp
    assert "gas limit" in resp.log and str(gas_limit) in resp.log, resp.log
    assert 0 <= resp.gas_wanted <= MAX_INT64


@pytest.mark.parametrize("gas_limit", OVER_LIMITS)
def test_prepare_proposal_drops_a_tx_over_the_gas_limits(app, keys, gas_limit):
    good = send(keys, 200_000)
    assert prepare(app, [send(keys, gas_limit), good]) == [good]


@pytest.mark.parametrize("gas_limit", UNREPORTABLE)
def test_finalize_block_reports_an_unreportable_gas_limit_as_a_failed_tx(app, db, keys, gas_limit):
    """A proposal accepted anyway (by a buggy node) must still execute, fail the tx and commit."""
    bad, good = send(keys, gas_limit), send(keys, 200_000)
    block = finalize(app, [bad, good])
    bad_result, good_result = block.results
    assert bad_result.code == ErrInvalidGasLimit.code, bad_result.log
    assert 0 <= bad_result.gas_wanted <= MAX_INT64 and 0 <= bad_result.gas_used <= MAX_INT64
    assert good_result.code == 0, good_result.log  # the bad tx consumed no sequence
    block.response.SerializeToString()  # every field of the response encodes
    app.commit(abci.RequestCommit())
    assert sequence(app, keys[0].address) == 1

    restarted = App(db, sync_writes=False)  # a replaying node reloads the same state and limits
    assert restarted.app_hash == app.app_hash
    assert process(restarted, [send(keys, gas_limit, seq=1)]) == REJECT


def test_process_proposal_rejects_a_block_over_block_max_gas(app, db, keys):
    txs = [full_send(keys, seq) for seq in range(4)]  # 4 x max_tx_gas > BLOCK_MAX_GAS
    assert process(app, txs[:3]) == ACCEPT
    assert process(app, txs) == REJECT
    assert process(App(db, sync_writes=False), txs) == REJECT  # the limit survives a restart


def test_prepare_proposal_trims_to_block_max_gas(app, keys):
    txs = [full_send(keys, seq) for seq in range(4)]
    small = send(keys, 200_000, seq=3)
    chosen = prepare(app, txs + [small])
    assert chosen[:3] == txs[:3] and txs[3] not in chosen
    assert process(app, chosen) == ACCEPT
    block = run_block(app, chosen)
    assert all(code == 0 for code in block.codes), [r.log for r in block.results]


def test_prepare_proposal_trimming_for_gas_keeps_the_senders_sequence(app, keys):
    full0, full1, small2, full3 = full_send(keys, 0), full_send(keys, 1), send(keys, 200_000, 2), full_send(keys, 3)
    small3, small4 = send(keys, 200_000, 3), send(keys, 200_000, 4)
    # full3 would take the block over BLOCK_MAX_GAS: it is dropped and seq 3 stays free for small3
    assert prepare(app, [full0, full1, small2, full3, small3]) == [full0, full1, small2, small3]
    # without small3, small4 has a gap before it and would fail in FinalizeBlock: it is not proposed
    assert prepare(app, [full0, full1, small2, full3, small4]) == [full0, full1, small2]
