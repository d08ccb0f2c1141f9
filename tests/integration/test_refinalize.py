"""A height finalized twice (CometBFT's handshake replays the last block when it died between
FinalizeBlock and Commit while the app kept running) must give exactly one execution's result.

Also: Simulate reads the committed snapshot without the app lock, with gas capped at max_tx_gas.
"""

from __future__ import annotations

import threading

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci

from chain.modules.auth.params import default_params
from chain.store.memory import MemoryDB
from tests.helpers.chain import (
    FEE, balance, finalize, genesis_state, make_keys, make_send, new_app, run_block,
)

KEYS = make_keys(4)
ALICE, BOB = KEYS[0], KEYS[1]


def _supply(app, store=None) -> dict:
    return dict(app.keepers.bank.all_supply(app.committed_store() if store is None else store))


def test_finalize_twice_then_commit_equals_one_execution():
    once, twice = new_app(MemoryDB()), new_app(MemoryDB())
    run_block(once, [])
    run_block(twice, [])
    tx = make_send(ALICE, BOB.bech32, 1234, sequence=0)

    single = run_block(once, [tx], height=2)
    first = finalize(twice, [tx], height=2)
    second = finalize(twice, [tx], height=2)  # the replay, before any Commit
    twice.commit(abci.RequestCommit())

    assert first.codes == second.codes == single.codes == [0]
    assert first.app_hash == second.app_hash == single.app_hash == twice.app_hash
    assert _supply(twice) == _supply(once)  # the block reward was minted once
    assert balance(twice, BOB.address) == balance(once, BOB.address)
    found = twice.get_tx(__import__("hashlib").sha256(tx).digest())
    assert found is not None and found[0].result.code == 0


def test_refinalize_of_the_first_block_keeps_the_genesis_state():
    once, twice = new_app(MemoryDB()), new_app(MemoryDB())
    tx = make_send(ALICE, BOB.bech32, 7, sequence=0)
    single = run_block(once, [tx], height=1)
    finalize(twice, [tx], height=1)
    again = run_block(twice, [tx], height=1)
    assert again.codes == [0] and again.app_hash == single.app_hash
    assert balance(twice, ALICE.address) == balance(once, ALICE.address)


def test_a_failed_finalize_leaves_nothing_behind(monkeypatch):
    """A FinalizeBlock that raised (a node-local fault) is followed by a clean re-execution."""
    once, app = new_app(MemoryDB()), new_app(MemoryDB())
    run_block(once, [])
    run_block(app, [])
    tx = make_send(ALICE, BOB.bech32, 5, sequence=0)
    original = app.keepers.bank.all_supply
    calls = {"n": 0}

    def flaky(store):
        calls["n"] += 1
        if calls["n"] == 1:
            raise MemoryError("simulated")
        return original(store)

    monkeypatch.setattr(app.keepers.bank, "all_supply", flaky)
    try:
        finalize(app, [tx], height=2)
    except MemoryError:
        pass
    monkeypatch.setattr(app.keepers.bank, "all_supply", original)
    assert run_block(app, [tx], height=2).app_hash == run_block(once, [tx], height=2).app_hash


def test_simulate_runs_while_the_app_lock_is_held():
    app = new_app(MemoryDB())
    run_block(app, [])
    probe = make_send(ALICE, BOB.bech32, 1, sequence=0, gas_limit=0, fee=0)
    done = threading.Event()
    results = []
    with app.lock:  # as FinalizeBlock would hold it
        worker = threading.Thread(target=lambda: (results.append(app.simulate(probe)), done.set()))
        worker.start()
        assert done.wait(10), "Simulate waited for the consensus lock"
    worker.join()
    assert results[0].ok and 0 < results[0].gas_used <= default_params().max_tx_gas


def test_simulate_gas_is_capped_at_max_tx_gas():
    params = {"max_tx_gas": "20000"}
    app = new_app(MemoryDB(), genesis_state(KEYS, auth_params=params))
    run_block(app, [])
    probe = make_send(ALICE, BOB.bech32, 1, sequence=0, gas_limit=0, fee=0, memo="x" * 200)
    outcome = app.simulate(probe)
    assert outcome.code == 11 and "out of gas" in outcome.log
    assert outcome.gas_used <= 20000 + 10_000  # the meter stops at the first charge past the cap
    assert FEE  # the real tx would pay a fee; simulation charges none


def test_simulate_accepts_a_sequence_ahead_of_the_committed_one_but_not_behind():
    """A worker sends several txs per block: it simulates sequence n+1 while n is in the mempool."""
    app = new_app(MemoryDB())
    run_block(app, [make_send(ALICE, BOB.bech32, 1, sequence=0)])  # committed sequence is now 1
    ahead = app.simulate(make_send(ALICE, BOB.bech32, 1, sequence=2, gas_limit=0, fee=0))
    assert ahead.ok, ahead.log
    behind = app.simulate(make_send(ALICE, BOB.bech32, 1, sequence=0, gas_limit=0, fee=0))
    assert behind.code == 32 and "sequence mismatch" in behind.log


def _unsigned_like_cosmjs(tx: bytes) -> bytes:
    """What CosmJS simulates: sign mode UNSPECIFIED and an empty signature."""
    from cosmos.tx.v1beta1.tx_pb2 import AuthInfo, TxRaw

    raw = TxRaw.FromString(tx)
    info = AuthInfo.FromString(raw.auth_info_bytes)
    info.signer_infos[0].mode_info.single.mode = 0
    return TxRaw(body_bytes=raw.body_bytes, auth_info_bytes=info.SerializeToString(),
                 signatures=[b""]).SerializeToString()


def test_simulate_accepts_an_unsigned_tx_as_cosmjs_sends_it_but_nothing_else_does():
    from tests.helpers.chain import check

    app = new_app(MemoryDB())
    run_block(app, [])
    signed = make_send(ALICE, BOB.bech32, 1, sequence=0, gas_limit=0, fee=0)
    unsigned = _unsigned_like_cosmjs(signed)
    simulated, reference = app.simulate(unsigned), app.simulate(signed)
    assert simulated.ok, simulated.log
    assert simulated.gas_used == reference.gas_used - (len(signed) - len(unsigned)) * 10  # only tx size differs
    refused = check(app, _unsigned_like_cosmjs(make_send(ALICE, BOB.bech32, 1, sequence=0)))
    assert refused.code == 4 and "sign mode" in refused.log
    proposal = app.process_proposal(abci.RequestProcessProposal(
        txs=[_unsigned_like_cosmjs(make_send(ALICE, BOB.bech32, 1, sequence=0))], height=2))
    assert proposal.status == abci.ResponseProcessProposal.REJECT
