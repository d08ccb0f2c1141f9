"""Same blocks => same app hash: on MemoryDB and LevelDB, for any PYTHONHASHSEED (the determinism rules of docs/architecture.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from chain.modules.bank.keeper import supply_invariant_violation
from chain.store.memory import MemoryDB
from tests.helpers.chain import (
    balance, committed_state, genesis_state, make_keys, make_send, new_app, run_block,
)
from tests.helpers.determinism import NEWCOMERS, run_all, scripted_chain

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_CODES = [[], [0, 0], [0, 32, 5], [4, 0, 0], [], [0, 0], [0, 2, 6], [0], [0, 0, 11], [0, 0, 0, 0],
                  [0, 0, 32]]


def test_scripted_chain_exercises_successes_and_failures_and_keeps_the_supply_invariant():
    app, records = scripted_chain(MemoryDB())

    assert [r["codes"] for r in records] == EXPECTED_CODES
    assert len({r["app_hash"] for r in records}) == len(records)
    assert supply_invariant_violation(app.keepers.bank, app.committed_store()) is None
    assert app.height == 10
    assert balance(app, NEWCOMERS[2].address) == 42 + 43


def test_memory_and_leveldb_agree_at_every_height(tmp_path):
    result = run_all(tmp_path)

    assert result["memory"] == result["leveldb"]
    assert len(result["memory"]) == 11


def test_app_hashes_do_not_depend_on_pythonhashseed(tmp_path):
    outputs = {}
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [sys.executable, "-m", "tests.helpers.determinism", str(tmp_path / f"seed{seed}")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        assert proc.returncode == 0, f"PYTHONHASHSEED={seed} run failed:\n{proc.stderr}"
        outputs[seed] = json.loads(proc.stdout)

    reference = outputs["0"]
    assert reference["memory"] == reference["leveldb"]
    for seed, output in outputs.items():
        for height, (got, want) in enumerate(zip(output["memory"], reference["memory"])):
            assert got == want, f"PYTHONHASHSEED={seed}: app hash differs at height {height}"
        assert output == reference, f"PYTHONHASHSEED={seed}: outputs differ"
    # ...and the subprocesses agree with this process.
    in_process = run_all(tmp_path / "here")
    assert in_process["memory"] == reference["memory"]


def test_genesis_export_then_init_round_trips():
    app, _ = scripted_chain(MemoryDB())
    exported = app.export_genesis()
    assert exported["bank"]["supply"], "export must carry the supply"
    exported["rewards"]["params"]["initial_block_reward"] = "0"  # the reborn chain's block mints nothing

    reborn = new_app(MemoryDB(), json.loads(json.dumps(exported)), chain_id="sprint-test-2")
    run_block(reborn, [], height=1)

    assert reborn.export_genesis() == exported
    for key in make_keys(4) + NEWCOMERS:
        assert balance(reborn, key.address) == balance(app, key.address)
    assert supply_invariant_violation(reborn.keepers.bank, reborn.committed_store()) is None
    # Balances, supply and account numbers/sequences/params carry over (pubkeys are re-learnt on use).
    bank = (b"\x10", b"\x11")
    assert committed_state(reborn, bank) == committed_state(app, bank)
    alice = make_keys(1)[0]
    account = reborn.keepers.auth.get_account(reborn.committed_store(), alice.address)
    original = app.keepers.auth.get_account(app.committed_store(), alice.address)
    assert (account.account_number, account.sequence) == (original.account_number, original.sequence)
    tx = make_send(alice, NEWCOMERS[0].bech32, 1, sequence=account.sequence, account_number=account.account_number,
                   chain_id="sprint-test-2")
    assert run_block(reborn, [tx]).codes == [0]


def test_export_of_a_fresh_chain_round_trips_through_init():
    app = _fresh_genesis_app()
    exported = app.export_genesis()
    exported["rewards"]["params"]["initial_block_reward"] = "0"  # the new chain's block mints nothing
    again = new_app(MemoryDB(), exported)
    run_block(again, [], height=1)
    assert again.export_genesis() == exported
    assert committed_state(again) == committed_state(app)


def _fresh_genesis_app():
    app = new_app(MemoryDB(), genesis_state(make_keys(3)))
    run_block(app, [], height=1)
    return app
