"""The multi-validator testnet generator behind `sprintd testnet init`.

For N validators it writes, under one output directory DIR:

    DIR/testnet.json                  what was generated: chain id, per-node addresses, node ids,
                                      validator addresses, operator/worker accounts (DEV/TEST ONLY)
    DIR/node<i>/config/config.toml    CometBFT v0.38 config (template of `cometbft init`, edited)
    DIR/node<i>/config/genesis.json   the same genesis for every node: validators = hosts, power = weight
    DIR/node<i>/config/priv_validator_key.json, node_key.json   ed25519 keys in CometBFT's JSON format
    DIR/node<i>/config/app.toml       sprintd's NodeConfig (chain id, ABCI, gRPC and RPC addresses)
    DIR/node<i>/data/priv_validator_state.json
    DIR/node<i>/keyring-test/{operator,worker}.info   secp256k1 keys, UNENCRYPTED test keyring
    DIR/node<i>/logs/
    DIR/docker-compose.yml            only with hostnames (docker-compose mode)

Two address plans:

* localnet (default): node i listens on 127.0.0.(i+1) with the same ports everywhere (p2p
  `base_port`, RPC `base_port+1`, ABCI `base_port+2`, gRPC `grpc_port`): different loopback
  addresses do not collide. `single_ip=True` puts every node on 127.0.0.1 and spreads the ports
  instead (node i: base_port + 10*i + {0,1,2}, grpc_port + i), for systems without 127.0.0.x.
* compose (`hostnames=[...]`): node i's CometBFT service is hostnames[i], its node service
  `<hostname>-node` and its worker `<hostname>-worker`; everything listens on 0.0.0.0 with the
  standard ports and peers are wired by service name (see genesis/compose.py).

Every key comes from `seed` when one is given (sha256 of the seed, a role and the node index), so a
seeded testnet is reproducible byte for byte apart from genesis_time (pass `genesis_time` too for
that); without a seed the keys come from os.urandom.

Nothing partial is ever left behind: arguments are checked first, files are generated in a hidden
staging directory inside DIR and moved into place only when everything succeeded.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from genesis.cometbft_home import (
    CONFIG_TOML,
    DEFAULT_MAX_BLOCK_BYTES,
    GENESIS_JSON,
    NODE_KEY,
    PRIV_VALIDATOR_KEY,
    PRIV_VALIDATOR_STATE,
    QUIET_LOG_LEVEL,
    format_genesis_time,
    patch_config,
    validate_chain_id,
)
from genesis.app_state import (
    BASE_DENOM,
    DEFAULT_COLLATERAL,
    DEV_STAKING_PARAMS,
    GenesisError,
    add_bonds,
    add_genesis_models,
    add_reputation_params,
    add_rewards_params,
    add_sprint_params,
    build_app_state,
)
from genesis.cometbft_config_template import CONFIG_TOML_TEMPLATE
from genesis.errors import UserError as CliError
from genesis.blob_store import store_blobs
from genesis.keyring import Keyring, keyring_errors
from genesis.node_config import NodeConfig

TESTNET_FILE = "testnet.json"
COMPOSE_FILE = "docker-compose.yml"
LOCALNET_CHAIN_ID = "sprint-localnet-1"
DEFAULT_VALIDATORS = 4
MAX_VALIDATORS = 64
DEFAULT_BASE_PORT = 26656
DEFAULT_GRPC_PORT = 9090
DEFAULT_IP_PREFIX = "127.0.0"
DEFAULT_TIMEOUT_COMMIT = "500ms"
DEFAULT_WEIGHT = 10
OPERATOR_KEY = "operator"
WORKER_KEY = "worker"
OPERATOR_AMOUNT = 10**12  # usprint (1,000,000 SPRINT)
WORKER_AMOUNT = 10**10  # usprint (10,000 SPRINT): pays the worker's tx fees
KEYRING_BACKEND = "test"
HOST_STATUS_ACTIVE = "HOST_STATUS_ACTIVE"

# Inside containers every node uses the standard ports (compose mode).
COMPOSE_P2P_PORT = 26656
COMPOSE_RPC_PORT = 26657
COMPOSE_ABCI_PORT = 26658
COMPOSE_GRPC_PORT = 9090
CONTAINER_HOME = "/home/sprint"  # the node and worker services' --home
COMETBFT_CONTAINER_HOME = "/cometbft"  # CMTHOME of the cometbft/cometbft image

NOTE = (
    "DEV/TEST ONLY: the validator, node, operator and worker keys of this testnet are stored "
    "UNENCRYPTED (config/*.json and keyring-test/ in every node home). Never use them for anything "
    "of value."
)

PUBKEY_TYPE = "tendermint/PubKeyEd25519"
PRIVKEY_TYPE = "tendermint/PrivKeyEd25519"

_HOSTNAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,50}[a-z0-9])?$")
_DURATION_RE = re.compile(r"^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$")
_IP_PREFIX_RE = re.compile(r"^127\.\d{1,3}\.\d{1,3}$")
_SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


# --------------------------------------------------------------------------- keys


class KeySource:
    """32-byte key seeds: derived from `seed` (reproducible) or from os.urandom."""

    def __init__(self, seed: str | None):
        self.seed = seed
        self._master = None if seed is None else hashlib.sha256(
            b"sprint-testnet-v1|" + seed.encode("utf-8")).digest()

    def derive(self, role: str, index: int, counter: int = 0) -> bytes:
        if self._master is None:
            return os.urandom(32)
        data = self._master + role.encode() + index.to_bytes(4, "big") + counter.to_bytes(4, "big")
        return hashlib.sha256(data).digest()

    def secp256k1_secret(self, role: str, index: int) -> bytes:
        """A valid secp256k1 secret (0 < k < n); retries with a counter in the (2^-128) odd case."""
        for counter in range(1000):
            secret = self.derive(role, index, counter)
            if 0 < int.from_bytes(secret, "big") < _SECP256K1_ORDER:
                return secret
        raise RuntimeError("could not derive a secp256k1 key")  # pragma: no cover


@dataclass(frozen=True)
class Ed25519Key:
    """An ed25519 key as CometBFT stores it: priv = seed(32) || pub(32)."""

    seed: bytes

    @property
    def pubkey(self) -> bytes:
        private = Ed25519PrivateKey.from_private_bytes(self.seed)
        return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def priv_bytes(self) -> bytes:
        return self.seed + self.pubkey

    @property
    def address(self) -> str:
        """Validator address: uppercase hex of sha256(pubkey)[:20]."""
        return hashlib.sha256(self.pubkey).digest()[:20].hex().upper()

    @property
    def node_id(self) -> str:
        """P2P node id: lowercase hex of sha256(pubkey)[:20]."""
        return hashlib.sha256(self.pubkey).digest()[:20].hex()

    def pub_json(self) -> dict:
        return {"type": PUBKEY_TYPE, "value": _b64(self.pubkey)}

    def priv_json(self) -> dict:
        return {"type": PRIVKEY_TYPE, "value": _b64(self.priv_bytes)}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def priv_validator_key_doc(key: Ed25519Key) -> dict:
    return {"address": key.address, "pub_key": key.pub_json(), "priv_key": key.priv_json()}


def node_key_doc(key: Ed25519Key) -> dict:
    return {"priv_key": key.priv_json()}


def priv_validator_key_text(key: Ed25519Key) -> str:
    """config/priv_validator_key.json byte for byte as CometBFT writes it (2-space indent, no newline)."""
    return json.dumps(priv_validator_key_doc(key), indent=2)


def node_key_text(key: Ed25519Key) -> str:
    """config/node_key.json as CometBFT writes it (compact, no newline)."""
    return json.dumps(node_key_doc(key), separators=(",", ":"))


PRIV_VALIDATOR_STATE_TEXT = json.dumps({"height": "0", "round": 0, "step": 0}, indent=2)


# --------------------------------------------------------------------------- options


@dataclass
class TestnetOptions:
    __test__ = False  # not a pytest test class

    validators: int = DEFAULT_VALIDATORS
    chain_id: str = LOCALNET_CHAIN_ID
    hostnames: list[str] | None = None
    base_port: int = DEFAULT_BASE_PORT
    grpc_port: int = DEFAULT_GRPC_PORT
    ip_prefix: str = DEFAULT_IP_PREFIX
    single_ip: bool = False
    timeout_commit: str = DEFAULT_TIMEOUT_COMMIT
    timeout_propose: str | None = None
    seed: str | None = None
    genesis_time: _dt.datetime | str | None = None
    weight: int = DEFAULT_WEIGHT
    log_level: str = QUIET_LOG_LEVEL
    operator_amount: int = OPERATOR_AMOUNT
    worker_amount: int = WORKER_AMOUNT
    collateral: int = DEFAULT_COLLATERAL  # usprint bonded per host at genesis (minted into the staking account)
    epoch_length: int | None = None  # Sprint epoch in blocks, split into the six phases (default: 24)
    extra: dict = field(default_factory=dict)

    @property
    def mode(self) -> str:
        return "compose" if self.hostnames else "localnet"


def validate_options(opts: TestnetOptions) -> TestnetOptions:
    """Raise CliError (one sentence with the fix) for any bad option; touches no file."""
    if isinstance(opts.validators, bool) or not isinstance(opts.validators, int) or opts.validators < 1:
        raise CliError(f"--validators must be at least 1 (got {opts.validators!r}); e.g. --validators 4")
    if opts.validators > MAX_VALIDATORS:
        raise CliError(f"--validators {opts.validators} is more than this tool supports ({MAX_VALIDATORS}); "
                       "use fewer validators")
    validate_chain_id(opts.chain_id)
    if opts.hostnames is not None:
        names = list(opts.hostnames)
        if len(names) != opts.validators:
            raise CliError(f"--hostnames lists {len(names)} names for {opts.validators} validators; "
                           "give exactly one hostname per validator")
        for name in names:
            if not _HOSTNAME_RE.match(name or ""):
                raise CliError(f"invalid hostname {name!r}: use lower-case letters, digits and '-' "
                               "(e.g. validator0)")
        if len(set(names)) != len(names):
            raise CliError("--hostnames must all be different")
        services = [f"{n}-node" for n in names] + [f"{n}-worker" for n in names]
        clash = sorted(set(services) & set(names))
        if clash:
            raise CliError(f"hostname {clash[0]!r} collides with a generated service name; "
                           "rename it (e.g. validator0, validator1, ...)")
    else:
        if not _IP_PREFIX_RE.match(opts.ip_prefix) or any(int(p) > 255 for p in opts.ip_prefix.split(".")):
            raise CliError(f"invalid --ip-prefix {opts.ip_prefix!r}: use three loopback octets like 127.0.0")
        if not opts.single_ip and opts.validators > 254:  # pragma: no cover - bounded by MAX_VALIDATORS
            raise CliError("at most 254 validators fit on 127.0.0.x; use --single-ip")
        span = 10 * opts.validators if opts.single_ip else 3
        if not (1024 <= opts.base_port and opts.base_port + span <= 65535):
            raise CliError(f"--base-port {opts.base_port} leaves no room for the node ports; "
                           "pick a port between 1024 and 60000")
        grpc_span = opts.validators if opts.single_ip else 1
        if not (1024 <= opts.grpc_port and opts.grpc_port + grpc_span <= 65535):
            raise CliError(f"--grpc-port {opts.grpc_port} is out of range; pick a port between 1024 and 65000")
        grpc_ports = set(range(opts.grpc_port, opts.grpc_port + grpc_span))
        if opts.single_ip:
            cometbft_ports = {opts.base_port + 10 * i + k for i in range(opts.validators) for k in range(3)}
        else:
            cometbft_ports = set(range(opts.base_port, opts.base_port + 3))
        if grpc_ports & cometbft_ports:
            raise CliError(f"--grpc-port {opts.grpc_port} overlaps the p2p/RPC/ABCI ports from --base-port "
                           f"{opts.base_port}; pick ports that do not overlap")
    for flag, value in (("--timeout-commit", opts.timeout_commit), ("--timeout-propose", opts.timeout_propose)):
        if value is not None and not _DURATION_RE.match(value):
            raise CliError(f"invalid {flag} {value!r}: use a duration like 500ms or 1s")
    if isinstance(opts.weight, bool) or not isinstance(opts.weight, int) or opts.weight < 1:
        raise CliError(f"--weight must be a positive integer (got {opts.weight!r})")
    if opts.weight * opts.validators > ((1 << 63) - 1) // 8:
        raise CliError("--weight is too large: the total voting power would exceed CometBFT's limit")
    for flag, value in (("operator amount", opts.operator_amount), ("worker amount", opts.worker_amount)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CliError(f"{flag} must be a non-negative integer")
    from chain.modules.staking.params import DEFAULT_MIN_COLLATERAL

    if isinstance(opts.collateral, bool) or not isinstance(opts.collateral, int) \
            or opts.collateral < DEFAULT_MIN_COLLATERAL:
        raise CliError(f"--collateral must be an integer of at least {DEFAULT_MIN_COLLATERAL} usprint "
                       f"(the minimum host collateral), got {opts.collateral!r}")
    if opts.epoch_length is not None and (isinstance(opts.epoch_length, bool) or not isinstance(opts.epoch_length, int)
                                          or opts.epoch_length < 6):
        raise CliError(f"--epoch-length must be an integer of at least 6 blocks (one per Sprint phase), "
                       f"got {opts.epoch_length!r}")
    if opts.genesis_time is not None:
        opts.genesis_time = parse_genesis_time(opts.genesis_time)
    return opts


def parse_genesis_time(value) -> str:
    """RFC 3339 UTC text for a datetime or an RFC 3339 string; CliError when unreadable."""
    if isinstance(value, _dt.datetime):
        return format_genesis_time(value)
    text = str(value)
    try:
        parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"invalid --genesis-time {text!r}: use RFC 3339, e.g. 2026-01-01T00:00:00Z") from None
    return format_genesis_time(parsed)


# --------------------------------------------------------------------------- plan


def _node_addresses(opts: TestnetOptions, index: int) -> dict:
    """Where node `index` listens and how others reach it."""
    if opts.mode == "compose":
        host = opts.hostnames[index]
        return {
            "host": host,
            "p2p_port": COMPOSE_P2P_PORT, "rpc_port": COMPOSE_RPC_PORT,
            "abci_port": COMPOSE_ABCI_PORT, "grpc_port": COMPOSE_GRPC_PORT,
            "p2p_laddr": f"tcp://0.0.0.0:{COMPOSE_P2P_PORT}",
            "rpc_laddr": f"tcp://0.0.0.0:{COMPOSE_RPC_PORT}",
            "proxy_app": f"tcp://{host}-node:{COMPOSE_ABCI_PORT}",
            "abci_address": f"0.0.0.0:{COMPOSE_ABCI_PORT}",
            "grpc_address": f"0.0.0.0:{COMPOSE_GRPC_PORT}",
            "rpc_url": f"http://{host}:{COMPOSE_RPC_PORT}",
            "external_address": f"{host}:{COMPOSE_P2P_PORT}",
            "services": {"cometbft": host, "node": f"{host}-node", "worker": f"{host}-worker"},
        }
    if opts.single_ip:
        host = f"{opts.ip_prefix}.1"
        p2p, rpc, abci = (opts.base_port + 10 * index + k for k in range(3))
        grpc = opts.grpc_port + index
    else:
        host = f"{opts.ip_prefix}.{index + 1}"
        p2p, rpc, abci = opts.base_port, opts.base_port + 1, opts.base_port + 2
        grpc = opts.grpc_port
    return {
        "host": host, "p2p_port": p2p, "rpc_port": rpc, "abci_port": abci, "grpc_port": grpc,
        "p2p_laddr": f"tcp://{host}:{p2p}",
        "rpc_laddr": f"tcp://{host}:{rpc}",
        "proxy_app": f"tcp://{host}:{abci}",
        "abci_address": f"{host}:{abci}",
        "grpc_address": f"{host}:{grpc}",
        "rpc_url": f"http://{host}:{rpc}",
        "external_address": f"{host}:{p2p}",
    }


def plan_testnet(opts: TestnetOptions) -> dict:
    """Everything `init_testnet` writes, computed in memory: keys, addresses, genesis, configs."""
    from chain.tx.crypto import SigningKey

    keys = KeySource(opts.seed)
    genesis_time = opts.genesis_time or format_genesis_time(_dt.datetime.now(_dt.timezone.utc))
    nodes = []
    for i in range(opts.validators):
        validator_key = Ed25519Key(keys.derive("validator", i))
        node_key = Ed25519Key(keys.derive("node", i))
        operator_secret = keys.secp256k1_secret("operator", i)
        worker_secret = keys.secp256k1_secret("worker", i)
        operator, worker = SigningKey(operator_secret), SigningKey(worker_secret)
        addrs = _node_addresses(opts, i)
        moniker = opts.hostnames[i] if opts.mode == "compose" else f"node{i}"
        nodes.append({
            "index": i,
            "moniker": moniker,
            "home": f"node{i}",
            "node_id": node_key.node_id,
            "validator_address": validator_key.address,
            "consensus_pubkey": _b64(validator_key.pubkey),
            "power": opts.weight,
            "operator": {"key": OPERATOR_KEY, "address": operator.bech32, "pubkey": operator.pubkey.hex()},
            "worker": {"key": WORKER_KEY, "address": worker.bech32, "pubkey": worker.pubkey.hex()},
            **addrs,
            "_validator_key": validator_key,
            "_node_key": node_key,
            "_operator_secret": operator_secret,
            "_worker_secret": worker_secret,
        })
    for node in nodes:
        node["persistent_peers"] = ",".join(
            f"{peer['node_id']}@{peer['external_address']}" for peer in nodes if peer is not node)
        node["p2p_peer"] = f"{node['node_id']}@{node['external_address']}"

    funded = []
    for node in nodes:
        funded.append((node["operator"]["address"], opts.operator_amount))
        funded.append((node["worker"]["address"], opts.worker_amount))
    try:
        app_state = build_app_state(funded)
    except GenesisError as err:  # pragma: no cover - our own keys are unique and valid
        raise CliError(f"cannot build the genesis accounts: {err}") from None
    app_state["hosts"] = {"hosts": [{
        "operator": n["operator"]["address"],
        "consensus_pubkey": n["consensus_pubkey"],
        "worker_pubkey": _b64(bytes.fromhex(n["worker"]["pubkey"])),
        "endpoint": n["grpc_address"] if opts.mode == "localnet" else f"{n['services']['node']}:{COMPOSE_GRPC_PORT}",
        "moniker": n["moniker"],
        "weight": str(opts.weight),
        "status": HOST_STATUS_ACTIVE,
    } for n in nodes]}
    try:
        add_bonds(app_state, [(n["operator"]["address"], opts.collateral) for n in nodes],
                  params=dict(DEV_STAKING_PARAMS))
    except GenesisError as err:  # pragma: no cover - would be a bug in this generator
        raise CliError(f"cannot bond the genesis hosts: {err}") from None
    try:
        add_sprint_params(app_state, opts.epoch_length)
        add_reputation_params(app_state)
        add_rewards_params(app_state)  # the chain's default issuance schedule and split
    except GenesisError as err:  # pragma: no cover - validate_options checked the epoch length
        raise CliError(f"cannot set the Sprint params: {err}") from None
    model_blobs = add_genesis_models(app_state)  # the generated "tiny-lm"; each node home stores its weights
    _check_hosts_genesis(app_state)

    genesis = {
        "genesis_time": genesis_time,
        "chain_id": opts.chain_id,
        "initial_height": "1",
        "consensus_params": {
            "block": {"max_bytes": str(DEFAULT_MAX_BLOCK_BYTES), "max_gas": "-1"},
            "evidence": {"max_age_num_blocks": "100000", "max_age_duration": "172800000000000",
                         "max_bytes": "1048576"},
            "validator": {"pub_key_types": ["ed25519"]},
            "version": {"app": "0"},
            "abci": {"vote_extensions_enable_height": "0"},
        },
        "validators": [{
            "address": n["validator_address"],
            "pub_key": n["_validator_key"].pub_json(),
            "power": str(opts.weight),
            "name": n["moniker"],
        } for n in nodes],
        "app_hash": "",
        "app_state": app_state,
    }
    info = {
        "note": NOTE,
        "chain_id": opts.chain_id,
        "mode": opts.mode,
        "validators": opts.validators,
        "denom": BASE_DENOM,
        "genesis_time": genesis_time,
        "timeout_commit": opts.timeout_commit,
        "seeded": opts.seed is not None,
        "keyring_backend": KEYRING_BACKEND,
        "nodes": nodes,
    }
    if opts.mode == "compose":
        info["compose_file"] = COMPOSE_FILE
    return {"info": info, "genesis": genesis, "blobs": model_blobs}


def _check_hosts_genesis(app_state: dict) -> None:
    """Run the chain's own InitChain genesis loading (every module, host bonds included) on what we
    generated, in a throwaway in-memory store."""
    from chain.errors import TxError
    from chain.modules import registry
    from chain.store.cache import CacheStore
    from chain.store.memory import MemoryDB

    try:
        registry.init_genesis(CacheStore(MemoryDB().snapshot()), registry.build_keepers(), app_state)
    except TxError as err:  # pragma: no cover - would be a bug in this generator
        raise CliError(f"generated genesis is invalid: {err.log}") from None


def public_info(info: dict) -> dict:
    """testnet.json content: the plan without the in-memory key objects."""
    out = dict(info)
    out["nodes"] = [{k: v for k, v in node.items() if not k.startswith("_")} for node in info["nodes"]]
    return out


# --------------------------------------------------------------------------- writing


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def _write_node_home(home: Path, node: dict, genesis: dict, opts: TestnetOptions) -> None:
    (home / "config").mkdir(parents=True, mode=0o700)
    (home / "data").mkdir(mode=0o700)
    (home / "logs").mkdir()
    _write(home / CONFIG_TOML, CONFIG_TOML_TEMPLATE)
    patch_config(
        home,
        p2p_laddr=node["p2p_laddr"],
        rpc_laddr=node["rpc_laddr"],
        proxy_app=node["proxy_app"],
        timeout_commit=opts.timeout_commit,
        timeout_propose=opts.timeout_propose,
        persistent_peers=node["persistent_peers"],
        addr_book_strict=False,
        allow_duplicate_ip=True,
        moniker=node["moniker"],
        external_address=node["external_address"],
        pex=False,  # full mesh of persistent peers: nothing to exchange
        log_level=opts.log_level,
        extra=opts.extra or None,
    )
    _write(home / GENESIS_JSON, json.dumps(genesis, indent=2) + "\n")
    _write(home / PRIV_VALIDATOR_KEY, priv_validator_key_text(node["_validator_key"]), 0o600)
    _write(home / NODE_KEY, node_key_text(node["_node_key"]), 0o600)
    _write(home / PRIV_VALIDATOR_STATE, PRIV_VALIDATOR_STATE_TEXT, 0o600)
    NodeConfig(chain_id=opts.chain_id, abci_address=node["abci_address"],
               grpc_address=node["grpc_address"], rpc_url=node["rpc_url"]).save(home)
    keyring = Keyring(home, backend=KEYRING_BACKEND)
    with keyring_errors():
        keyring.add_secret(OPERATOR_KEY, node["_operator_secret"])
        keyring.add_secret(WORKER_KEY, node["_worker_secret"])


def _store_blobs(home: Path, blobs: dict[str, bytes]) -> None:
    """The genesis models' weights in the node's blob store (<home>/data/blobs), served over gRPC."""
    store_blobs(home, blobs)


def _missing_ancestors(path: Path) -> list[Path]:
    """`path` and its ancestors that do not exist yet, deepest first."""
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    return missing


def _prepare_output(output: Path) -> tuple[Path, list[Path]]:
    """Create (or check) the output directory and a staging directory inside it.

    Returns (staging, directories we created). CliError when it is not usable."""
    if output.exists() and not output.is_dir():
        raise CliError(f"--output {output} is a file, not a directory; pick a new or empty directory")
    if output.is_dir():
        try:
            entries = list(output.iterdir())
        except OSError as err:
            raise CliError(f"cannot read --output {output} ({err.strerror}); pick a readable, "
                           "writable directory") from None
        if entries:
            raise CliError(f"--output {output} is not empty; pick a new or empty directory "
                           "(or delete its contents)")
    created = _missing_ancestors(output)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        _remove_created(created)
        raise CliError(f"cannot create --output {output} ({err.strerror or err}); pick a writable "
                       "location") from None
    staging = output / f".testnet-partial-{os.getpid()}"
    try:
        staging.mkdir()
    except OSError as err:
        _remove_created(created)
        raise CliError(f"cannot write into --output {output} ({err.strerror or err}); pick a writable "
                       "directory") from None
    return staging, created


def _remove_created(created: list[Path]) -> None:
    for path in created:  # deepest first
        try:
            path.rmdir()
        except OSError:
            pass


def init_testnet(output: str | Path, opts: TestnetOptions | None = None, **kwargs) -> dict:
    """Generate a testnet in `output` (new or empty directory) and return testnet.json's content
    (with "dir" added). kwargs are TestnetOptions fields. Raises CliError and writes nothing on
    any problem."""
    opts = validate_options(opts or TestnetOptions(**kwargs))
    output = Path(output).expanduser().absolute()
    plan = plan_testnet(opts)
    info, genesis = plan["info"], plan["genesis"]
    staging, created = _prepare_output(output)
    moved: list[Path] = []
    try:
        for node in info["nodes"]:
            _write_node_home(staging / node["home"], node, genesis, opts)
            _store_blobs(staging / node["home"], plan["blobs"])
        public = public_info(info)
        _write(staging / TESTNET_FILE, json.dumps(public, indent=2) + "\n", 0o600)
        if opts.mode == "compose":
            from genesis.compose import compose_yaml, render_compose

            _write(staging / COMPOSE_FILE, compose_yaml(render_compose(public, testnet_dir=".")))
        for entry in sorted(staging.iterdir()):
            target = output / entry.name
            os.rename(entry, target)
            moved.append(target)
        staging.rmdir()
    except BaseException as err:
        shutil.rmtree(staging, ignore_errors=True)
        for target in moved:
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
        _remove_created(created)
        if isinstance(err, OSError):
            raise CliError(f"could not write the testnet into {output} ({err.strerror or err}); "
                           "check free space and permissions, then retry") from None
        raise
    public["dir"] = str(output)
    return public


def load_testnet(directory: str | Path) -> dict:
    """testnet.json of a generated testnet (with "dir" set); CliError when missing or unreadable."""
    directory = Path(directory).expanduser().absolute()
    path = directory / TESTNET_FILE
    if not path.is_file():
        raise CliError(f"{directory} is not a testnet directory ({TESTNET_FILE} missing); "
                       f"create one with `sprintd testnet init --output {directory}`")
    try:
        info = json.loads(path.read_text())
        info["nodes"]  # noqa: B018 - shape check
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CliError(f"cannot read {path} ({err}); re-create the testnet") from None
    info["dir"] = str(directory)
    return info

