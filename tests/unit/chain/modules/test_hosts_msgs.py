"""MsgRegisterHost / MsgUpdateHost / MsgStake / MsgUnstake through the App: success paths, and every
bad input failing with its specific code and message while hosts and staking state stay unchanged."""

from __future__ import annotations

import pytest
from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_ACTIVE

from chain.modules.bank.keeper import supply_invariant_violation
from chain.modules.hosts import keys as hosts_keys
from chain.store.memory import MemoryDB
from chain.tx.crypto import pubkey_to_address
from tests.helpers.chain import FEE, INITIAL_BALANCE, balance, committed_state, make_keys, new_app, run_block
from tests.helpers.chain import sequence, sign_messages
from tests.helpers.staking import (
    HOSTS_PREFIXES, STAKING_ADDRESS, STAKING_PREFIXES, consensus_pubkey, register_host_msg, stake_msg,
    staking_state, unstake_msg, update_host_msg, worker_pubkey,
)

KEYS = make_keys(4)
MIN = 1_000_000


@pytest.fixture()
def app():
    app = new_app(MemoryDB(), staking_state(KEYS, min_collateral=MIN, unbonding_blocks=3))
    run_block(app)
    return app


def submit(app, key, *msgs):
    """Deliver one tx of `msgs` signed by `key` in a new block; returns its ExecTxResult."""
    tx = sign_messages(key, list(msgs), sequence=sequence(app, key.address) or 0)
    result = run_block(app, [tx]).results[0]
    assert supply_invariant_violation(app.keepers.bank, app.committed_store()) is None
    return result


def module_state(app) -> dict:
    return committed_state(app, HOSTS_PREFIXES + STAKING_PREFIXES)


def assert_rejected(app, key, msg, code: int, message: str) -> None:
    before = module_state(app), balance(app, STAKING_ADDRESS)
    result = submit(app, key, msg)
    assert (result.code, message in result.log) == (code, True), result.log
    assert (module_state(app), balance(app, STAKING_ADDRESS)) == before


def registered(app):
    assert submit(app, KEYS[0], register_host_msg(KEYS[0], 0, collateral=2 * MIN)).code == 0


# ---------------------------------------------------------------- register


def test_register_host_bonds_collateral_and_adds_an_active_weightless_host(app):
    result = submit(app, KEYS[0], register_host_msg(KEYS[0], 0, collateral=2 * MIN))
    assert result.code == 0, result.log
    host = app.keepers.hosts.get_host(app.committed_store(), KEYS[0].address)
    assert (host.weight, host.status, host.moniker, host.endpoint) == (0, HOST_STATUS_ACTIVE, "host0", "127.0.0.1:9090")
    assert host.consensus_pubkey == consensus_pubkey(0) and host.worker_pubkey == worker_pubkey(0)
    store = app.committed_store()
    assert app.keepers.staking.bonded(store, KEYS[0].address) == 2 * MIN
    assert balance(app, KEYS[0].address) == INITIAL_BALANCE - FEE - 2 * MIN
    assert balance(app, STAKING_ADDRESS) == 2 * MIN
    assert app.keepers.hosts.host_by_worker_address(store, pubkey_to_address(worker_pubkey(0))).moniker == "host0"
    assert app.keepers.hosts.operator_by_consensus_address(
        store, hosts_keys.consensus_address(consensus_pubkey(0))) == KEYS[0].address
    assert {e.type for e in result.events} >= {"register_host", "stake", "transfer"}


@pytest.mark.parametrize("overrides, code, message", [
    ({"consensus_pubkey": b"\x01" * 31}, 8, "consensus_pubkey must be a 32-byte ed25519 key"),
    ({"worker_pubkey": b"\x05" * 33}, 8, "worker_pubkey must be a 33-byte compressed secp256k1 key"),
    ({"worker_pubkey": b""}, 8, "worker_pubkey must be a 33-byte"),
    ({"moniker": "m" * 71}, 18, "moniker longer than 70 characters"),
    ({"endpoint": "e" * 257}, 18, "endpoint longer than 256 characters"),
    ({"operator": "sprint1nope"}, 7, "invalid operator"),
])
def test_register_stateless_errors(app, overrides, code, message):
    assert_rejected(app, KEYS[1], register_host_msg(KEYS[1], 1, **overrides), code, message)
    assert sequence(app, KEYS[1].address) == 0  # refused before the ante: no fee, no sequence


def test_register_without_collateral(app):
    assert_rejected(app, KEYS[1], register_host_msg(KEYS[1], 1, collateral=None), 10,
                    "collateral is required")
    assert sequence(app, KEYS[1].address) == 0  # refused before the ante: no fee, no sequence


def test_register_signed_by_someone_else_is_refused(app):
    msg = register_host_msg(KEYS[1], 1)  # operator = KEYS[1], signed by KEYS[2]
    assert_rejected(app, KEYS[2], msg, 8, f"pubkey does not match signer address {KEYS[1].bech32}")


@pytest.mark.parametrize("make_msg, code, message", [
    (lambda: register_host_msg(KEYS[1], 1, collateral=MIN - 1), 18,
     "collateral 999999usprint is below the minimum 1000000usprint"),
    (lambda: register_host_msg(KEYS[1], 1, collateral=2 * INITIAL_BALANCE), 5, "insufficient funds"),
    (lambda: register_host_msg(KEYS[1], 1, consensus_pubkey=consensus_pubkey(0)), 18,
     f"consensus_pubkey is already used by host {KEYS[0].bech32}"),
    (lambda: register_host_msg(KEYS[1], 1, worker_pubkey=worker_pubkey(0)), 18,
     f"worker_pubkey is already the worker key of host {KEYS[0].bech32}"),
    (lambda: register_host_msg(KEYS[0], 5), 18, f"host {KEYS[0].bech32} is already registered"),
])
def test_register_stateful_errors(app, make_msg, code, message):
    registered(app)
    signer = KEYS[0] if message.startswith("host ") else KEYS[1]
    assert_rejected(app, signer, make_msg(), code, message)


def test_register_with_wrong_denom(app):
    from sprint.common.v1.coin_pb2 import Coin

    msg = register_host_msg(KEYS[1], 1, collateral=Coin(denom="uatom", amount="5000000"))
    assert_rejected(app, KEYS[1], msg, 10, "collateral must be in usprint, got uatom")


# ---------------------------------------------------------------- update


def test_update_host_changes_worker_endpoint_and_moniker(app):
    registered(app)
    result = submit(app, KEYS[0], update_host_msg(KEYS[0].bech32, worker_pubkey(9), "10.0.0.1:9090", "renamed"))
    assert result.code == 0, result.log
    store = app.committed_store()
    host = app.keepers.hosts.get_host(store, KEYS[0].address)
    assert (host.worker_pubkey, host.endpoint, host.moniker) == (worker_pubkey(9), "10.0.0.1:9090", "renamed")
    assert host.consensus_pubkey == consensus_pubkey(0) and host.weight == 0
    assert app.keepers.hosts.host_by_worker_address(store, pubkey_to_address(worker_pubkey(0))) is None
    assert app.keepers.hosts.host_by_worker_address(store, pubkey_to_address(worker_pubkey(9))).moniker == "renamed"
    # an empty worker key keeps the current one
    assert submit(app, KEYS[0], update_host_msg(KEYS[0].bech32, b"", "", "again")).code == 0
    assert app.keepers.hosts.get_host(app.committed_store(), KEYS[0].address).worker_pubkey == worker_pubkey(9)


def test_update_errors(app):
    registered(app)
    assert submit(app, KEYS[1], register_host_msg(KEYS[1], 1)).code == 0
    assert_rejected(app, KEYS[2], update_host_msg(KEYS[2].bech32, moniker="x"), 18,
                    f"no host is registered for {KEYS[2].bech32}")
    assert_rejected(app, KEYS[0], update_host_msg(KEYS[0].bech32, worker_pubkey(1)), 18,
                    f"worker_pubkey is already the worker key of host {KEYS[1].bech32}")
    assert_rejected(app, KEYS[0], update_host_msg(KEYS[0].bech32, b"\x05" * 33), 8, "worker_pubkey must be")
    assert_rejected(app, KEYS[0], update_host_msg(KEYS[0].bech32, moniker="m" * 71), 18, "moniker longer")
    # re-sending the host's own worker key is fine
    assert submit(app, KEYS[0], update_host_msg(KEYS[0].bech32, worker_pubkey(0))).code == 0


# ---------------------------------------------------------------- stake / unstake


def test_stake_and_unstake_messages(app):
    assert submit(app, KEYS[2], stake_msg(KEYS[2].bech32, 500)).code == 0
    assert app.keepers.staking.bonded(app.committed_store(), KEYS[2].address) == 500
    result = submit(app, KEYS[2], unstake_msg(KEYS[2].bech32, 200))
    assert result.code == 0, result.log
    entries = app.keepers.staking.unbonding_entries(app.committed_store(), KEYS[2].address)
    assert [(e.amount, e.completion_height) for e in entries] == [("200", app.height + 3)]


@pytest.mark.parametrize("msg, code, message", [
    (lambda: stake_msg(KEYS[2].bech32, 5, "uatom"), 10, "amount must be in usprint, got uatom"),
    (lambda: stake_msg(KEYS[2].bech32, 0), 10, "must be positive"),
    (lambda: stake_msg(KEYS[2].bech32, "-5"), 10, "invalid coin amount"),
    (lambda: stake_msg(KEYS[2].bech32, 2 * INITIAL_BALANCE), 5, "insufficient funds"),
    (lambda: unstake_msg(KEYS[2].bech32, 101), 18, "cannot unstake 101usprint: only 100usprint is bonded"),
    (lambda: unstake_msg(KEYS[2].bech32, 1, "uatom"), 10, "must be in usprint"),
    (lambda: unstake_msg("sprint1xyz", 1), 7, "invalid operator"),
])
def test_stake_errors(app, msg, code, message):
    assert submit(app, KEYS[2], stake_msg(KEYS[2].bech32, 100)).code == 0
    assert_rejected(app, KEYS[2], msg(), code, message)
