"""A one-validator development network in one home directory.

`create_devnet_home(home)` leaves in HOME:

    config/config.toml, genesis.json, node_key.json, priv_validator_key.json   (cometbft init)
    config/app.toml                 sprintd's NodeConfig (chain id, ABCI/gRPC/RPC addresses)
    data/priv_validator_state.json  (cometbft init)
    keyring-test/                   dev accounts + the host's operator and worker keys, UNENCRYPTED
    dev-accounts.json               names, addresses and mnemonics of all those keys (DEV ONLY)

The single validator is a registered host, as on a testnet (genesis/testnet.py): genesis
app_state.hosts lists it with its CometBFT consensus key (config/priv_validator_key.json), the
worker key's pubkey, its gRPC endpoint, the moniker and weight = the validator's genesis power
(status ACTIVE); its operator is bonded DEFAULT_COLLATERAL at genesis and the sprint params are the
chain's devnet defaults. Key layout (test keyring):

    alice, bob, carol, dave   user accounts, DEV_AMOUNT each (account numbers 0-3)
    operator                  the host's operator account (owns the bond), DEV_AMOUNT
    worker                    the host's worker signing key, WORKER_AMOUNT (pays the worker's tx fees)

so `sprint-worker start --home HOME --key worker --keyring-backend test` takes part in the Sprint.

A home that already holds a devnet (dev-accounts.json + genesis) is reused as it is (ports given
explicitly are re-applied; the host's genesis endpoint keeps the original gRPC port); any other
non-empty directory is refused.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

from genesis.cometbft_home import (
    CONFIG_TOML,
    GENESIS_JSON,
    PRIV_VALIDATOR_KEY,
    atomic_write,
    init_cometbft_home,
    patch_config,
    read_config,
    read_genesis,
    validate_chain_id,
    write_genesis,
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
from genesis.errors import UserError as CliError
from genesis.blob_store import store_blobs
from genesis.keyring import Keyring, keyring_errors
from genesis.node_config import APP_TOML, NodeConfig, update_app_config
from genesis.testnet import HOST_STATUS_ACTIVE, OPERATOR_KEY, WORKER_AMOUNT, WORKER_KEY

DEVNET_CHAIN_ID = "sprint-devnet-1"
DEV_ACCOUNTS = ("alice", "bob", "carol", "dave")
DEV_AMOUNT = 10**12  # usprint per account (1,000,000 SPRINT); also the host operator's balance
HOST_KEYS = (OPERATOR_KEY, WORKER_KEY)  # "operator" and "worker": the validator host's keys
DEV_ACCOUNTS_FILE = "dev-accounts.json"
KEYRING_BACKEND = "test"
DEV_NOTE = (
    "DEV ONLY: these mnemonics and the keyring-test directory are stored UNENCRYPTED for local "
    "development. Never use these keys or mnemonics for anything of value."
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_P2P_PORT = 26656
DEFAULT_RPC_PORT = 26657
DEFAULT_ABCI_PORT = 26658
DEFAULT_GRPC_PORT = 9090


def is_devnet_home(home: str | Path) -> bool:
    home = Path(home)
    return (home / DEV_ACCOUNTS_FILE).is_file() and (home / GENESIS_JSON).is_file() and (
        home / APP_TOML
    ).is_file()


def _is_empty_dir(home: Path) -> bool:
    return not home.exists() or (home.is_dir() and not any(home.iterdir()))


def reset_devnet_home(home: str | Path) -> None:
    """Delete a devnet home (chain data, keys, logs). Refuses directories that are not one."""
    home = Path(home).expanduser()
    if _is_empty_dir(home):
        return
    if not is_devnet_home(home):
        raise CliError(
            f"{home} is not a sprintd devnet home (no {DEV_ACCOUNTS_FILE}); refusing to delete it, "
            "pick another --home or remove it yourself"
        )
    shutil.rmtree(home)


def create_devnet_home(
    home: str | Path,
    chain_id: str | None = None,
    accounts: tuple[str, ...] | list[str] = DEV_ACCOUNTS,
    amount: int = DEV_AMOUNT,
    *,
    host: str = DEFAULT_HOST,
    p2p_port: int | None = None,
    rpc_port: int | None = None,
    abci_port: int | None = None,
    grpc_port: int | None = None,
    timeout_commit: str = "500ms",
    moniker: str = "devnet-validator",
    genesis_time=None,
    collateral: int = DEFAULT_COLLATERAL,
    epoch_length: int | None = None,
    sprint_params: dict | None = None,
) -> dict:
    """Create (or reuse) a devnet home and return its description:

    {"home", "chain_id", "created": bool, "rpc_url", "rpc_laddr", "p2p_laddr", "abci_address",
     "grpc_address", "keyring_backend": "test", "keyring_dir", "denom",
     "accounts": [{"name", "address", "amount", "mnemonic"}],
     "host": {"moniker", "operator": {name, address, amount, mnemonic}, "worker": {...},
              "consensus_pubkey", "endpoint", "weight", "collateral"} (None for a home made
              before devnets had a host), "dev_accounts_file"}

    chain_id None means sprint-devnet-1 for a new home and "whatever it holds" for a reused one.
    Ports left as None take the defaults (26656 p2p, 26657 RPC, 26658 ABCI, 9090 gRPC) for a new
    home and keep the stored values for a reused one. `collateral` (the host's genesis bond),
    `epoch_length` and `sprint_params` (overrides in proto JSON names, see
    genesis.app_state.add_sprint_params) only apply to a new home."""
    home = Path(home).expanduser().resolve()
    if home.exists() and not home.is_dir():
        raise CliError(f"{home} is a file, not a directory; pick another --home")
    if is_devnet_home(home):
        return _reuse(home, chain_id, host, p2p_port, rpc_port, abci_port, grpc_port)
    if not _is_empty_dir(home):
        raise CliError(
            f"{home} is not empty and is not a devnet home; pick a new or empty --home"
        )
    chain_id = validate_chain_id(chain_id or DEVNET_CHAIN_ID)
    names = list(accounts)
    if len(set(names)) != len(names):
        raise CliError("dev account names must be unique")
    if set(names) & set(HOST_KEYS):
        raise CliError(f"dev account names {', '.join(HOST_KEYS)} are reserved for the devnet host's keys")
    existed = home.exists()
    try:
        return _create(home, chain_id, names, amount, host,
                       p2p_port or DEFAULT_P2P_PORT, rpc_port or DEFAULT_RPC_PORT,
                       abci_port or DEFAULT_ABCI_PORT, grpc_port or DEFAULT_GRPC_PORT,
                       timeout_commit, moniker, genesis_time,
                       {"collateral": collateral, "epoch_length": epoch_length, "sprint_params": sprint_params})
    except BaseException:
        # Leave no half-made home behind: it would be refused as "not a devnet home" next time.
        if existed:
            for child in home.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        else:
            shutil.rmtree(home, ignore_errors=True)
        raise


def _addresses(host: str, p2p_port: int, rpc_port: int, abci_port: int, grpc_port: int) -> dict:
    return {
        "p2p_laddr": f"tcp://{host}:{p2p_port}",
        "rpc_laddr": f"tcp://{host}:{rpc_port}",
        "rpc_url": f"http://{host}:{rpc_port}",
        "abci_address": f"{host}:{abci_port}",
        "grpc_address": f"{host}:{grpc_port}",
    }


def _apply_ports(home: Path, chain_id: str, addrs: dict, timeout_commit: str, moniker: str | None):
    patch_config(
        home,
        p2p_laddr=addrs["p2p_laddr"],
        rpc_laddr=addrs["rpc_laddr"],
        proxy_app=f"tcp://{addrs['abci_address']}",
        timeout_commit=timeout_commit,
        moniker=moniker,
        pex=False,  # a single validator has no peers to exchange
    )
    update_app_config(home, chain_id=chain_id, abci_address=addrs["abci_address"],
                      grpc_address=addrs["grpc_address"], rpc_url=addrs["rpc_url"])


def _create(home, chain_id, names, amount, host, p2p_port, rpc_port, abci_port, grpc_port,
            timeout_commit, moniker, genesis_time, host_options) -> dict:
    init_cometbft_home(home, moniker)
    addrs = _addresses(host, p2p_port, rpc_port, abci_port, grpc_port)
    _apply_ports(home, chain_id, addrs, timeout_commit, moniker)

    keyring = Keyring(home, backend=KEYRING_BACKEND)
    with keyring_errors():
        dev_accounts = [_new_key(keyring, name, amount) for name in names]
        operator = _new_key(keyring, OPERATOR_KEY, DEV_AMOUNT)
        worker = _new_key(keyring, WORKER_KEY, WORKER_AMOUNT)

    funded = [(a["address"], int(a["amount"])) for a in (*dev_accounts, operator, worker)]
    try:
        app_state = build_app_state(funded)
        validator = devnet_validator(home)
        host_entry = _host_entry(home, validator, operator, worker, addrs["grpc_address"], moniker,
                                 host_options["collateral"])
        app_state["hosts"] = {"hosts": [host_entry["genesis"]]}
        # Short lock-ups and release let `sprintd tx staking unstake` complete in seconds.
        add_bonds(app_state, [(operator["address"], host_options["collateral"])],
                  params=dict(DEV_STAKING_PARAMS))
        add_sprint_params(app_state, host_options["epoch_length"], host_options["sprint_params"])
        add_reputation_params(app_state)
        add_rewards_params(app_state)  # the chain's default issuance schedule and split
        model_blobs = add_genesis_models(app_state)  # the generated "tiny-lm"
    except GenesisError as err:
        raise CliError(f"cannot build the devnet genesis: {err}") from None
    check_devnet_genesis(app_state, [(validator["pubkey"], validator["power"])])
    write_genesis(home, chain_id, app_state, genesis_time)
    store_genesis_blobs(home, model_blobs)

    (home / "logs").mkdir(exist_ok=True)
    info = {
        "note": DEV_NOTE,
        "chain_id": chain_id,
        "keyring_backend": KEYRING_BACKEND,
        "keyring_dir": str(keyring.directory),
        "denom": BASE_DENOM,
        "accounts": dev_accounts,
        "host": host_entry["info"],
    }
    path = home / DEV_ACCOUNTS_FILE
    atomic_write(path, json.dumps(info, indent=2) + "\n")
    path.chmod(0o600)
    return _describe(home, info, created=True)


def store_genesis_blobs(home: str | Path, blobs: dict[str, bytes]) -> None:
    """Write the genesis models' weights into the node's blob store (<home>/data/blobs)."""
    store_blobs(home, blobs)


def _new_key(keyring, name: str, amount: int) -> dict:
    record, mnemonic = keyring.add(name)
    return {"name": name, "address": record.address, "amount": str(amount), "mnemonic": mnemonic}


def devnet_validator(home: str | Path) -> dict:
    """The single genesis validator `cometbft init` wrote: {"pubkey": 32 bytes, "power": int}.
    CliError unless genesis.json holds exactly one, matching config/priv_validator_key.json."""
    home = Path(home)
    validators = read_genesis(home).get("validators") or []
    try:
        key = json.loads((home / PRIV_VALIDATOR_KEY).read_text())["pub_key"]["value"]
        if len(validators) != 1 or validators[0]["pub_key"]["value"] != key:
            raise ValueError("genesis.json must list exactly the validator of priv_validator_key.json")
        pubkey, power = base64.b64decode(key, validate=True), int(validators[0]["power"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CliError(f"unexpected `cometbft init` output in {home}/config ({err}); "
                       "check the cometbft version") from None
    if len(pubkey) != 32 or power < 1:
        raise CliError(f"{home / PRIV_VALIDATOR_KEY} is not an ed25519 validator key with power >= 1")
    return {"pubkey": pubkey, "power": power}


def _host_entry(home: Path, validator: dict, operator: dict, worker: dict, endpoint: str, moniker: str,
                collateral: int) -> dict:
    """The host's genesis entry (as genesis/testnet.py writes them) and its dev-accounts.json record."""
    worker_pubkey = Keyring(home, backend=KEYRING_BACKEND).show(worker["name"]).pubkey
    consensus_pubkey = base64.b64encode(validator["pubkey"]).decode("ascii")
    genesis = {
        "operator": operator["address"],
        "consensus_pubkey": consensus_pubkey,
        "worker_pubkey": base64.b64encode(worker_pubkey).decode("ascii"),
        "endpoint": endpoint,
        "moniker": moniker,
        "weight": str(validator["power"]),  # must equal the CometBFT genesis power (checked at InitChain)
        "status": HOST_STATUS_ACTIVE,
    }
    info = {"moniker": moniker, "operator": operator, "worker": worker, "consensus_pubkey": consensus_pubkey,
            "endpoint": endpoint, "weight": str(validator["power"]), "collateral": str(collateral)}
    return {"genesis": genesis, "info": info}


def check_devnet_genesis(app_state: dict, validators: list[tuple[bytes, int]]) -> None:
    """Run the chain's own InitChain checks (every module's genesis, then CometBFT validators ==
    active hosts with power = weight) in a throwaway in-memory store; CliError when they fail."""
    from chain.errors import TxError
    from chain.modules import registry
    from chain.store.cache import CacheStore
    from chain.store.memory import MemoryDB

    store, keepers = CacheStore(MemoryDB().snapshot()), registry.build_keepers()
    try:
        registry.init_genesis(store, keepers, json.loads(json.dumps(app_state)))
        registry.check_genesis_validators(store, keepers, validators)
    except TxError as err:
        raise CliError(f"the devnet genesis is invalid: {err.log}") from None


def _reuse(home: Path, chain_id: str, host, p2p_port, rpc_port, abci_port, grpc_port) -> dict:
    info = load_dev_accounts(home)
    stored_chain = read_genesis(home).get("chain_id")
    if chain_id and chain_id != stored_chain:
        raise CliError(
            f"{home} holds devnet {stored_chain!r}, not {chain_id!r}; use --reset to recreate it "
            "or another --home"
        )
    if any(p is not None for p in (p2p_port, rpc_port, abci_port, grpc_port)):
        current = _current_ports(home)
        addrs = _addresses(
            host,
            p2p_port or current["p2p"],
            rpc_port or current["rpc"],
            abci_port or current["abci"],
            grpc_port or current["grpc"],
        )
        config = read_config(home)
        _apply_ports(home, stored_chain, addrs, config["consensus"]["timeout_commit"], None)
    return _describe(home, info, created=False)


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1].rstrip("/"))


def _current_ports(home: Path) -> dict:
    config = read_config(home)
    node_config = NodeConfig.load(home)
    return {
        "p2p": _port(config["p2p"]["laddr"]),
        "rpc": _port(config["rpc"]["laddr"]),
        "abci": _port(node_config.abci_address),
        "grpc": _port(node_config.grpc_address),
    }


def load_dev_accounts(home: str | Path) -> dict:
    path = Path(home) / DEV_ACCOUNTS_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise CliError(f"cannot read {path} ({err}); recreate the devnet with --reset") from None


def _describe(home: Path, info: dict, created: bool) -> dict:
    config = read_config(home)
    node_config = NodeConfig.load(home)
    return {
        "home": str(home),
        "chain_id": read_genesis(home)["chain_id"],
        "created": created,
        "rpc_url": node_config.rpc_url,
        "rpc_laddr": config["rpc"]["laddr"],
        "p2p_laddr": config["p2p"]["laddr"],
        "proxy_app": config["proxy_app"],
        "abci_address": node_config.abci_address,
        "grpc_address": node_config.grpc_address,
        "keyring_backend": info.get("keyring_backend", KEYRING_BACKEND),
        "keyring_dir": info.get("keyring_dir", str(home / f"keyring-{KEYRING_BACKEND}")),
        "denom": info.get("denom", BASE_DENOM),
        "accounts": info.get("accounts", []),
        "host": info.get("host"),
        "dev_accounts_file": str(home / DEV_ACCOUNTS_FILE),
        "config_toml": str(home / CONFIG_TOML),
    }
