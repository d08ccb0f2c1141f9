"""Genesis bonds: add_bonds mints collateral into the staking module account with consistent
supply, the builders' validation mirrors the chain's, and testnet hosts start bonded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chain.modules import registry
from chain.modules.bank.keeper import supply_invariant_violation
from chain.store.cache import CacheStore
from chain.store.memory import MemoryDB
from chain.tx.crypto import decode_address, encode_address
from genesis import testnet as tn
from genesis.app_state import (
    DEFAULT_COLLATERAL, STAKING_MODULE_ADDRESS, GenesisError, add_bonds, build_app_state, validate_app_state,
)


def addr(i: int) -> str:
    return encode_address(bytes([i]) * 20)


def load(app_state: dict):
    store, keepers = CacheStore(MemoryDB().snapshot()), registry.build_keepers()
    registry.init_genesis(store, keepers, app_state)
    return store, keepers


def test_add_bonds_mints_into_the_module_account_and_the_chain_accepts_it():
    state = add_bonds(build_app_state([(addr(1), 100), (addr(2), 200)]), [(addr(2), 7), (addr(1), 5)],
                      params={"min_collateral": "5"})
    assert state["staking"]["bonds"] == [{"operator": addr(1), "amount": "5"}, {"operator": addr(2), "amount": "7"}]
    assert state["bank"]["supply"] == [{"denom": "usprint", "amount": "312"}]
    module = [b for b in state["bank"]["balances"] if b["address"] == STAKING_MODULE_ADDRESS]
    assert module == [{"address": STAKING_MODULE_ADDRESS, "coins": [{"denom": "usprint", "amount": "12"}]}]
    assert state["auth"]["accounts"][-1] == {"address": STAKING_MODULE_ADDRESS, "account_number": "2", "sequence": "0"}
    addresses = [decode_address(b["address"]) for b in state["bank"]["balances"]]
    assert addresses == sorted(addresses)
    store, keepers = load(json.loads(json.dumps(state)))
    assert keepers.staking.bonded(store, bytes([2]) * 20) == 7
    assert supply_invariant_violation(keepers.bank, store) is None


def test_add_bonds_twice_accumulates_and_rejects_duplicates():
    state = add_bonds(build_app_state([(addr(1), 100)]), [(addr(1), 5)])
    add_bonds(state, [(addr(3), 6)])
    assert state["bank"]["supply"] == [{"denom": "usprint", "amount": "111"}]
    with pytest.raises(GenesisError, match="listed twice"):
        add_bonds(state, [(addr(1), 1)])
    for bad in (0, -1, True, "5"):
        with pytest.raises(GenesisError, match="positive integer"):
            add_bonds(build_app_state([]), [(addr(4), bad)])


def test_validation_catches_unfunded_bonds_and_unbonded_hosts():
    state = add_bonds(build_app_state([(addr(1), 100)]), [(addr(1), 5)])
    state["staking"]["bonds"][0]["amount"] = "6"
    with pytest.raises(GenesisError, match="staking bonds \\+ unbonding = 6usprint but the staking module account"):
        validate_app_state(state)
    state = add_bonds(build_app_state([(addr(1), 100)]), [(addr(1), 5)], params={"min_collateral": "6"})
    state["hosts"] = {"hosts": [{"operator": addr(1), "weight": "3"}]}
    with pytest.raises(GenesisError, match="below min_collateral 6usprint"):
        validate_app_state(state)
    state["hosts"]["hosts"][0]["weight"] = "0"  # no voting power: exempt, as on the chain
    validate_app_state(state)


def test_testnet_hosts_are_bonded_and_supply_is_consistent(tmp_path):
    info = tn.init_testnet(tmp_path / "net", validators=2, seed="bonds", genesis_time="2026-01-01T00:00:00Z")
    genesis = json.loads((Path(info["dir"]) / "node0/config/genesis.json").read_text())
    app_state = genesis["app_state"]
    assert {b["operator"]: int(b["amount"]) for b in app_state["staking"]["bonds"]} == \
        {n["operator"]["address"]: DEFAULT_COLLATERAL for n in info["nodes"]}
    assert app_state["staking"]["params"]["unbonding_blocks"] == "20"
    store, keepers = load(app_state)
    for node in info["nodes"]:
        assert keepers.staking.meets_min_collateral(store, decode_address(node["operator"]["address"]))
    assert supply_invariant_violation(keepers.bank, store) is None
    with pytest.raises(tn.CliError, match="--collateral must be an integer of at least"):
        tn.init_testnet(tmp_path / "low", validators=1, collateral=5)
