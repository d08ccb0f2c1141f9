"""`sprintd tx hosts register|update` and `sprintd q hosts host ADDR | list`.

    sprintd tx hosts register --from operator --worker-key worker --collateral 10000000000usprint \\
        [--consensus-pubkey B64 (default: <home>/config/priv_validator_key.json)] [--endpoint H:P] [--moniker M]
    sprintd tx hosts update --from operator [--worker-pubkey HEX|B64 | --worker-key NAME] [--endpoint] [--moniker]

The moniker and endpoint limits are the chain's (chain.modules.hosts).
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

import click

from abci_app.cli.common import CliError
from abci_app.cli.framework import call_query, is_not_found, pack, query_command, tx_command
from abci_app.cli.txargs import DENOM, parse_amount
from abci_app.client import NodeClient, NodeError
from chain.modules.hosts.endpoint import MAX_ENDPOINT_LENGTH
from chain.modules.hosts.genesis import MAX_MONIKER_LENGTH
from chain.tx.crypto import is_valid_pubkey

FROM_HELP = "Keyring key (name or address) of the operator that signs."


# ---------------------------------------------------------------------- input parsing


def _decode_key(text: str, length: int, what: str, example: str) -> bytes:
    """Hex or base64 text of exactly `length` bytes."""
    value = (text or "").strip()
    raw = None
    if len(value) == 2 * length:
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raw = None
    if raw is None:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) != length:
        raise CliError(f"invalid {what} {value[:80]!r}: give the {length}-byte key as hex or base64 ({example})")
    return raw


def parse_worker_pubkey(text: str) -> bytes:
    """--worker-pubkey: a compressed secp256k1 key as hex or base64."""
    raw = _decode_key(text, 33, "--worker-pubkey", "e.g. `sprintd keys show worker -o json` pubkey")
    if not is_valid_pubkey(raw):
        raise CliError("invalid --worker-pubkey: not a compressed secp256k1 public key; copy it from "
                       "`sprintd keys show <worker key>` or use --worker-key NAME")
    return raw


def parse_consensus_pubkey(text: str) -> bytes:
    """--consensus-pubkey: a 32-byte ed25519 key as hex or base64."""
    return _decode_key(text, 32, "--consensus-pubkey", "the pub_key.value of priv_validator_key.json")


def home_consensus_pubkey(home: str) -> bytes:
    """The ed25519 public key in <home>/config/priv_validator_key.json."""
    path = Path(home) / "config" / "priv_validator_key.json"
    try:
        doc = json.loads(path.read_text())
        return parse_consensus_pubkey(doc["pub_key"]["value"])
    except FileNotFoundError:
        raise CliError(f"no {path}: pass --consensus-pubkey B64 or the --home of the validator node") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise CliError(f"cannot read the validator public key from {path}; pass --consensus-pubkey B64") from None


def check_description(endpoint: str | None, moniker: str | None) -> None:
    """The chain's length limits on --moniker and --endpoint, checked before signing."""
    if moniker is not None and len(moniker) > MAX_MONIKER_LENGTH:
        raise CliError(f"--moniker is longer than {MAX_MONIKER_LENGTH} characters; shorten it")
    if endpoint is not None and len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise CliError(f"--endpoint is longer than {MAX_ENDPOINT_LENGTH} characters; give host:port")


def worker_from_options(worker_pubkey: str | None, worker_key: str | None, home: str, keyring_backend: str,
                        required: bool) -> bytes:
    """--worker-pubkey, or the public key of keyring key --worker-key (no passphrase needed)."""
    if worker_pubkey and worker_key:
        raise CliError("use either --worker-pubkey or --worker-key, not both")
    if worker_key:
        from abci_app.keyring import Keyring, KeyringError

        try:
            return Keyring(home, backend=keyring_backend).show(worker_key).pubkey
        except KeyringError as err:
            raise CliError(str(err)) from None
    if worker_pubkey:
        return parse_worker_pubkey(worker_pubkey)
    if required:
        raise CliError("the worker key is required: pass --worker-key NAME (a keyring key) or --worker-pubkey HEX")
    return b""


# ---------------------------------------------------------------------- node queries


def fetch_host(client: NodeClient, operator: str):
    """The registered Host of `operator`, or None."""
    from sprint.hosts.v1 import query_pb2

    try:
        return call_query(client, "Host", query_pb2.QueryHostRequest(operator=operator)).host
    except NodeError as err:
        if is_not_found(err):
            return None
        raise


def host_dict(host) -> dict:
    """A Host as the CLI prints it (keys base64, int64 values as strings, the status by name)."""
    from sprint.hosts.v1.hosts_pb2 import HostStatus

    status = HostStatus.Name(host.status) if host.status in HostStatus.values() else str(host.status)
    return {"operator": host.operator, "consensus_pubkey": base64.b64encode(host.consensus_pubkey).decode(),
            "worker_pubkey": base64.b64encode(host.worker_pubkey).decode(), "endpoint": host.endpoint,
            "moniker": host.moniker, "weight": str(host.weight), "status": status,
            "banned_until": str(host.banned_until)}


# ---------------------------------------------------------------------- tx commands


@click.group("hosts")
def hosts_tx() -> None:
    """Register and update compute hosts."""


@tx_command(hosts_tx, "register", from_help=FROM_HELP)
@click.option("--consensus-pubkey", default=None, metavar="B64",
              help="ed25519 validator public key [default: from <home>/config/priv_validator_key.json].")
@click.option("--worker-pubkey", default=None, metavar="HEX|B64", help="Compressed secp256k1 key of the worker.")
@click.option("--worker-key", default=None, metavar="NAME", help="Keyring key whose public key is the worker key.")
@click.option("--endpoint", default="", help="Public gRPC endpoint of the host (host:port).")
@click.option("--moniker", default="", help=f"Human-readable name (at most {MAX_MONIKER_LENGTH} characters).")
@click.option("--collateral", required=True, metavar="AMOUNTusprint",
              help="Collateral to bond, at least the staking min_collateral (see `q staking params`).")
def register_cmd(ctx, consensus_pubkey, worker_pubkey, worker_key, endpoint, moniker, collateral):
    """Register the --from account as a host, bonding --collateral."""
    from sprint.common.v1.coin_pb2 import Coin
    from sprint.hosts.v1.tx_pb2 import MsgRegisterHost

    amount = parse_amount(collateral, "--collateral")
    check_description(endpoint, moniker)
    consensus = parse_consensus_pubkey(consensus_pubkey) if consensus_pubkey else home_consensus_pubkey(ctx.home)
    worker = worker_from_options(worker_pubkey, worker_key, ctx.home, ctx.keyring_backend, True)
    return lambda signer: [pack(MsgRegisterHost(
        operator=signer, consensus_pubkey=consensus, worker_pubkey=worker, endpoint=endpoint, moniker=moniker,
        collateral=Coin(denom=DENOM, amount=str(amount))))]


@tx_command(hosts_tx, "update", from_help=FROM_HELP)
@click.option("--worker-pubkey", default=None, metavar="HEX|B64", help="New worker key [default: unchanged].")
@click.option("--worker-key", default=None, metavar="NAME", help="Keyring key whose public key becomes the worker key.")
@click.option("--endpoint", default=None, help="New endpoint [default: unchanged].")
@click.option("--moniker", default=None, help="New moniker [default: unchanged].")
def update_cmd(ctx, worker_pubkey, worker_key, endpoint, moniker):
    """Change the worker key, endpoint or moniker of the --from account's host (the consensus key is fixed)."""
    from sprint.hosts.v1.tx_pb2 import MsgUpdateHost

    check_description(endpoint, moniker)
    worker = worker_from_options(worker_pubkey, worker_key, ctx.home, ctx.keyring_backend, False)
    if not worker and endpoint is None and moniker is None:
        raise CliError("nothing to update: pass --worker-key/--worker-pubkey, --endpoint or --moniker")

    def messages_for(signer: str):
        with ctx.client() as client:
            host = fetch_host(client, signer)
        if host is None:
            raise CliError(f"{signer} is not a registered host; register it first with `sprintd tx hosts register`")
        return [pack(MsgUpdateHost(operator=signer, worker_pubkey=worker,
                                   endpoint=host.endpoint if endpoint is None else endpoint,
                                   moniker=host.moniker if moniker is None else moniker))]

    return messages_for


# ---------------------------------------------------------------------- query commands


@click.group("hosts")
def hosts_query() -> None:
    """The host registry."""


@query_command(hosts_query, "host", addresses={"address": "address"},
               not_found="no host is registered for {address} (register with `sprintd tx hosts register`)")
@click.argument("address")
def host_query_cmd(client, address: str):
    """The host whose operator is ADDRESS."""
    host = fetch_host(client, address)
    if host is None:
        return None
    data = host_dict(host)
    return {"host": data}, [f"{k}: {v}" for k, v in data.items()]


@query_command(hosts_query, "list")
def hosts_list_cmd(client):
    """Every registered host, by operator address."""
    from sprint.hosts.v1 import query_pb2

    hosts = [host_dict(h) for h in call_query(client, "Hosts", query_pb2.QueryHostsRequest()).hosts]
    lines = [f"{h['operator']}  {h['moniker'] or '-'}  weight {h['weight']}  {h['status']}" for h in hosts]
    return {"hosts": hosts}, lines or ["no hosts"]


def register(cli: click.Group, tx_group: click.Group, query_group: click.Group) -> None:
    """Attach `tx hosts` and `q hosts`."""
    tx_group.add_command(hosts_tx)
    query_group.add_command(hosts_query)
