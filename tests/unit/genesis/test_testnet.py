"""`sprintd testnet init`: CometBFT homes, keys and node ids, genesis, determinism, bad input."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from abci_app.cli.common import CliError
from abci_app.keyring import Keyring
from abci_app.node_config import NodeConfig
from genesis import testnet as tn
from genesis.cometbft_config_template import CONFIG_TOML_TEMPLATE

GENESIS_TIME = "2026-01-01T00:00:00Z"
HOME_FILES = [
    "config/app.toml", "config/config.toml", "config/genesis.json", "config/node_key.json",
    "config/priv_validator_key.json", "data/priv_validator_state.json",
    "keyring-test/operator.info", "keyring-test/worker.info",
]


def make(tmp_path: Path, name: str = "net", **kwargs) -> dict:
    kwargs.setdefault("validators", 4)
    kwargs.setdefault("seed", "unit")
    kwargs.setdefault("genesis_time", GENESIS_TIME)
    return tn.init_testnet(tmp_path / name, **kwargs)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _cometbft_or_skip() -> str:
    from abci_app.cometbft import find_cometbft

    try:
        return find_cometbft()
    except CliError as err:
        pytest.skip(f"cometbft not installed: {err}")


# ---------------------------------------------------------------- layout and key formats


def test_every_home_has_the_files_cometbft_and_sprintd_expect(tmp_path):
    info = make(tmp_path)
    root = Path(info["dir"])
    assert sorted(p.name for p in root.iterdir()) == ["node0", "node1", "node2", "node3", "testnet.json"]
    for node in info["nodes"]:
        home = root / node["home"]
        for rel in HOME_FILES:
            assert (home / rel).is_file(), rel
        assert (home / "logs").is_dir()
        assert oct((home / "config/priv_validator_key.json").stat().st_mode & 0o777) == "0o600"
    assert json.loads((root / "testnet.json").read_text())["nodes"][0]["node_id"] == info["nodes"][0]["node_id"]
    assert "DEV/TEST ONLY" in info["note"]


def test_key_files_use_cometbft_json_format(tmp_path):
    info = make(tmp_path)
    for node in info["nodes"]:
        home = Path(info["dir"]) / node["home"]
        pv = json.loads((home / "config/priv_validator_key.json").read_text())
        assert set(pv) == {"address", "pub_key", "priv_key"}
        assert pv["pub_key"]["type"] == "tendermint/PubKeyEd25519"
        assert pv["priv_key"]["type"] == "tendermint/PrivKeyEd25519"
        pub = base64.b64decode(pv["pub_key"]["value"])
        priv = base64.b64decode(pv["priv_key"]["value"])
        assert len(pub) == 32 and len(priv) == 64 and priv[32:] == pub
        assert pv["address"] == hashlib.sha256(pub).digest()[:20].hex().upper() == node["validator_address"]
        assert re.fullmatch(r"[0-9A-F]{40}", pv["address"])

        nk = json.loads((home / "config/node_key.json").read_text())
        node_priv = base64.b64decode(nk["priv_key"]["value"])
        assert nk["priv_key"]["type"] == "tendermint/PrivKeyEd25519" and len(node_priv) == 64
        assert node["node_id"] == hashlib.sha256(node_priv[32:]).digest()[:20].hex()
        assert re.fullmatch(r"[0-9a-f]{40}", node["node_id"])

        state = json.loads((home / "data/priv_validator_state.json").read_text())
        assert state == {"height": "0", "round": 0, "step": 0}


def test_node_ids_and_validator_keys_match_the_cometbft_binary(tmp_path):
    binary = _cometbft_or_skip()
    info = make(tmp_path, validators=2)
    for node in info["nodes"]:
        home = str(Path(info["dir"]) / node["home"])
        shown_id = subprocess.run([binary, "show-node-id", "--home", home], capture_output=True, text=True,
                                  timeout=30).stdout.strip()
        assert shown_id == node["node_id"]
        shown = json.loads(subprocess.run([binary, "show-validator", "--home", home], capture_output=True,
                                          text=True, timeout=30).stdout)
        assert shown == {"type": "tendermint/PubKeyEd25519", "value": node["consensus_pubkey"]}


def test_config_template_is_what_cometbft_init_writes(tmp_path):
    binary = _cometbft_or_skip()
    home = tmp_path / "init"
    subprocess.run([binary, "init", "--home", str(home)], capture_output=True, timeout=60, check=True)
    written = (home / "config/config.toml").read_text()
    written = re.sub(r'(?m)^moniker = ".*"$', 'moniker = "sprint-node"', written)
    assert written == CONFIG_TOML_TEMPLATE


def test_key_file_text_is_byte_compatible_with_cometbft(tmp_path):
    """Same JSON layout as `cometbft init`: re-serialising its files our way gives the same bytes."""
    binary = _cometbft_or_skip()
    home = tmp_path / "init"
    subprocess.run([binary, "init", "--home", str(home)], capture_output=True, timeout=60, check=True)
    pv_text = (home / "config/priv_validator_key.json").read_text()
    seed = base64.b64decode(json.loads(pv_text)["priv_key"]["value"])[:32]
    assert tn.priv_validator_key_text(tn.Ed25519Key(seed)) == pv_text
    nk_text = (home / "config/node_key.json").read_text()
    node_seed = base64.b64decode(json.loads(nk_text)["priv_key"]["value"])[:32]
    assert tn.node_key_text(tn.Ed25519Key(node_seed)) == nk_text
    assert (home / "data/priv_validator_state.json").read_text() == tn.PRIV_VALIDATOR_STATE_TEXT


# ---------------------------------------------------------------- config, peers, genesis


def test_localnet_addresses_peers_and_config(tmp_path):
    info = make(tmp_path, base_port=23000, grpc_port=23100, timeout_commit="300ms", timeout_propose="1s")
    ids = {n["index"]: n["node_id"] for n in info["nodes"]}
    for node in info["nodes"]:
        i = node["index"]
        home = Path(info["dir"]) / node["home"]
        config = tomllib.loads((home / "config/config.toml").read_text())
        ip = f"127.0.0.{i + 1}"
        assert config["moniker"] == f"node{i}"
        assert config["proxy_app"] == f"tcp://{ip}:23002"
        assert config["rpc"]["laddr"] == f"tcp://{ip}:23001"
        assert config["p2p"]["laddr"] == f"tcp://{ip}:23000"
        assert config["p2p"]["addr_book_strict"] is False and config["p2p"]["allow_duplicate_ip"] is True
        assert config["consensus"]["timeout_commit"] == "300ms"
        assert config["consensus"]["timeout_propose"] == "1s"
        peers = config["p2p"]["persistent_peers"].split(",")
        assert sorted(peers) == sorted(f"{ids[j]}@127.0.0.{j + 1}:23000" for j in ids if j != i)
        app = NodeConfig.load(home)
        assert (app.chain_id, app.abci_address, app.grpc_address, app.rpc_url) == (
            "sprint-localnet-1", f"{ip}:23002", f"{ip}:23100", f"http://{ip}:23001")


def test_single_ip_ports_do_not_collide(tmp_path):
    info = make(tmp_path, validators=3, single_ip=True, base_port=24000, grpc_port=24100)
    used = []
    for node in info["nodes"]:
        assert node["host"] == "127.0.0.1"
        used += [node["p2p_port"], node["rpc_port"], node["abci_port"], node["grpc_port"]]
    assert len(used) == len(set(used))


def test_genesis_is_shared_and_validators_are_the_hosts(tmp_path):
    from chain.modules.hosts.genesis import check_validators, validate_genesis

    info = make(tmp_path, weight=7)
    root = Path(info["dir"])
    texts = {(root / n["home"] / "config/genesis.json").read_text() for n in info["nodes"]}
    assert len(texts) == 1
    genesis = json.loads(texts.pop())
    assert genesis["chain_id"] == "sprint-localnet-1" and genesis["genesis_time"] == "2026-01-01T00:00:00.000000000Z"
    assert [v["power"] for v in genesis["validators"]] == ["7"] * 4
    assert [v["address"] for v in genesis["validators"]] == [n["validator_address"] for n in info["nodes"]]
    hosts = validate_genesis(genesis["app_state"]["hosts"])
    check_validators(hosts, [(base64.b64decode(v["pub_key"]["value"]), int(v["power"]))
                             for v in genesis["validators"]])
    assert [h.operator for h in hosts] == [n["operator"]["address"] for n in info["nodes"]]
    assert [h.worker_pubkey.hex() for h in hosts] == [n["worker"]["pubkey"] for n in info["nodes"]]
    balances = {b["address"]: int(b["coins"][0]["amount"]) for b in genesis["app_state"]["bank"]["balances"]}
    for node in info["nodes"]:
        assert balances[node["operator"]["address"]] == tn.OPERATOR_AMOUNT
        assert balances[node["worker"]["address"]] == tn.WORKER_AMOUNT


def test_genesis_app_state_initialises_the_app(tmp_path):
    import cosmpy.protos  # noqa: F401  (puts tendermint on sys.path)
    from sprint.hosts.v1 import query_pb2
    from tendermint.abci import types_pb2 as abci

    from chain.store.memory import MemoryDB
    from tests.helpers.chain import new_app, run_block

    info = make(tmp_path, validators=2)
    genesis = json.loads((Path(info["dir"]) / "node0/config/genesis.json").read_text())
    app = new_app(MemoryDB(), genesis["app_state"], chain_id=genesis["chain_id"])
    run_block(app)
    resp = app.query(abci.RequestQuery(path="/sprint.hosts.v1.Query/Hosts",
                                       data=query_pb2.QueryHostsRequest().SerializeToString()))
    assert resp.code == 0
    assert sorted(h.moniker for h in query_pb2.QueryHostsResponse.FromString(resp.value).hosts) == ["node0", "node1"]


def test_operator_and_worker_keys_are_in_the_test_keyring(tmp_path):
    info = make(tmp_path, validators=2)
    for node in info["nodes"]:
        keyring = Keyring(Path(info["dir"]) / node["home"], backend="test")
        assert keyring.show("operator").address == node["operator"]["address"]
        assert keyring.show("worker").address == node["worker"]["address"]
        assert keyring.signing_key("worker").pubkey.hex() == node["worker"]["pubkey"]


def test_compose_mode_wires_service_names(tmp_path):
    names = ["validator0", "validator1", "validator2"]
    info = make(tmp_path, validators=3, hostnames=names)
    ids = {n["moniker"]: n["node_id"] for n in info["nodes"]}
    assert (Path(info["dir"]) / "docker-compose.yml").is_file()
    for node in info["nodes"]:
        home = Path(info["dir"]) / node["home"]
        config = tomllib.loads((home / "config/config.toml").read_text())
        me = node["moniker"]
        assert config["proxy_app"] == f"tcp://{me}-node:26658"
        assert config["p2p"]["laddr"] == "tcp://0.0.0.0:26656" and config["rpc"]["laddr"] == "tcp://0.0.0.0:26657"
        assert config["p2p"]["external_address"] == f"{me}:26656"
        assert sorted(config["p2p"]["persistent_peers"].split(",")) == \
            sorted(f"{ids[h]}@{h}:26656" for h in names if h != me)
        app = NodeConfig.load(home)
        assert (app.abci_address, app.grpc_address, app.rpc_url) == ("0.0.0.0:26658", "0.0.0.0:9090",
                                                                     f"http://{me}:26657")


# ---------------------------------------------------------------- determinism


def test_same_seed_gives_identical_testnets(tmp_path):
    a = make(tmp_path, "a", seed="s1")
    b = make(tmp_path, "b", seed="s1")
    assert tree(Path(a["dir"])) == tree(Path(b["dir"]))
    c = make(tmp_path, "c", seed="s2")
    assert {n["node_id"] for n in c["nodes"]}.isdisjoint(n["node_id"] for n in a["nodes"])


def test_without_seed_keys_are_random(tmp_path):
    a = make(tmp_path, "a", seed=None, validators=1)
    b = make(tmp_path, "b", seed=None, validators=1)
    assert not a["seeded"]
    assert a["nodes"][0]["node_id"] != b["nodes"][0]["node_id"]
    assert a["nodes"][0]["operator"]["address"] != b["nodes"][0]["operator"]["address"]


def test_all_keys_of_a_testnet_are_distinct(tmp_path):
    info = make(tmp_path, validators=4)
    values = []
    for node in info["nodes"]:
        values += [node["node_id"], node["validator_address"].lower(), node["operator"]["address"],
                   node["worker"]["address"]]
    assert len(values) == len(set(values))


# ---------------------------------------------------------------- bad input writes nothing


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "abci_app.cli.main", "testnet", "init", *args],
                          capture_output=True, text=True, timeout=60)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 1, result.stderr
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("Error:") and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize("args, fragment", [
    (["--validators", "0"], "--validators must be at least 1"),
    (["--validators", "-2"], "--validators must be at least 1"),
    (["--chain-id", "bad chain id!"], "invalid chain id"),
    (["--chain-id", ""], "invalid chain id"),
    (["--hostnames", "a,b", "--validators", "3"], "one hostname per validator"),
    (["--hostnames", "Bad_Name"], "invalid hostname"),
    (["--hostnames", "a,a"], "must all be different"),
    (["--block-time", "soon"], "invalid --timeout-commit"),
    (["--genesis-time", "yesterday"], "invalid --genesis-time"),
    (["--epoch-length", "5"], "--epoch-length must be an integer of at least 6"),
])
def test_bad_arguments_fail_with_one_line_and_write_nothing(tmp_path, args, fragment):
    out = tmp_path / "out"
    result = run_cli("--output", str(out), *args)
    assert_one_line_error(result, fragment)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_non_empty_output_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run_cli("--output", str(out))
    assert_one_line_error(result, "is not empty")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("where", ["file", "under_file", "proc"])
def test_unwritable_output_is_refused(tmp_path, where):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    out = {"file": blocker, "under_file": blocker / "sub", "proc": Path("/proc/sprint-testnet-out")}[where]
    result = run_cli("--output", str(out))
    assert_one_line_error(result, str(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"] and blocker.read_text() == "x"


def test_read_only_directory_is_refused(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write into read-only directories")
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        result = run_cli("--output", str(parent / "out"))
        assert_one_line_error(result, "pick a writable location")
        assert list(parent.iterdir()) == []
    finally:
        parent.chmod(0o700)


def test_empty_existing_output_is_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    info = tn.init_testnet(out, validators=1, seed="x")
    assert Path(info["dir"]) == out and (out / "node0/config/genesis.json").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("existing", [False, True])
def test_failure_midway_leaves_nothing_partial(tmp_path, monkeypatch, existing):
    out = tmp_path / "deep" / "out"
    if existing:
        out.mkdir(parents=True)
    real = tn._write_node_home
    calls = []

    def flaky(home, node, genesis, opts):
        calls.append(node["index"])
        if node["index"] == 2:
            raise OSError(28, "No space left on device")
        real(home, node, genesis, opts)

    monkeypatch.setattr(tn, "_write_node_home", flaky)
    with pytest.raises(CliError, match="No space left on device"):
        tn.init_testnet(out, validators=4, seed="x")
    assert calls == [0, 1, 2]
    if existing:
        assert out.is_dir() and list(out.iterdir()) == []
    else:
        assert list(tmp_path.iterdir()) == []


def test_cli_success_prints_summary(tmp_path):
    out = tmp_path / "net"
    result = run_cli("--output", str(out), "--validators", "2", "--seed", "cli", "--base-port", "25000")
    assert result.returncode == 0, result.stderr
    assert "created localnet testnet sprint-localnet-1 with 2 validators" in result.stdout
    assert "DEV/TEST ONLY" in result.stdout
    info = tn.load_testnet(out)
    assert [n["rpc_port"] for n in info["nodes"]] == [25001, 25001]


def test_load_testnet_errors_are_clear(tmp_path):
    with pytest.raises(CliError, match="not a testnet directory"):
        tn.load_testnet(tmp_path)
    (tmp_path / "testnet.json").write_text("{nope")
    with pytest.raises(CliError, match="cannot read"):
        tn.load_testnet(tmp_path)
