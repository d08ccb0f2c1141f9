"""Devnet + `sprintd` CLI: stake, unstake, register and update a host on a real CometBFT node, then query."""

from __future__ import annotations

import base64
import os

from tests.e2e.conftest import sprintd, sprintd_json
from tests.helpers.wait import wait_until


def test_cli_stake_unstake_register_and_query(devnet):
    info, _ = devnet
    home = info["home"]
    carol, dave = info["accounts"][2], info["accounts"][3]
    tx = ("--home", home, "--keyring-backend", "test", "--yes", "--wait")

    params = sprintd_json("q", "staking", "params", "--home", home)["params"]
    assert params["bond_denom"] == "usprint" and params["unbonding_blocks"] == "20"

    staked = sprintd_json("tx", "staking", "stake", "3000000usprint", "--from", "carol", *tx)
    assert staked["code"] == 0, staked
    locks = sprintd_json("q", "staking", "stake", carol["address"], "--home", home)["locks"]
    assert [lock["amount"] for lock in locks] == ["3000000"]  # new stake is locked (devnet: 5 blocks)
    wait_until(lambda: sprintd_json("q", "staking", "stake", carol["address"], "--home", home).get("unlocked", "0")
               != "0", 30, "the new stake to unlock", interval=0.3)
    unstaked = sprintd_json("tx", "staking", "unstake", "1000000usprint", "--from", "carol", *tx)
    assert unstaked["code"] == 0, unstaked
    stake = sprintd_json("q", "staking", "stake", carol["address"], "--home", home)
    assert stake["bonded"] == "2000000"
    [entry] = stake["unbonding"]  # released linearly over 20 blocks: shares may already be paid
    assert 0 < int(entry["amount"]) <= 1_000_000
    assert int(stake["unbonding"][0]["completion_height"]) == int(unstaked["height"]) + 20

    consensus = base64.b64encode(os.urandom(32)).decode()
    registered = sprintd_json("tx", "hosts", "register", "--from", "dave", "--consensus-pubkey", consensus,
                              "--worker-key", "bob", "--endpoint", "127.0.0.1:1", "--moniker", "dave-host",
                              "--collateral", f"{int(params['min_collateral'])}usprint", *tx)
    assert registered["code"] == 0, registered
    host = sprintd_json("q", "hosts", "host", dave["address"], "--home", home)["host"]
    assert (host["moniker"], host["weight"], host["status"]) == ("dave-host", "0", "HOST_STATUS_ACTIVE")
    assert host["worker_pubkey"] == sprintd_json("keys", "show", "bob", "--home", home,
                                                 "--keyring-backend", "test")["pubkey"]["key"]

    updated = sprintd_json("tx", "hosts", "update", "--from", "dave", "--moniker", "renamed", *tx)
    assert updated["code"] == 0, updated
    host = sprintd_json("q", "hosts", "host", dave["address"], "--home", home)["host"]
    assert (host["moniker"], host["endpoint"]) == ("renamed", "127.0.0.1:1")  # unchanged fields kept

    again = sprintd("tx", "hosts", "register", "--from", "dave", "--consensus-pubkey", consensus,
                    "--worker-key", "bob", "--collateral", "1000000000usprint", *tx)
    assert again.returncode == 1 and "already registered" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1 and "Traceback" not in again.stderr
