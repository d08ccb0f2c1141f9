"""Fixtures that run a real single-validator devnet (cometbft + sprintd) on free loopback ports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from abci_app.cli.common import CliError
from abci_app.ports import free_port



def require_cometbft() -> str:
    from abci_app.cometbft import find_cometbft

    try:
        return find_cometbft()
    except CliError as err:
        if os.environ.get("CI"):
            pytest.fail(f"cometbft is required in CI: {err}")
        pytest.skip(f"cometbft not installed: {err}")


# Short Sprint epochs (11 blocks) with the tiny `test` model, so a worker started at any height
# reaches a commit phase within seconds.
DEVNET_SPRINT_PARAMS = {
    "commit_blocks": "3", "reveal_blocks": "2", "sprint_blocks": "2", "proof_blocks": "2",
    "validation_blocks": "1", "settlement_blocks": "1", "pow_config": "test",
}
DEVNET_EPOCH_BLOCKS = 11


def make_devnet_home(path: Path) -> dict:
    from genesis.devnet import create_devnet_home
    from worker.sprint.config import get_config

    params = {**DEVNET_SPRINT_PARAMS, "distance_threshold_micro": str(get_config("test").threshold_micro)}
    return create_devnet_home(path, p2p_port=free_port(), rpc_port=free_port(), abci_port=free_port(),
                              grpc_port=free_port(), timeout_commit="300ms", sprint_params=params)


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    """A running devnet shared by the tests of one module: (info dict, DevnetProcesses)."""
    require_cometbft()
    from abci_app.devnet_runner import DevnetProcesses

    info = make_devnet_home(tmp_path_factory.mktemp("devnet") / "home")
    processes = DevnetProcesses(info["home"]).start(ready_timeout=60)
    try:
        yield info, processes
    finally:
        processes.stop()


def start_devnet_with_rest(path: Path):
    """Start a devnet whose REST gateway listens on a free port, once it answers HTTP:
    (info, DevnetProcesses, REST base URL). The caller stops the processes."""
    import urllib.request

    from abci_app.devnet_runner import DevnetProcesses
    from genesis.node_config import NodeConfig
    from tests.helpers.wait import wait_until

    info = make_devnet_home(path)
    config = NodeConfig.load(info["home"])
    config.rest_address = f"127.0.0.1:{free_port()}"
    config.save(info["home"])
    processes = DevnetProcesses(info["home"]).start(ready_timeout=60)
    base = f"http://{config.rest_address}"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(base + "/cosmos/base/tendermint/v1beta1/blocks/latest", timeout=5) as resp:
                return resp.status == 200
        except OSError:
            return False

    try:
        wait_until(answers, 30, f"the REST gateway at {base} to answer", interval=0.3)
    except BaseException:
        processes.stop()
        raise
    return info, processes, base


@pytest.fixture(scope="module")
def ledger(devnet):
    """cosmpy's LedgerClient on the module's devnet (gRPC)."""
    from cosmpy.aerial.client import LedgerClient, NetworkConfig

    info, processes = devnet
    cfg = NetworkConfig(chain_id=info["chain_id"], url=f"grpc+http://{processes.grpc_address}",
                        fee_minimum_gas_price=0.025, fee_denomination="usprint", staking_denomination="usprint")
    return LedgerClient(cfg)


def sprintd(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the real `sprintd` CLI in a subprocess."""
    return subprocess.run([sys.executable, "-m", "abci_app.cli.main", *args], capture_output=True, text=True,
                          timeout=timeout)


def sprintd_json(*args: str) -> dict:
    result = sprintd(*args, "--output", "json")
    assert result.returncode == 0, f"sprintd {' '.join(args)} failed: {result.stderr}"
    return json.loads(result.stdout)
