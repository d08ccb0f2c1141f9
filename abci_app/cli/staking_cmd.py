"""`sprintd tx staking|hosts ...` and `sprintd q staking|hosts ...`: host collateral and registration.

    sprintd tx staking stake 1000000usprint --from operator
    sprintd tx staking unstake 1000000usprint --from operator
    sprintd tx hosts register --from operator --worker-key worker --collateral 10000000000usprint \\
        [--consensus-pubkey B64 (default: <home>/config/priv_validator_key.json)] [--endpoint H:P] [--moniker M]
    sprintd tx hosts update --from operator [--worker-pubkey HEX|B64 | --worker-key NAME] [--endpoint] [--moniker]
    sprintd q staking stake ADDR | sprintd q staking params | sprintd q hosts host ADDR | sprintd q hosts list

Every tx command takes the usual tx options (--node, --chain-id, --fees, --gas, --yes, --wait,
--keyring-backend, --home, --output). Inputs are checked locally first: one sentence with the fix.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

import click
import grpc

from abci_app.cli.common import CliError, emit, home_option, output_option
from abci_app.cli.query_cmd import check_address, node_client, node_errors, node_option
from abci_app.cli.tx_cmd import DENOM, parse_amount, run_tx, tx_options
from abci_app.client import NodeClient, NodeError
from chain.tx.crypto import is_valid_pubkey

MONIKER_MAX, ENDPOINT_MAX = 70, 256
_HOST_STATUS = {0: "HOST_STATUS_UNSPECIFIED", 1: "HOST_STATUS_ACTIVE", 2: "HOST_STATUS_INACTIVE",
                3: "HOST_STATUS_BANNED"}


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
    raw = _decode_key(text, 33, "--worker-pubkey", "e.g. `sprintd keys show worker -o json` pubkey")
    if not is_valid_pubkey(raw):
        raise CliError("invalid --worker-pubkey: not a compressed secp256k1 public key; copy it from "
                       "`sprintd keys show <worker key>` or use --worker-key NAME")
    return raw


def parse_consensus_pubkey(text: str) -> bytes:
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
    if moniker is not None and len(moniker) > MONIKER_MAX:
        raise CliError(f"--moniker is longer than {MONIKER_MAX} characters; shorten it")
    if endpoint is not None and len(endpoint) > ENDPOINT_MAX:
        raise CliError(f"--endpoint is longer than {ENDPOINT_MAX} characters; give host:port")


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


def _query(client: NodeClient, module: str, method: str, request):
    import importlib

    pb2 = importlib.import_module(f"sprint.{module}.v1.query_pb2_grpc")
    rpc = getattr(pb2.QueryStub(client.channel), method)
    return client._call(f"sprint.{module}.v1.Query/{method}", rpc, request)  # noqa: SLF001 - shared error mapping


def fetch_host(client: NodeClient, operator: str):
    """The registered Host of `operator`, or None."""
    from sprint.hosts.v1 import query_pb2

    try:
        return _query(client, "hosts", "Host", query_pb2.QueryHostRequest(operator=operator)).host
    except NodeError as err:
        if err.code == grpc.StatusCode.NOT_FOUND:
            return None
        raise


def host_dict(host) -> dict:
    return {"operator": host.operator, "consensus_pubkey": base64.b64encode(host.consensus_pubkey).decode(),
            "worker_pubkey": base64.b64encode(host.worker_pubkey).decode(), "endpoint": host.endpoint, "moniker": host.moniker,
            "weight": str(host.weight), "status": _HOST_STATUS.get(host.status, str(host.status)),
            "banned_until": str(host.banned_until)}


# ---------------------------------------------------------------------- tx commands

from_option = click.option("--from", "from_key", required=True, metavar="KEY",
                           help="Keyring key (name or address) of the operator that signs.")


@click.group("staking")
def staking_tx() -> None:
    """Bond and unbond host collateral."""


def _staking_msg(kind: str, operator: str, amount: int):
    from sprint.common.v1.coin_pb2 import Coin
    from sprint.staking.v1 import tx_pb2

    from chain.tx.builder import pack_any

    message = getattr(tx_pb2, kind)(operator=operator, amount=Coin(denom=DENOM, amount=str(amount)))
    return pack_any(message, f"/sprint.staking.v1.{kind}")


@staking_tx.command("stake")
@click.argument("amount")
@from_option
@tx_options
def stake_cmd(amount: str, from_key: str, **options) -> None:
    """Bond AMOUNT (like 1000000usprint) from the --from account as collateral."""
    value = parse_amount(amount)
    run_tx(from_key=from_key, messages_for=lambda signer: [_staking_msg("MsgStake", signer, value)], **options)


@staking_tx.command("unstake")
@click.argument("amount")
@from_option
@tx_options
def unstake_cmd(amount: str, from_key: str, **options) -> None:
    """Start unbonding AMOUNT; it returns to the account after the unbonding lock-up (see `q staking params`)."""
    value = parse_amount(amount)
    run_tx(from_key=from_key, messages_for=lambda signer: [_staking_msg("MsgUnstake", signer, value)], **options)


@click.group("hosts")
def hosts_tx() -> None:
    """Register and update compute hosts."""


@hosts_tx.command("register")
@from_option
@click.option("--consensus-pubkey", default=None, metavar="B64",
              help="ed25519 validator public key [default: from <home>/config/priv_validator_key.json].")
@click.option("--worker-pubkey", default=None, metavar="HEX|B64", help="Compressed secp256k1 key of the worker.")
@click.option("--worker-key", default=None, metavar="NAME", help="Keyring key whose public key is the worker key.")
@click.option("--endpoint", default="", help="Public gRPC endpoint of the host (host:port).")
@click.option("--moniker", default="", help="Human-readable name (at most 70 characters).")
@click.option("--collateral", required=True, metavar="AMOUNTusprint",
              help="Collateral to bond, at least the staking min_collateral (see `q staking params`).")
@tx_options
def register_cmd(from_key, consensus_pubkey, worker_pubkey, worker_key, endpoint, moniker, collateral,
                 **options) -> None:
    """Register the --from account as a host, bonding --collateral."""
    from sprint.common.v1.coin_pb2 import Coin
    from sprint.hosts.v1.tx_pb2 import MsgRegisterHost

    from chain.tx.builder import pack_any

    amount = parse_amount(collateral, "--collateral")
    check_description(endpoint, moniker)
    consensus = parse_consensus_pubkey(consensus_pubkey) if consensus_pubkey else home_consensus_pubkey(options["home"])
    worker = worker_from_options(worker_pubkey, worker_key, options["home"], options["keyring_backend"], True)

    def messages_for(signer: str):
        message = MsgRegisterHost(operator=signer, consensus_pubkey=consensus, worker_pubkey=worker,
                                  endpoint=endpoint, moniker=moniker, collateral=Coin(denom=DENOM, amount=str(amount)))
        return [pack_any(message, "/sprint.hosts.v1.MsgRegisterHost")]

    run_tx(from_key=from_key, messages_for=messages_for, **options)


@hosts_tx.command("update")
@from_option
@click.option("--worker-pubkey", default=None, metavar="HEX|B64", help="New worker key [default: unchanged].")
@click.option("--worker-key", default=None, metavar="NAME", help="Keyring key whose public key becomes the worker key.")
@click.option("--endpoint", default=None, help="New endpoint [default: unchanged].")
@click.option("--moniker", default=None, help="New moniker [default: unchanged].")
@tx_options
def update_cmd(from_key, worker_pubkey, worker_key, endpoint, moniker, **options) -> None:
    """Change the worker key, endpoint or moniker of the --from account's host (the consensus key is fixed)."""
    from sprint.hosts.v1.tx_pb2 import MsgUpdateHost

    from chain.tx.builder import pack_any

    check_description(endpoint, moniker)
    worker = worker_from_options(worker_pubkey, worker_key, options["home"], options["keyring_backend"], False)
    if not worker and endpoint is None and moniker is None:
        raise CliError("nothing to update: pass --worker-key/--worker-pubkey, --endpoint or --moniker")

    def messages_for(signer: str):
        with node_errors(), node_client(options["node"], options["home"]) as client:
            host = fetch_host(client, signer)
        if host is None:
            raise CliError(f"{signer} is not a registered host; register it first with `sprintd tx hosts register`")
        message = MsgUpdateHost(operator=signer, worker_pubkey=worker,
                                endpoint=host.endpoint if endpoint is None else endpoint,
                                moniker=host.moniker if moniker is None else moniker)
        return [pack_any(message, "/sprint.hosts.v1.MsgUpdateHost")]

    run_tx(from_key=from_key, messages_for=messages_for, **options)


# ---------------------------------------------------------------------- query commands


@click.group("staking")
def staking_query() -> None:
    """Bonded collateral and staking params."""


@staking_query.command("stake")
@click.argument("address")
@node_option
@home_option
@output_option
def stake_query_cmd(address: str, node, home: str, output: str) -> None:
    """Bonded amount and unbonding entries of ADDRESS ("0" when it never staked)."""
    from sprint.staking.v1 import query_pb2

    check_address(address)
    with node_errors(), node_client(node, home) as client:
        resp = _query(client, "staking", "Stake", query_pb2.QueryStakeRequest(operator=address))
    entries = [{"amount": e.amount, "completion_height": str(e.completion_height),
                "creation_height": str(e.creation_height)} for e in resp.unbonding]
    locks = [{"amount": lock.amount, "unlock_height": str(lock.unlock_height)} for lock in resp.locks]
    lines = [f"bonded: {resp.bonded}{DENOM} (unlocked: {resp.unlocked or '0'}{DENOM})"] + [
        f"locked: {lock['amount']}{DENOM} until block {lock['unlock_height']}" for lock in locks] + [
        f"unbonding: {e['amount']}{DENOM} released linearly, the last part at the end of block "
        f"{e['completion_height']}" for e in entries]
    emit({"operator": address, "bonded": resp.bonded, "unlocked": resp.unlocked or "0", "locks": locks,
          "unbonding": entries}, output, lines)


@staking_query.command("params")
@node_option
@home_option
@output_option
def params_query_cmd(node, home: str, output: str) -> None:
    """Bond denom, minimum host collateral, unbonding, stake lock-up, slash fractions and ban length."""
    from sprint.staking.v1 import query_pb2

    with node_errors(), node_client(node, home) as client:
        params = _query(client, "staking", "Params", query_pb2.QueryParamsRequest()).params
    data = {"bond_denom": params.bond_denom, "min_collateral": params.min_collateral,
            "unbonding_blocks": str(params.unbonding_blocks), "max_unbonding_entries": params.max_unbonding_entries,
            "min_lockup_blocks": str(params.min_lockup_blocks), "max_lockup_blocks": str(params.max_lockup_blocks),
            "min_release_blocks": str(params.min_release_blocks),
            "malicious_slash_bps": params.malicious_slash_bps, "fault_slash_bps": params.fault_slash_bps,
            "ban_blocks": str(params.ban_blocks)}
    emit({"params": data}, output, [f"{k}: {v}" for k, v in data.items()])


@click.group("hosts")
def hosts_query() -> None:
    """The host registry."""


@hosts_query.command("host")
@click.argument("address")
@node_option
@home_option
@output_option
def host_query_cmd(address: str, node, home: str, output: str) -> None:
    """The host whose operator is ADDRESS."""
    check_address(address)
    with node_errors(), node_client(node, home) as client:
        host = fetch_host(client, address)
    if host is None:
        raise CliError(f"no host is registered for {address} (register with `sprintd tx hosts register`)")
    data = host_dict(host)
    emit({"host": data}, output, [f"{k}: {v}" for k, v in data.items()])


@hosts_query.command("list")
@node_option
@home_option
@output_option
def hosts_list_cmd(node, home: str, output: str) -> None:
    """Every registered host, by operator address."""
    from sprint.hosts.v1 import query_pb2

    with node_errors(), node_client(node, home) as client:
        hosts = [host_dict(h) for h in _query(client, "hosts", "Hosts", query_pb2.QueryHostsRequest()).hosts]
    lines = [f"{h['operator']}  {h['moniker'] or '-'}  weight {h['weight']}  {h['status']}" for h in hosts]
    emit({"hosts": hosts}, output, lines or ["no hosts"])


def register_commands(tx_group: click.Group, query_group: click.Group) -> None:
    """Attach the staking and hosts subcommands to `sprintd tx` and `sprintd q`."""
    tx_group.add_command(staking_tx)
    tx_group.add_command(hosts_tx)
    query_group.add_command(staking_query)
    query_group.add_command(hosts_query)
