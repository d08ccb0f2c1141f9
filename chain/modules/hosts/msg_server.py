"""hosts message handlers: MsgRegisterHost and MsgUpdateHost (signer = operator).

Registration bonds the collateral through the staking keeper (at least min_collateral) and adds
an ACTIVE host with weight 0: the Sprint gives it weight (and CometBFT power) later.
"""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_ACTIVE, Host
from sprint.hosts.v1.tx_pb2 import MsgRegisterHost, MsgUpdateHost

from chain.context import Context
from chain.tx.router import Route
from chain.errors import ErrInvalidPubKey, ErrInvalidRequest
from chain.modules.hosts import keys
from chain.modules.hosts.expected_keepers import HostsDeps
from chain.modules.hosts.genesis import check_consensus_pubkey, check_description, check_worker_pubkey
from chain.msgfields import operator_address, operator_signers, parse_coin
from chain.modules.staking.params import min_collateral
from chain.tx.crypto import encode_address, pubkey_to_address

MSG_REGISTER_HOST_URL = "/sprint.hosts.v1.MsgRegisterHost"
MSG_UPDATE_HOST_URL = "/sprint.hosts.v1.MsgUpdateHost"


signers = operator_signers


def validate_register(msg: MsgRegisterHost) -> None:
    """Stateless checks: operator address, key formats, description limits, collateral coin."""
    operator_address(msg.operator)
    check_consensus_pubkey(msg.consensus_pubkey, "MsgRegisterHost", ErrInvalidPubKey)
    check_worker_pubkey(msg.worker_pubkey, "MsgRegisterHost", ErrInvalidPubKey)
    check_description(msg.endpoint, msg.moniker, "MsgRegisterHost")
    parse_coin(msg, "collateral")


def validate_update(msg: MsgUpdateHost) -> None:
    operator_address(msg.operator)
    if msg.worker_pubkey:
        check_worker_pubkey(msg.worker_pubkey, "MsgUpdateHost", ErrInvalidPubKey)
    check_description(msg.endpoint, msg.moniker, "MsgUpdateHost")


def _check_worker_free(store, hosts, worker_pubkey: bytes, operator: bytes) -> None:
    """The worker account may belong to at most one host."""
    owner = hosts.operator_by_worker_address(store, pubkey_to_address(worker_pubkey))
    if owner is not None and owner != operator:
        raise ErrInvalidRequest(
            f"worker_pubkey is already the worker key of host {encode_address(owner)}; use a new worker key")


def handle_register(ctx: Context, keepers: HostsDeps, msg: MsgRegisterHost) -> None:
    operator = operator_address(msg.operator)
    store = ctx.store
    if keepers.hosts.get_host(store, operator) is not None:
        raise ErrInvalidRequest(f"host {msg.operator} is already registered; use MsgUpdateHost to change it")
    owner = keepers.hosts.operator_by_consensus_address(store, keys.consensus_address(msg.consensus_pubkey))
    if owner is not None:
        raise ErrInvalidRequest(
            f"consensus_pubkey is already used by host {encode_address(owner)}; each host needs its own validator key")
    _check_worker_free(store, keepers.hosts, msg.worker_pubkey, operator)
    amount = keepers.staking.bond_amount(store, msg, "collateral")
    params = keepers.staking.get_params(store)
    if amount < min_collateral(params):
        raise ErrInvalidRequest(f"collateral {amount}{params.bond_denom} is below the minimum "
                                f"{params.min_collateral}{params.bond_denom}")
    ctx.emit("message", ("action", MSG_REGISTER_HOST_URL), ("sender", msg.operator), ("module", "hosts"))
    keepers.staking.stake(ctx, operator, amount)
    keepers.hosts.set_host(store, Host(
        operator=msg.operator, consensus_pubkey=msg.consensus_pubkey, worker_pubkey=msg.worker_pubkey,
        endpoint=msg.endpoint, moniker=msg.moniker, weight=0, status=HOST_STATUS_ACTIVE))
    ctx.emit("register_host", ("operator", msg.operator), ("moniker", msg.moniker),
             ("consensus_address", keys.consensus_address(msg.consensus_pubkey).hex().upper()),
             ("worker", encode_address(pubkey_to_address(msg.worker_pubkey))))


def handle_update(ctx: Context, keepers: HostsDeps, msg: MsgUpdateHost) -> None:
    operator = operator_address(msg.operator)
    host = keepers.hosts.get_host(ctx.store, operator)
    if host is None:
        raise ErrInvalidRequest(f"no host is registered for {msg.operator}; register it first with MsgRegisterHost")
    if msg.worker_pubkey:
        _check_worker_free(ctx.store, keepers.hosts, msg.worker_pubkey, operator)
        host.worker_pubkey = msg.worker_pubkey
    host.endpoint, host.moniker = msg.endpoint, msg.moniker
    ctx.emit("message", ("action", MSG_UPDATE_HOST_URL), ("sender", msg.operator), ("module", "hosts"))
    keepers.hosts.set_host(ctx.store, host)
    ctx.emit("update_host", ("operator", msg.operator), ("moniker", msg.moniker),
             ("worker", encode_address(pubkey_to_address(host.worker_pubkey))))


class MsgServer:
    """Handles sprint.hosts.v1.Msg with the hosts keeper and the staking keeper (collateral)."""

    def __init__(self, deps: HostsDeps):
        self.deps = deps

    def register_host(self, ctx: Context, msg: MsgRegisterHost) -> None:
        handle_register(ctx, self.deps, msg)

    def update_host(self, ctx: Context, msg: MsgUpdateHost) -> None:
        handle_update(ctx, self.deps, msg)

    def routes(self) -> list[tuple[str, Route]]:
        return [(MSG_REGISTER_HOST_URL, Route(MsgRegisterHost, signers, validate_register, self.register_host)),
                (MSG_UPDATE_HOST_URL, Route(MsgUpdateHost, signers, validate_update, self.update_host))]
