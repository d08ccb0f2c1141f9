"""CometBFT home handling: config.toml patching, genesis.json, the devnet home and the supervisor's
start-up checks. Tests that need the real `cometbft` binary skip when it is not installed."""

from __future__ import annotations

import json
import socket
import stat
import tomllib

import pytest
from click.testing import CliRunner

from abci_app import cometbft as cbft
from abci_app.cli.common import CliError
from abci_app.node_config import NodeConfig

SAMPLE = """\
# top comment
proxy_app = "tcp://127.0.0.1:26658"
moniker = "vm"

[rpc]
# the rpc address
laddr = "tcp://127.0.0.1:26657"
cors_allowed_methods = ["HEAD", "GET", "POST", ]
unsafe = false

[p2p]
laddr = "tcp://0.0.0.0:26656"
persistent_peers = ""

[consensus]
timeout_commit = "1s"
"""


def _cometbft_or_skip() -> str:
    try:
        return cbft.find_cometbft()
    except cbft.CometBFTNotFound:
        pytest.skip("cometbft binary not installed (run .ci/run or scripts/install_cometbft.sh)")


def _free_ports(n: int) -> list[int]:
    sockets, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


# ------------------------------------------------------------------------------ TOML editing


def test_set_toml_values_replaces_keys_inside_their_section_only():
    text = cbft.set_toml_values(SAMPLE, {
        ("rpc", "laddr"): "tcp://127.0.0.1:1111",
        ("", "moniker"): 'node "one"',
        ("consensus", "timeout_commit"): "500ms",
    })

    doc = tomllib.loads(text)
    assert doc["rpc"]["laddr"] == "tcp://127.0.0.1:1111"
    assert doc["p2p"]["laddr"] == "tcp://0.0.0.0:26656"  # same key, other section: untouched
    assert doc["moniker"] == 'node "one"'
    assert doc["consensus"]["timeout_commit"] == "500ms"
    assert doc["rpc"]["cors_allowed_methods"] == ["HEAD", "GET", "POST"]
    assert "# the rpc address" in text and "# top comment" in text


def test_set_toml_values_appends_missing_keys_and_sections():
    text = cbft.set_toml_values(SAMPLE, {
        ("p2p", "allow_duplicate_ip"): True,
        ("", "log_level"): "error",
        ("tx_index", "indexer"): "kv",
        ("mempool", "size"): 5000,
    })

    doc = tomllib.loads(text)
    assert doc["p2p"]["allow_duplicate_ip"] is True
    assert doc["log_level"] == "error"
    assert doc["tx_index"] == {"indexer": "kv"}
    assert doc["mempool"] == {"size": 5000}
    assert "log_level" not in doc["rpc"]


def test_toml_value_rendering():
    assert cbft.toml_value(True) == "true"
    assert cbft.toml_value(12) == "12"
    assert cbft.toml_value('a"b\\c') == '"a\\"b\\\\c"'
    assert cbft.toml_value(["x", 1]) == '["x", 1]'
    with pytest.raises(TypeError):
        cbft.toml_value(1.5)


# ------------------------------------------------------------------------------ finding the binary


def test_cometbft_env_pointing_nowhere_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("COMETBFT", str(tmp_path / "missing"))

    with pytest.raises(CliError, match="COMETBFT"):
        cbft.find_cometbft()


def test_cometbft_missing_everywhere_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("COMETBFT", raising=False)
    monkeypatch.delenv("GOPATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))

    with pytest.raises(cbft.CometBFTNotFound, match="go install github.com/cometbft/cometbft/cmd/cometbft@v0.38.25"):
        cbft.find_cometbft()


def test_cometbft_env_wins(monkeypatch, tmp_path):
    fake = tmp_path / "cometbft"
    fake.write_text("#!/bin/sh\necho 0.38.25\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("COMETBFT", str(fake))

    assert cbft.find_cometbft() == str(fake)
    assert cbft.check_cometbft_version() == "0.38.25"


def test_wrong_cometbft_version_is_rejected(monkeypatch, tmp_path):
    fake = tmp_path / "cometbft"
    fake.write_text("#!/bin/sh\necho 0.37.4\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("COMETBFT", str(fake))

    with pytest.raises(cbft.CometBFTError, match="v0.38"):
        cbft.check_cometbft_version()


def test_chain_id_validation():
    assert cbft.validate_chain_id("sprint-devnet-1") == "sprint-devnet-1"
    for bad in ("", "has space", "x" * 49, "-leading"):
        with pytest.raises(CliError):
            cbft.validate_chain_id(bad)


# ------------------------------------------------------------------------------ real cometbft home


@pytest.fixture
def cometbft_home(tmp_path):
    _cometbft_or_skip()
    home = tmp_path / "node"
    cbft.init_cometbft_home(home, moniker="unit-node")
    return home


def test_init_creates_keys_state_and_moniker(cometbft_home):
    for rel in (cbft.CONFIG_TOML, cbft.GENESIS_JSON, cbft.PRIV_VALIDATOR_KEY, cbft.NODE_KEY,
                cbft.PRIV_VALIDATOR_STATE):
        assert (cometbft_home / rel).is_file(), rel
    assert cbft.read_config(cometbft_home)["moniker"] == "unit-node"
    assert len(cbft.node_id(cometbft_home)) == 40


def test_patch_config_sets_devnet_keys_and_keeps_the_rest(cometbft_home):
    before = cbft.read_config(cometbft_home)
    before_text = (cometbft_home / cbft.CONFIG_TOML).read_text()

    cbft.patch_config(
        cometbft_home,
        p2p_laddr="tcp://127.0.0.1:30001",
        rpc_laddr="tcp://127.0.0.1:30002",
        proxy_app="tcp://127.0.0.1:30003",
        timeout_commit="500ms",
        persistent_peers="abc@127.0.0.2:26656",
    )

    after = tomllib.loads((cometbft_home / cbft.CONFIG_TOML).read_text())
    assert after["p2p"]["laddr"] == "tcp://127.0.0.1:30001"
    assert after["rpc"]["laddr"] == "tcp://127.0.0.1:30002"
    assert after["proxy_app"] == "tcp://127.0.0.1:30003"
    assert after["consensus"]["timeout_commit"] == "500ms"
    assert after["consensus"]["create_empty_blocks"] is True
    assert after["p2p"]["persistent_peers"] == "abc@127.0.0.2:26656"
    assert after["p2p"]["addr_book_strict"] is False
    assert after["p2p"]["allow_duplicate_ip"] is True
    assert after["tx_index"]["indexer"] == "kv"
    assert after["rpc"]["pprof_laddr"] == ""
    assert after["instrumentation"]["prometheus"] is False
    assert after["log_level"] == cbft.QUIET_LOG_LEVEL
    assert 0 < after["mempool"]["max_txs_bytes"] <= before["mempool"]["max_txs_bytes"]
    # everything we did not set is unchanged, and no key moved to another section
    assert set(after) == set(before)
    for section in ("statesync", "blocksync", "storage"):
        assert after[section] == before[section]
    assert after["consensus"]["timeout_propose"] == before["consensus"]["timeout_propose"]
    assert after["rpc"]["max_body_bytes"] == before["rpc"]["max_body_bytes"]
    # comments survive
    comments = [line for line in before_text.splitlines() if line.startswith("#")]
    after_text = (cometbft_home / cbft.CONFIG_TOML).read_text()
    assert all(c in after_text for c in comments)


def test_write_genesis_sets_chain_state_and_block_limits_keeping_validators(cometbft_home):
    original = cbft.read_genesis(cometbft_home)
    app_state = {"auth": {"accounts": []}, "bank": {"balances": [], "supply": []}}

    cbft.write_genesis(cometbft_home, "unit-chain-7", app_state, genesis_time="2024-01-02T03:04:05.000000000Z")

    genesis = json.loads((cometbft_home / cbft.GENESIS_JSON).read_text())
    assert genesis["chain_id"] == "unit-chain-7"
    assert genesis["app_state"] == app_state
    assert genesis["genesis_time"] == "2024-01-02T03:04:05.000000000Z"
    assert genesis["consensus_params"]["block"] == {"max_bytes": str(4 * 1024 * 1024), "max_gas": "-1"}
    assert genesis["validators"] == original["validators"]
    assert genesis["consensus_params"]["evidence"] == original["consensus_params"]["evidence"]
    assert not list((cometbft_home / "config").glob(".*tmp*"))


def test_write_genesis_rejects_bad_chain_id(cometbft_home):
    with pytest.raises(CliError, match="chain id"):
        cbft.write_genesis(cometbft_home, "bad chain", {})


# ------------------------------------------------------------------------------ devnet home


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    _cometbft_or_skip()
    from genesis.devnet import create_devnet_home

    home = tmp_path_factory.mktemp("devnet") / "home"
    p2p, rpc, abci, grpc_port = _free_ports(4)
    info = create_devnet_home(home, p2p_port=p2p, rpc_port=rpc, abci_port=abci, grpc_port=grpc_port)
    return home, info, (p2p, rpc, abci, grpc_port)


def test_devnet_home_has_cometbft_files_and_our_genesis(devnet):
    home, info, _ = devnet
    for rel in ("config/genesis.json", "config/priv_validator_key.json", "config/node_key.json",
                "data/priv_validator_state.json", "config/app.toml", "config/config.toml"):
        assert (home / rel).is_file(), rel
    genesis = json.loads((home / "config/genesis.json").read_text())
    assert genesis["chain_id"] == "sprint-devnet-1" == info["chain_id"]
    assert len(genesis["validators"]) == 1
    accounts = genesis["app_state"]["auth"]["accounts"]
    host = info["host"]  # the validator's host keys follow the dev accounts, then the staking module
    assert [a["address"] for a in accounts][:6] == [a["address"] for a in info["accounts"]] + [
        host["operator"]["address"], host["worker"]["address"]]
    assert [a["name"] for a in info["accounts"]] == ["alice", "bob", "carol", "dave"]
    balances = {b["address"]: b["coins"] for b in genesis["app_state"]["bank"]["balances"]}
    for acc in info["accounts"]:
        assert balances[acc["address"]] == [{"denom": "usprint", "amount": str(10**12)}]
    supply = 5 * 10**12 + int(host["worker"]["amount"]) + int(host["collateral"])
    assert genesis["app_state"]["bank"]["supply"] == [{"denom": "usprint", "amount": str(supply)}]


def test_devnet_ports_are_consistent_between_cometbft_and_app_toml(devnet):
    home, info, (p2p, rpc, abci, grpc_port) = devnet
    config = cbft.read_config(home)
    node = NodeConfig.load(home)
    assert config["p2p"]["laddr"] == f"tcp://127.0.0.1:{p2p}"
    assert config["rpc"]["laddr"] == f"tcp://127.0.0.1:{rpc}"
    assert config["proxy_app"] == f"tcp://127.0.0.1:{abci}" == f"tcp://{node.abci_address}"
    assert node.grpc_address == f"127.0.0.1:{grpc_port}" == info["grpc_address"]
    assert node.rpc_url == f"http://127.0.0.1:{rpc}" == info["rpc_url"]
    assert node.chain_id == "sprint-devnet-1"
    assert config["consensus"]["timeout_commit"] == "500ms"


def test_devnet_accounts_are_in_the_test_keyring_and_dev_accounts_file(devnet):
    from abci_app.keyring import Keyring

    home, info, _ = devnet
    records = {r.name: r.address for r in Keyring(home, backend="test").list()}
    host_keys = [info["host"]["operator"], info["host"]["worker"]]
    assert records == {a["name"]: a["address"] for a in info["accounts"] + host_keys}
    assert info["keyring_backend"] == "test"
    saved_path = home / "dev-accounts.json"
    saved = json.loads(saved_path.read_text())
    assert "DEV ONLY" in saved["note"]
    assert [a["mnemonic"] for a in saved["accounts"]] == [a["mnemonic"] for a in info["accounts"]]
    assert all(len(a["mnemonic"].split()) in (12, 24) for a in saved["accounts"])
    assert stat.S_IMODE(saved_path.stat().st_mode) == 0o600
    # the mnemonic restores the same address
    other = Keyring(home / "restore", backend="test")
    record, _ = other.add("alice", mnemonic=saved["accounts"][0]["mnemonic"])
    assert record.address == info["accounts"][0]["address"]


def test_devnet_home_is_reused_and_ports_can_change(devnet):
    from genesis.devnet import create_devnet_home

    home, info, (p2p, rpc, abci, grpc_port) = devnet
    genesis_before = (home / "config/genesis.json").read_text()
    new_rpc = _free_ports(1)[0]

    again = create_devnet_home(home, rpc_port=new_rpc)

    assert again["created"] is False
    assert again["accounts"] == info["accounts"]
    assert (home / "config/genesis.json").read_text() == genesis_before
    assert cbft.read_config(home)["rpc"]["laddr"] == f"tcp://127.0.0.1:{new_rpc}"
    assert NodeConfig.load(home).rpc_url == f"http://127.0.0.1:{new_rpc}"
    assert cbft.read_config(home)["p2p"]["laddr"] == f"tcp://127.0.0.1:{p2p}"
    create_devnet_home(home, rpc_port=rpc)  # put it back for the other tests
    with pytest.raises(CliError, match="holds devnet"):
        create_devnet_home(home, chain_id="other-chain-1")


def test_devnet_refuses_a_non_empty_foreign_directory(tmp_path):
    from genesis.devnet import create_devnet_home, reset_devnet_home

    (tmp_path / "precious.txt").write_text("keep me")

    with pytest.raises(CliError, match="not a devnet home"):
        create_devnet_home(tmp_path)
    with pytest.raises(CliError, match="refusing to delete"):
        reset_devnet_home(tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_failed_devnet_creation_leaves_no_half_made_home(tmp_path, monkeypatch):
    _cometbft_or_skip()
    import genesis.devnet as devnet_mod

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(devnet_mod, "write_genesis", boom)
    home = tmp_path / "half"
    with pytest.raises(RuntimeError):
        devnet_mod.create_devnet_home(home, **dict(zip(("p2p_port", "rpc_port", "abci_port", "grpc_port"), _free_ports(4))))
    assert not home.exists()


# ------------------------------------------------------------------------------ CLI


def test_sprintd_init_writes_home_and_refuses_to_overwrite(tmp_path):
    _cometbft_or_skip()
    from abci_app.cli.main import cli

    home = tmp_path / "n1"
    runner = CliRunner()
    result = runner.invoke(cli, ["init", "--home", str(home), "--chain-id", "my-chain-1",
                                 "--moniker", "m1", "-o", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["chain_id"] == "my-chain-1" and len(out["node_id"]) == 40
    genesis = json.loads((home / "config/genesis.json").read_text())
    assert genesis["chain_id"] == "my-chain-1"
    assert genesis["app_state"] == {"auth": {"accounts": []}, "bank": {"balances": [], "supply": []}}
    assert NodeConfig.load(home).chain_id == "my-chain-1"
    assert cbft.read_config(home)["moniker"] == "m1"

    again = runner.invoke(cli, ["init", "--home", str(home)])
    assert isinstance(again.exception, CliError)
    assert "already initialised" in str(again.exception)


def test_sprintd_start_on_uninitialised_home_is_a_clear_error(tmp_path):
    from abci_app.cli.main import cli

    result = CliRunner().invoke(cli, ["start", "--home", str(tmp_path / "nothing")])
    assert isinstance(result.exception, CliError)
    assert "sprintd init" in str(result.exception)


def test_sprintd_devnet_init_only_prints_accounts(tmp_path):
    _cometbft_or_skip()
    from abci_app.cli.main import cli

    home = tmp_path / "dv"
    ports = _free_ports(4)
    args = ["devnet", "--home", str(home), "--init-only", "--p2p-port", str(ports[0]),
            "--rpc-port", str(ports[1]), "--abci-port", str(ports[2]), "--grpc-port", str(ports[3])]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "alice" in result.output and "mnemonic" in result.output and "DEV ONLY" in result.output

    again = CliRunner().invoke(cli, ["devnet", "--home", str(home), "--init-only"])
    assert again.exit_code == 0 and "reusing" in again.output

    same = CliRunner().invoke(cli, ["devnet", "--home", str(home), "--init-only",
                                    "--rpc-port", "30000", "--grpc-port", "30000"])
    assert isinstance(same.exception, CliError)


# ------------------------------------------------------------------------------ supervisor checks


def test_supervisor_refuses_uninitialised_home(tmp_path):
    from abci_app.devnet_runner import DevnetError, DevnetProcesses

    with pytest.raises(DevnetError, match="not an initialised home"):
        DevnetProcesses(tmp_path)


def test_supervisor_reports_a_busy_port_before_starting_anything(devnet):
    from abci_app.devnet_runner import DevnetError, DevnetProcesses

    home, _, (p2p, rpc, abci, grpc_port) = devnet
    busy = socket.socket()
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    busy.bind(("127.0.0.1", abci))
    busy.listen(1)
    try:
        processes = DevnetProcesses(home)
        with pytest.raises(DevnetError, match=f"ABCI port 127.0.0.1:{abci} is already in use"):
            processes.start(ready_timeout=5)
        assert processes.node is None and processes.cometbft is None
    finally:
        busy.close()


def test_supervisor_names_the_log_when_the_node_dies_at_start(devnet, tmp_path):
    from abci_app.devnet_runner import DevnetError, DevnetProcesses

    home, _, _ = devnet
    fake_python = tmp_path / "fake-python"
    fake_python.write_text("#!/bin/sh\necho 'node exploded' >&2\nexit 3\n")
    fake_python.chmod(0o755)

    processes = DevnetProcesses(home, python=str(fake_python))
    with pytest.raises(DevnetError, match=r"sprintd exited with code 3; see .*node\.log"):
        processes.start(ready_timeout=5, abci_timeout=10)
    assert "node exploded" in (home / "logs" / "node.log").read_text()
    assert processes.cometbft is None


@pytest.mark.e2e
@pytest.mark.timeout(180)
def test_supervised_devnet_makes_blocks_and_stops_cleanly(tmp_path):
    _cometbft_or_skip()
    from abci_app.devnet_runner import start_devnet
    from genesis.devnet import create_devnet_home

    p2p, rpc, abci, grpc_port = _free_ports(4)
    info = create_devnet_home(tmp_path / "live", p2p_port=p2p, rpc_port=rpc, abci_port=abci,
                              grpc_port=grpc_port)

    with start_devnet(info["home"], ready_timeout=90) as devnet:
        assert devnet.wait_for_height(3, timeout=60) >= 3
        status = devnet.status()
        assert status["node_info"]["network"] == "sprint-devnet-1"
        node, comet = devnet.node, devnet.cometbft
    assert node.returncode == 0 and comet.returncode == 0
    assert "Traceback" not in (tmp_path / "live" / "logs" / "node.log").read_text()
