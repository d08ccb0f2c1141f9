"""docker-compose for a testnet made by `sprintd testnet init --hostnames h0,h1,...`.

Per validator i with hostname h (node home DIR/node<i>):

    h          cometbft/cometbft:v0.38.x; `cometbft start --home /cometbft`; DIR/node<i> on /cometbft
    h-node     sprintchain-node:local (Dockerfile target `node`, no torch); `sprintd start --home
               /home/sprint`; DIR/node<i> on /home/sprint (ABCI on 0.0.0.0:26658: CometBFT's proxy_app
               is tcp://h-node:26658)
    h-worker   sprintchain-worker:local (target `worker`, torch); `sprint-worker start --home
               /home/sprint --key worker --node h-node:9090`; `docker compose stop` sends SIGTERM, on
               which the worker saves its state file and exits 0 (restart: on-failure leaves it down)

CometBFT and the node share the home (CometBFT's data/*.db and the app's data/sprint-app.db live side
by side). Validator 0 publishes its CometBFT RPC (26657) and gRPC (9090) on the host's loopback only
(127.0.0.1: the keys of a testnet are unencrypted, its RPC is unauthenticated); $SPRINT_RPC_PORT and
$SPRINT_GRPC_PORT choose other host ports. Peers find each
other by service name (persistent_peers = id@h:26656, written by the genesis tool).

`render_compose(info)` builds the document from testnet.json; `compose_yaml(doc)` writes it as YAML
(block style, every string double-quoted) without needing PyYAML at runtime.
"""

from __future__ import annotations

import json
import re

from genesis.testnet import (
    COMETBFT_CONTAINER_HOME,
    COMPOSE_ABCI_PORT,
    COMPOSE_GRPC_PORT,
    COMPOSE_RPC_PORT,
    CONTAINER_HOME,
    KEYRING_BACKEND,
    WORKER_KEY,
)

COMETBFT_IMAGE = "cometbft/cometbft:v0.38.25"
NODE_IMAGE = "sprintchain-node:local"
WORKER_IMAGE = "sprintchain-worker:local"
PUBLISH_ADDRESS = "127.0.0.1"  # published ports are reachable from this machine only
# host ports of validator 0's RPC and gRPC: the container ports unless these variables say otherwise
RPC_PORT_VARIABLE = "SPRINT_RPC_PORT"
GRPC_PORT_VARIABLE = "SPRINT_GRPC_PORT"


def published_port(variable: str, port: int) -> str:
    """`127.0.0.1:${VAR:-port}:port`: published on the host's loopback only, the host port
    overridable from the environment (compose interpolates `${VAR:-default}`)."""
    return f"{PUBLISH_ADDRESS}:${{{variable}:-{port}}}:{port}"
PROJECT_NAME = "sprintchain"
DEFAULT_HOSTNAMES = ("validator0", "validator1", "validator2", "validator3")


def render_compose(info: dict, testnet_dir: str = "./testnet", build_context: str | None = None) -> dict:
    """The docker-compose document for a compose-mode testnet.

    `testnet_dir` is the testnet directory as seen from the compose file ("." when the file sits in
    it). `build_context` (e.g. ".") adds a `build:` section (the Dockerfile's `node` or `worker`
    target) to the node and worker services so that `docker compose up --build` builds our images
    there; without it the images must exist (`scripts/build_images.sh`)."""
    if info.get("mode") != "compose":
        raise ValueError("render_compose needs a testnet made with --hostnames (compose mode)")
    testnet_dir = testnet_dir.rstrip("/") or "."
    services: dict[str, dict] = {}
    for node in info["nodes"]:
        names = node["services"]
        home = f"{testnet_dir}/{node['home']}"
        primary = node["index"] == 0
        cometbft = {
            "image": COMETBFT_IMAGE,
            "hostname": names["cometbft"],
            "user": "root",
            "command": ["start", "--home", COMETBFT_CONTAINER_HOME],
            "environment": {"CMTHOME": COMETBFT_CONTAINER_HOME},
            "volumes": [f"{home}:{COMETBFT_CONTAINER_HOME}"],
            "depends_on": {names["node"]: {"condition": "service_healthy"}},
            "healthcheck": {
                "test": ["CMD", "curl", "-fsS", f"http://127.0.0.1:{COMPOSE_RPC_PORT}/health"],
                "interval": "5s", "timeout": "3s", "retries": 20, "start_period": "10s",
            },
            "restart": "unless-stopped",
        }
        app = {
            "image": NODE_IMAGE,
            "hostname": names["node"],
            "command": ["sprintd", "start", "--home", CONTAINER_HOME],
            "volumes": [f"{home}:{CONTAINER_HOME}"],
            "healthcheck": {
                "test": ["CMD", "python", "-c",
                         f"import socket; socket.create_connection(('127.0.0.1', {COMPOSE_ABCI_PORT}), 2)"],
                "interval": "5s", "timeout": "3s", "retries": 20, "start_period": "10s",
            },
            "restart": "unless-stopped",
        }
        worker = {
            "image": WORKER_IMAGE,
            "hostname": names["worker"],
            "command": ["sprint-worker", "start", "--home", CONTAINER_HOME, "--key", WORKER_KEY,
                        "--keyring-backend", KEYRING_BACKEND, "--node", f"{names['node']}:{COMPOSE_GRPC_PORT}"],
            "volumes": [f"{home}:{CONTAINER_HOME}"],
            "depends_on": {names["cometbft"]: {"condition": "service_healthy"}},
            "restart": "on-failure",
        }
        if build_context is not None:
            # every service of our images can build its image (same tag, cached), so compose never
            # tries to pull a "sprintchain-*:local" image from a registry
            app["build"] = {"context": build_context, "dockerfile": "Dockerfile", "target": "node"}
            worker["build"] = {"context": build_context, "dockerfile": "Dockerfile", "target": "worker"}
        if primary:
            cometbft["ports"] = [published_port(RPC_PORT_VARIABLE, COMPOSE_RPC_PORT)]
            app["ports"] = [published_port(GRPC_PORT_VARIABLE, COMPOSE_GRPC_PORT)]
        services[names["cometbft"]] = cometbft
        services[names["node"]] = app
        services[names["worker"]] = worker
    return {"name": PROJECT_NAME, "services": services}


# --------------------------------------------------------------------------- YAML writer

_PLAIN_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar
    raise TypeError(f"unsupported YAML value {value!r}")


_YAML11_SPECIAL = ("true", "false", "null", "yes", "no", "on", "off", "y", "n")


def _key(key: str) -> str:
    """A mapping key, plain when YAML 1.1 cannot read it as anything but that string."""
    plain = _PLAIN_KEY_RE.match(key) and key.lower() not in _YAML11_SPECIAL
    return key if plain else json.dumps(key)


def _emit(value, indent: int, lines: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{_key(key)}:")
                _emit(item, indent + 1, lines)
            elif isinstance(item, (dict, list)):
                lines.append(f"{pad}{_key(key)}: {'{}' if isinstance(item, dict) else '[]'}")
            else:
                lines.append(f"{pad}{_key(key)}: {_scalar(item)}")
    elif isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            # short flow sequence for commands, ports and volumes: ["a", "b"]
            lines[-1] += " [" + ", ".join(_scalar(item) for item in value) + "]"
            return
        for item in value:
            sub: list[str] = []
            _emit(item, indent + 1, sub)
            first = sub[0].lstrip()
            lines.append(f"{pad}- {first}")
            lines.extend(sub[1:])
    else:
        lines.append(f"{pad}{_scalar(value)}")


def compose_yaml(doc: dict, header: str | None = None) -> str:
    """YAML text of a compose document (dicts, lists, strings, ints and bools only)."""
    lines: list[str] = []
    if header:
        lines.extend(f"# {line}" if line else "#" for line in header.splitlines())
    _emit(doc, 0, lines)
    return "\n".join(lines) + "\n"


REPO_COMPOSE_HEADER = """\
sprintchain 4-validator testnet. Generated by `python -m genesis.compose > docker-compose.yml`;
tests/unit/genesis/test_compose.py checks it against the genesis tool.

  scripts/build_images.sh          # sprintchain-node:local, sprintchain-worker:local (+ local base images)
  sprintd testnet init --hostnames validator0,validator1,validator2,validator3 --output ./testnet
  docker compose up -d
  sprintd q bank balance <operator address> --node 127.0.0.1:9090     # gRPC of validator 0
  curl -s http://127.0.0.1:26657/status                                 # CometBFT RPC of validator 0

Per validator: <name> (CometBFT), <name>-node (sprintd: ABCI + gRPC), <name>-worker (sprint-worker).
DEV/TEST ONLY: the keys in ./testnet are unencrypted; published ports bind to 127.0.0.1 only."""


def repo_compose(hostnames=DEFAULT_HOSTNAMES) -> dict:
    """The repository's docker-compose.yml document (testnet in ./testnet, image built from .)."""
    from genesis.testnet import TestnetOptions, plan_testnet, public_info

    plan = plan_testnet(TestnetOptions(validators=len(hostnames), hostnames=list(hostnames), seed="compose",
                                       genesis_time="2026-01-01T00:00:00Z"))
    return render_compose(public_info(plan["info"]), testnet_dir="./testnet", build_context=".")


def main() -> None:
    print(compose_yaml(repo_compose(), header=REPO_COMPOSE_HEADER), end="")


if __name__ == "__main__":
    main()
