"""docker-compose.yml + Dockerfile, without Docker: the compose file is parsed and checked service by
service against what `sprintd testnet init --hostnames ...` generates (tests/e2e/test_docker_compose.py
runs it on a real engine)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from abci_app.node_config import NodeConfig
from genesis import compose
from genesis.testnet import init_testnet, load_testnet

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[3]
HOSTNAMES = list(compose.DEFAULT_HOSTNAMES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A compose-mode testnet as the README tells users to create it (in ./testnet)."""
    workdir = tmp_path_factory.mktemp("compose")
    info = init_testnet(workdir / "testnet", validators=4, hostnames=HOSTNAMES)
    return workdir, info


@pytest.fixture(scope="module")
def repo_doc():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _home(workdir: Path, volume: str, mount: str) -> Path:
    host, _, target = volume.rpartition(":")
    assert target == mount, volume
    return (workdir / host).resolve()


def test_repo_compose_is_what_the_generator_renders(generated, repo_doc):
    _, info = generated
    expected = compose.render_compose(info, testnet_dir="./testnet", build_context=".")
    assert repo_doc == expected, "docker-compose.yml is stale: regenerate it with `python -m genesis.compose > docker-compose.yml`"
    assert (ROOT / "docker-compose.yml").read_text() == compose.compose_yaml(
        compose.repo_compose(), header=compose.REPO_COMPOSE_HEADER)


def test_services_volumes_and_commands_match_the_generated_homes(generated, repo_doc):
    workdir, info = generated
    services = repo_doc["services"]
    expected_names = []
    for node in info["nodes"]:
        expected_names += [node["services"]["cometbft"], node["services"]["node"], node["services"]["worker"]]
    assert sorted(services) == sorted(expected_names) and len(services) == 12

    for node in info["nodes"]:
        names = node["services"]
        home = (Path(info["dir"]) / node["home"]).resolve()
        config = tomllib.loads((home / "config/config.toml").read_text())
        app = NodeConfig.load(home)

        cmt = services[names["cometbft"]]
        assert re.fullmatch(r"cometbft/cometbft:v0\.38\.\d+", cmt["image"])
        assert cmt["environment"]["CMTHOME"] == "/cometbft"
        assert cmt["command"] == ["start", "--home", "/cometbft"]
        assert [_home(workdir, v, "/cometbft") for v in cmt["volumes"]] == [home]
        assert cmt["depends_on"] == {names["node"]: {"condition": "service_healthy"}}
        assert cmt["healthcheck"]["test"][:2] == ["CMD", "curl"]
        assert cmt["healthcheck"]["test"][-1].endswith(":26657/health")

        # CometBFT reaches its app by service name on the port the node listens on.
        proxy_host, proxy_port = config["proxy_app"].removeprefix("tcp://").rsplit(":", 1)
        assert proxy_host == names["node"] and proxy_host in services
        assert app.abci_address == f"0.0.0.0:{proxy_port}"
        # RPC and p2p listen on every interface inside the container.
        assert config["rpc"]["laddr"] == "tcp://0.0.0.0:26657" and config["p2p"]["laddr"] == "tcp://0.0.0.0:26656"
        # Peers are other validators' CometBFT services with their real node ids.
        ids = {n["services"]["cometbft"]: n["node_id"] for n in info["nodes"]}
        for peer in config["p2p"]["persistent_peers"].split(","):
            peer_id, address = peer.split("@")
            host, port = address.rsplit(":", 1)
            assert host in services and host != names["cometbft"] and ids[host] == peer_id and port == "26656"
        assert app.rpc_url == f"http://{names['cometbft']}:26657"

        node_svc = services[names["node"]]
        assert node_svc["image"] == compose.NODE_IMAGE
        assert node_svc["build"] == {"context": ".", "dockerfile": "Dockerfile", "target": "node"}
        assert node_svc["command"] == ["sprintd", "start", "--home", "/home/sprint"]
        assert [_home(workdir, v, "/home/sprint") for v in node_svc["volumes"]] == [home]
        assert str(proxy_port) in node_svc["healthcheck"]["test"][-1]

        worker = services[names["worker"]]
        assert worker["image"] == compose.WORKER_IMAGE != compose.NODE_IMAGE  # the node image has no torch
        assert worker["build"] == {"context": ".", "dockerfile": "Dockerfile", "target": "worker"}
        command = worker["command"]
        assert command[:2] == ["sprint-worker", "start"]
        assert command[command.index("--home") + 1] == "/home/sprint"
        assert command[command.index("--key") + 1] == node["worker"]["key"]
        grpc_port = app.grpc_address.rsplit(":", 1)[1]
        assert command[command.index("--node") + 1] == f"{names['node']}:{grpc_port}"
        assert [_home(workdir, v, "/home/sprint") for v in worker["volumes"]] == [home]
        assert set(worker["depends_on"]) <= set(services)

        # only validator 0 publishes ports: its CometBFT RPC and its gRPC, on the host's loopback only
        # (a dev chain with unencrypted keys and an unauthenticated RPC)
        if node["index"] == 0:
            rpc_port = config["rpc"]["laddr"].rsplit(":", 1)[1]
            assert cmt["ports"] == [f"127.0.0.1:${{SPRINT_RPC_PORT:-{rpc_port}}}:{rpc_port}"]
            assert node_svc["ports"] == [f"127.0.0.1:${{SPRINT_GRPC_PORT:-{grpc_port}}}:{grpc_port}"]
        else:
            assert "ports" not in cmt and "ports" not in node_svc
        assert "ports" not in worker


def test_compose_file_written_into_the_testnet_dir(generated):
    _, info = generated
    written = yaml.safe_load((Path(info["dir"]) / "docker-compose.yml").read_text())
    assert written == compose.render_compose(load_testnet(info["dir"]), testnet_dir=".")
    for service in written["services"].values():
        for volume in service.get("volumes", []):
            assert (Path(info["dir"]) / volume.split(":")[0]).is_dir()


def test_render_needs_compose_mode(tmp_path):
    info = init_testnet(tmp_path / "local", validators=1, seed="x")
    with pytest.raises(ValueError, match="--hostnames"):
        compose.render_compose(info)


def test_yaml_writer_round_trips_awkward_strings():
    doc = {"services": {"a": {"command": ["sh", "-c", "echo 'x: y' # not a comment", "yes", "", "1"],
                              "environment": {"EMPTY": "", "ON": "on", "QUOTE": 'a"b\\c', "NUM": 5,
                                              "FLAG": True, "UNI": "héllo"},
                              "list": [], "map": {}, "nested": [{"k": "v", "n": [1, 2]}, {"k": "w"}]},
                        "yes": {"image": "x:1"}}}
    assert yaml.safe_load(compose.compose_yaml(doc, header="hi\n\nthere")) == doc


def _dockerfile_stages(text: str) -> dict[str, tuple[str, str]]:
    """stage name -> (parent image or stage, the stage's instructions, comments dropped)."""
    stages: dict[str, tuple[str, str]] = {}
    for chunk in re.split(r"(?m)^(?=FROM )", text)[1:]:
        parent, name = re.match(r"FROM (\S+)(?: AS (\S+))?", chunk).groups()
        body = "\n".join(line for line in chunk.splitlines() if not line.lstrip().startswith("#"))
        stages[name] = (parent, body)
    return stages


def _chain(stages: dict, name: str) -> str:
    """All instructions from the base image down to stage `name`."""
    parent, body = stages[name]
    return (_chain(stages, parent) if parent in stages else "") + body


def test_dockerfile_builds_our_commands():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"(?m)^FROM python:3\.11-slim( AS \S+)?$", text)
    stages = _dockerfile_stages(text)
    worker, node = _chain(stages, "worker"), _chain(stages, "node")
    # the worker container needs torch (and numpy, or torch warns at every start); the node never
    # imports torch, so its image (4 of the 8 app containers) carries none of it
    assert re.search(r"pip install [^\n]*torch==", worker) and re.search(r"pip install [^\n]*numpy", worker)
    assert "torch==" not in node and "numpy" not in node
    assert "sprint-worker --help" in worker and "sprintd --help" in node
    for target in (worker, node):
        for package in ("chain", "abci_app", "genesis", "proto", "worker"):
            assert re.search(rf"(?m)^COPY {package} ", target), package
        assert "/home/sprint" in target
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert {"sprintd", "sprint-worker"} <= set(scripts)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "testnet" in ignored  # keys never end up in the image


def test_readme_walkthrough_matches_compose(repo_doc):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Testnet guide", 1)[1].split("\n## ", 1)[0]
    assert "docker compose up" in section
    assert "--hostnames " + ",".join(HOSTNAMES) in section
    assert "127.0.0.1:9090" in section and "26657" in section
    assert json.dumps(repo_doc)  # parsed above: the file is valid YAML
