"""Crash loop: kill -9 sprintd, CometBFT or both at random moments under a send load, restart, repeat.

Random moments almost never fall between FinalizeBlock and Commit, the window where a crash is most
dangerous, so every sprintd start also arms the fault hold (abci_app/faults.py) a few blocks ahead:
when a FinalizeBlock answer is being held, the next kill happens inside that window. The first kill
always does (CometBFT only: its handshake then re-finalizes the height on the same App).

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
from pathlib import Path

from abci_app.client import NodeClient
from abci_app.devnet_runner import DevnetProcesses
from abci_app.rpc_client import CometRpc
from tests.e2e.conftest import make_devnet_home, require_cometbft
from tests.helpers.crash import (
    SendLoad, assert_get_tx_matches, committed_results, kill9, node_supply_and_balances, sprintd_replay,
    start_cometbft, start_node,
)

VICTIMS = ("sprintd", "cometbft", "both")
FIRST_HOLD = 8  # the hold armed at the first start
ARM_AHEAD = 4  # a restarted sprintd holds FinalizeBlock(height + ARM_AHEAD)
HOLD_SECONDS = "20"


class Loop:
    """The devnet under test, the fault markers seen so far and the kill counts."""

    def __init__(self, devnet: DevnetProcesses, markers: Path):
        self.devnet, self.markers = devnet, markers
        self.seen: set[str] = set()
        self.holding = False  # a hold began and no kill has used it yet
        self.reached = 0
        self.window_kills = 0

    def _poll_markers(self) -> bool:
        fresh = {p.name for p in self.markers.glob("finalized-*")} - self.seen
        self.seen |= fresh
        self.holding = self.holding or bool(fresh)
        return self.holding

    def wait(self, seconds: float, for_marker: bool) -> bool:
        """Sleep `seconds` (up to 60 s for a hold when `for_marker`); True when sprintd is holding a
        FinalizeBlock answer now (the hold is then used up by the kill that follows)."""
        deadline = time.monotonic() + (60 if for_marker else seconds)
        while not self._poll_markers() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.holding or not for_marker, f"sprintd did not reach its fault hold; see {self.devnet.node_log}"
        held, self.holding = self.holding, False
        return held

    def wait_for_block(self, height: int, timeout: float = 90) -> None:
        """Until the chain commits `height`, or a hold begins (the next kill then lands in it)."""
        deadline = time.monotonic() + timeout
        while self.devnet.latest_height() < height:
            if self._poll_markers():
                return
            assert time.monotonic() < deadline, f"no block {height} within {timeout:.0f}s; see {self.devnet.cometbft_log}"
            time.sleep(0.1)
        self.reached = max(self.reached, height)

    def crash_and_restart(self, victim: str) -> None:
        """kill -9 the victim(s) and bring the devnet back; CometBFT exits by itself once its app is gone."""
        devnet = self.devnet
        self.reached = max(self.reached, devnet.latest_height())
        if victim in ("cometbft", "both"):
            kill9(devnet.cometbft)
        if victim in ("sprintd", "both"):
            kill9(devnet.node)
            try:
                devnet.cometbft.wait(timeout=15)
            except subprocess.TimeoutExpired:
                kill9(devnet.cometbft)
            start_node(devnet, env={"SPRINTD_FAULT_HOLD_AFTER_FINALIZE": str(self.reached + ARM_AHEAD)})
        start_cometbft(devnet)
        self.wait_for_block(self.reached + 1)


def _plan(rng: random.Random, kills: int) -> list[tuple[float, str]]:
    """(delay before the kill, victim) per kill; CometBFT first (in the armed hold), then every kind."""
    kinds = ["sprintd", "both"]
    rng.shuffle(kinds)
    kinds = ["cometbft"] + kinds + [rng.choice(VICTIMS) for _ in range(kills - 3)]
    return [(rng.uniform(0.1, 2.0), kind) for kind in kinds]


def _run_loop(loop: Loop, plan: list[tuple[float, str]]) -> None:
    for number, (delay, victim) in enumerate(plan, 1):
        in_window = loop.wait(delay, for_marker=number == 1)
        loop.window_kills += in_window
        moment = "between FinalizeBlock and Commit" if in_window else f"after {delay:.2f}s"
        print(f"kill {number}/{len(plan)}: {victim} {moment} at height ~{max(loop.reached, loop.devnet.latest_height())}")
        loop.crash_and_restart(victim)


def test_random_kill9_loop_keeps_the_chain_consistent(tmp_path, monkeypatch):
    require_cometbft()
    seed = int(os.environ.get("SPRINT_CRASH_SEED") or random.SystemRandom().randrange(2**32))
    kills = max(3, int(os.environ.get("SPRINT_CRASH_KILLS") or 10))
    print(f"crash loop seed {seed} ({kills} kills); rerun with SPRINT_CRASH_SEED={seed}")
    info = make_devnet_home(tmp_path / "home")
    monkeypatch.setenv("SPRINTD_FAULT_DIR", str(tmp_path / "faults"))
    monkeypatch.setenv("SPRINTD_FAULT_HOLD_SECONDS", HOLD_SECONDS)
    monkeypatch.setenv("SPRINTD_FAULT_HOLD_AFTER_FINALIZE", str(FIRST_HOLD))
    devnet = DevnetProcesses(info["home"]).start(ready_timeout=60)
    load = SendLoad(info, devnet.grpc_address, interval=0.05, limit=3000)
    loop = Loop(devnet, tmp_path / "faults")
    try:
        load.start()
        _run_loop(loop, _plan(random.Random(seed), kills))
        loop.wait_for_block(loop.reached + 2, timeout=60)
        load.stop()
        latest = devnet.wait_for_height(devnet.latest_height() + 2, timeout=60)  # the mempool drains
        _check_running(devnet, load, latest, loop.window_kills)
        code, report = sprintd_replay(info["home"])
        assert code == 0 and report["ok"], report["summary"]
    finally:
        load.stop()
        devnet.stop()
    _check_stopped(info["home"])


def _check_running(devnet: DevnetProcesses, load: SendLoad, latest: int, window_kills: int) -> None:
    committed = committed_results(CometRpc(devnet.rpc_url), 1, latest)
    accepted = set(load.accepted)  # a send re-signed after a restart has the same bytes and hash
    print(f"height {latest}: {len(committed)} txs in blocks; {len(accepted)} accepted by CheckTx, "
          f"{len(accepted & set(committed))} of them committed (the rest were in a killed mempool); "
          f"{load.refused} refused; {window_kills} kills between FinalizeBlock and Commit")
    assert committed, "no tx was committed during the crash loop"
    assert window_kills >= 1
    with NodeClient(devnet.grpc_address) as client:
        assert_get_tx_matches(client, committed)


def _check_stopped(home: str) -> None:
    height, supply, balances = node_supply_and_balances(home)
    assert supply == balances, f"supply {supply} != sum of balances {balances} at height {height}"
    code, report = sprintd_replay(home, "--offline")
    assert code == 0 and report["ok"] and report["node_checked_height"] == height, report["summary"]
    assert report["supply"] == {denom: str(amount) for denom, amount in supply.items()}
    print(report["summary"])
