"""Crash loop: kill -9 sprintd, CometBFT or both at random moments under a send load, restart, repeat.

Afterwards every tx in a block is served by GetTx with the result CometBFT recorded, the supply
equals the sum of balances, and `sprintd replay` (RPC and offline, with sprintd's own app hash and
tx index) finds no divergence. The RNG seed is printed; rerun a failure with SPRINT_CRASH_SEED=<seed>
(SPRINT_CRASH_KILLS sets the number of kills, default 10).
"""

from __future__ import annotations

import os
import random
import subprocess
import time

from abci_app.client import NodeClient
from abci_app.devnet_runner import DevnetProcesses
from abci_app.rpc_client import CometRpc
from tests.e2e.conftest import make_devnet_home, require_cometbft
from tests.helpers.crash import (
    SendLoad, assert_get_tx_matches, committed_results, kill9, node_supply_and_balances, sprintd_replay,
    start_cometbft, start_node,
)

VICTIMS = ("sprintd", "cometbft", "both")


def _crash_and_restart(devnet: DevnetProcesses, victim: str) -> None:
    """kill -9 the victim(s) and bring the devnet back. CometBFT exits on its own once its app is gone."""
    if victim in ("cometbft", "both"):
        kill9(devnet.cometbft)
    if victim in ("sprintd", "both"):
        kill9(devnet.node)
        try:
            devnet.cometbft.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill9(devnet.cometbft)
        start_node(devnet)
    start_cometbft(devnet)


def _plan(rng: random.Random, kills: int) -> list[tuple[float, str]]:
    """(delay before the kill, victim) per kill; the first three cover every victim kind."""
    kinds = list(VICTIMS)
    rng.shuffle(kinds)
    kinds += [rng.choice(VICTIMS) for _ in range(kills - len(kinds))]
    return [(rng.uniform(0.1, 2.0), kind) for kind in kinds]


def test_random_kill9_loop_keeps_the_chain_consistent(tmp_path):
    require_cometbft()
    seed = int(os.environ.get("SPRINT_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    kills = max(3, int(os.environ.get("SPRINT_CRASH_KILLS") or 10))
    print(f"crash loop seed {seed} ({kills} kills); rerun with SPRINT_CRASH_SEED={seed}")
    plan = _plan(random.Random(seed), kills)
    info = make_devnet_home(tmp_path / "home")
    devnet = DevnetProcesses(info["home"]).start(ready_timeout=60)
    load = SendLoad(info, devnet.grpc_address, interval=0.05, limit=3000)
    try:
        load.start()
        reached = devnet.wait_for_height(3, timeout=30)
        for number, (delay, victim) in enumerate(plan, 1):
            time.sleep(delay)
            reached = max(reached, devnet.latest_height())
            print(f"kill {number}/{kills}: {victim} after {delay:.2f}s at height ~{reached}")
            _crash_and_restart(devnet, victim)
            reached = devnet.wait_for_height(reached + 1, timeout=90)  # the chain moves again
        devnet.wait_for_height(reached + 2, timeout=60)
        load.stop()
        latest = devnet.wait_for_height(devnet.latest_height() + 2, timeout=60)  # the mempool drains
        rpc = CometRpc(devnet.rpc_url)
        committed = committed_results(rpc, 1, latest)
        accepted = set(load.accepted)  # a send re-signed after a restart has the same bytes and hash
        landed = len(accepted & set(committed))
        print(f"height {latest}: {len(committed)} txs in blocks; {len(accepted)} accepted by CheckTx, "
              f"{landed} of them committed (the rest were in a killed mempool); {load.refused} refused")
        assert committed, "no tx was committed during the crash loop"
        with NodeClient(devnet.grpc_address) as client:
            assert_get_tx_matches(client, committed)
        code, report = sprintd_replay(info["home"])
        assert code == 0 and report["ok"], report["summary"]
    finally:
        load.stop()
        devnet.stop()

    height, supply, balances = node_supply_and_balances(info["home"])
    assert supply == balances, f"supply {supply} != sum of balances {balances} at height {height}"
    code, report = sprintd_replay(info["home"], "--offline")
    assert code == 0 and report["ok"] and report["node_checked_height"] == height, report["summary"]
    assert report["supply"] == {denom: str(amount) for denom, amount in supply.items()}
    print(report["summary"])
