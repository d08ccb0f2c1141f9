"""The devnet's single validator is a registered host: genesis entry, keys, bond, sprint params, and
the chain's own InitChain accepts it (validators == active hosts, power = weight); the devnet
supervisor's worker settings."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from abci_app.cli.common import CliError
from abci_app.ports import free_port


def _cometbft_or_skip() -> None:
    from abci_app.cometbft import find_cometbft

    try:
        find_cometbft()
    except CliError as err:
        pytest.skip(f"cometbft not installed: {err}")


def _make(path: Path, **kwargs) -> dict:
    from genesis.devnet import create_devnet_home

    return create_devnet_home(path, p2p_port=free_port(), rpc_port=free_port(), abci_port=free_port(),
                              grpc_port=free_port(), **kwargs)


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    _cometbft_or_skip()
    home = tmp_path_factory.mktemp("devnet-host") / "home"
    info = _make(home)
    return home, info, json.loads((home / "config/genesis.json").read_text())


def _init_chain(genesis: dict, validators: list[tuple[str, int]] | None = None):
    """An in-memory App after InitChain with CometBFT's genesis validators (or the given ones)."""
    from tendermint.abci import types_pb2 as abci
    from tendermint.crypto.keys_pb2 import PublicKey

    from chain.app import App
    from chain.store.memory import MemoryDB
    from tests.helpers.chain import GENESIS_TIME, timestamp

    if validators is None:
        validators = [(v["pub_key"]["value"], int(v["power"])) for v in genesis["validators"]]
    app = App(MemoryDB(), sync_writes=False)
    app.init_chain(abci.RequestInitChain(
        chain_id=genesis["chain_id"], time=timestamp(GENESIS_TIME), initial_height=1,
        app_state_bytes=json.dumps(genesis["app_state"]).encode(),
        validators=[abci.ValidatorUpdate(pub_key=PublicKey(ed25519=base64.b64decode(key)), power=power)
                    for key, power in validators]))
    return app


def test_the_validator_is_an_active_bonded_host(devnet):
    from chain.modules.sprint.genesis import default_genesis
    from genesis.app_state import DEFAULT_COLLATERAL, STAKING_MODULE_ADDRESS
    from genesis.testnet import WORKER_AMOUNT

    home, info, genesis = devnet
    key = json.loads((home / "config/priv_validator_key.json").read_text())["pub_key"]["value"]
    [validator] = genesis["validators"]
    host = info["host"]
    [entry] = genesis["app_state"]["hosts"]["hosts"]
    assert entry == {
        "operator": host["operator"]["address"], "consensus_pubkey": key,
        "worker_pubkey": entry["worker_pubkey"], "endpoint": info["grpc_address"], "moniker": "devnet-validator",
        "weight": validator["power"], "status": "HOST_STATUS_ACTIVE",
    }
    assert validator["pub_key"]["value"] == key and int(validator["power"]) > 0
    assert genesis["app_state"]["staking"]["bonds"] == [
        {"operator": host["operator"]["address"], "amount": str(DEFAULT_COLLATERAL)}]
    assert genesis["app_state"]["sprint"]["params"] == default_genesis()["params"]
    balances = {b["address"]: int(b["coins"][0]["amount"]) for b in genesis["app_state"]["bank"]["balances"]}
    assert balances[host["operator"]["address"]] == 10**12
    assert balances[host["worker"]["address"]] == WORKER_AMOUNT
    assert balances[STAKING_MODULE_ADDRESS] == DEFAULT_COLLATERAL
    # user accounts keep their numbers 0-3; the host's keys come after them
    assert [a["address"] for a in genesis["app_state"]["auth"]["accounts"][:6]] == \
        [a["address"] for a in info["accounts"]] + [host["operator"]["address"], host["worker"]["address"]]


def test_host_keys_are_in_the_test_keyring_and_dev_accounts_file(devnet):
    from abci_app.keyring import Keyring

    home, info, genesis = devnet
    keyring = Keyring(home, backend="test")
    host = info["host"]
    assert keyring.show("operator").address == host["operator"]["address"]
    assert keyring.show("worker").address == host["worker"]["address"]
    worker_pubkey = genesis["app_state"]["hosts"]["hosts"][0]["worker_pubkey"]
    assert base64.b64decode(worker_pubkey) == keyring.signing_key("worker").pubkey
    saved = json.loads((home / "dev-accounts.json").read_text())
    assert saved["host"] == host and all(len(host[r]["mnemonic"].split()) == 24 for r in ("operator", "worker"))
    assert {"operator", "worker"}.isdisjoint(a["name"] for a in info["accounts"])


def test_the_chain_accepts_the_devnet_genesis_and_lists_the_host(devnet):
    from sprint.hosts.v1 import query_pb2
    from tendermint.abci import types_pb2 as abci

    from tests.helpers.chain import run_block

    _, info, genesis = devnet
    app = _init_chain(genesis)
    run_block(app)
    resp = app.query(abci.RequestQuery(path="/sprint.hosts.v1.Query/Hosts",
                                       data=query_pb2.QueryHostsRequest().SerializeToString()))
    assert resp.code == 0
    [host] = query_pb2.QueryHostsResponse.FromString(resp.value).hosts
    assert (host.operator, host.moniker, host.weight) == (info["host"]["operator"]["address"], "devnet-validator",
                                                         int(genesis["validators"][0]["power"]))


def test_the_chain_refuses_a_validator_set_that_is_not_the_host(devnet):
    from chain.errors import TxError

    _, _, genesis = devnet
    [validator] = genesis["validators"]
    with pytest.raises(TxError, match="do not match the active hosts"):
        _init_chain(genesis, [(validator["pub_key"]["value"], int(validator["power"]) + 1)])


def test_sprint_params_and_collateral_apply_to_a_new_home(tmp_path):
    _cometbft_or_skip()
    info = _make(tmp_path / "short", epoch_length=12, sprint_params={"pow_config": "test"},
                 collateral=2 * 10**10)
    genesis = json.loads((tmp_path / "short/config/genesis.json").read_text())
    params = genesis["app_state"]["sprint"]["params"]
    phases = ("commit_blocks", "reveal_blocks", "sprint_blocks", "proof_blocks", "validation_blocks",
              "settlement_blocks")
    assert sum(int(params[p]) for p in phases) == 12 and params["pow_config"] == "test"
    assert genesis["app_state"]["staking"]["bonds"][0]["amount"] == str(2 * 10**10) == info["host"]["collateral"]
    _init_chain(genesis)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"sprint_params": {"pow_config": "huge"}}, "pow_config"),
    ({"collateral": 1}, "min_collateral"),
    ({"accounts": ("alice", "worker")}, "reserved"),
])
def test_bad_host_settings_fail_clearly_and_leave_no_home(tmp_path, kwargs, fragment):
    _cometbft_or_skip()
    with pytest.raises(CliError, match=fragment):
        _make(tmp_path / "bad", **kwargs)
    assert not (tmp_path / "bad").exists()


# ---------------------------------------------------------------- supervisor worker settings


def test_supervisor_worker_is_off_unless_asked_and_uses_the_host_worker_key(devnet):
    from abci_app.devnet_runner import DevnetProcesses, worker_unavailable

    home, _, _ = devnet
    plain = DevnetProcesses(home)
    assert plain.worker_enabled is False and plain.worker is None and plain.worker_exit() is None
    with_worker = DevnetProcesses(home, worker=True, worker_threads=2, python="py")
    assert with_worker.worker_command() == [
        "py", "-m", "worker.cli", "start", "--home", str(home), "--key", "worker", "--keyring-backend", "test",
        "--threads", "2"]
    assert with_worker.worker_log == home / "logs" / "worker.log"
    assert worker_unavailable(home) is None  # torch is installed in the test environment


def test_a_home_without_host_keys_is_reported_with_the_fix(devnet, tmp_path):
    from abci_app.devnet_runner import DevnetError, DevnetProcesses, worker_unavailable

    home, _, _ = devnet
    old = tmp_path / "old"
    shutil.copytree(home, old)
    (old / "keyring-test" / "worker.info").unlink()
    assert "sprintd devnet --reset" in worker_unavailable(old)
    with pytest.raises(DevnetError, match="cannot start the worker: .*--reset"):
        DevnetProcesses(old, worker=True).start_worker()
