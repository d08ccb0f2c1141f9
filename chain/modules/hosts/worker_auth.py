"""Who may send a host's worker messages: the address parsing, signers and host lookup shared by the
sprint and inference handlers (both are signed by a host's worker account)."""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED, Host

from chain.context import Context
from chain.errors import ErrInvalidAddress, ErrUnauthorized
from chain.tx.crypto import AddressError, decode_address


def parse_address(text: str, field: str) -> bytes:
    """A bech32 address's 20 bytes; ErrInvalidAddress naming `field` when it is not one."""
    try:
        return decode_address(text)
    except AddressError as err:
        raise ErrInvalidAddress(f"invalid {field}: {err}") from err


def worker_signers(msg) -> list[bytes]:
    return [parse_address(msg.worker, "worker")]


def worker_host(ctx: Context, keepers, worker: str, activity: str) -> tuple[bytes, Host]:
    """(operator address, Host) of the non-banned host whose worker account is `worker`;
    `activity` names what a banned host may not do, for the error."""
    host = keepers.hosts.host_by_worker_address(ctx.store, parse_address(worker, "worker"))
    if host is None:
        raise ErrUnauthorized(f"{worker} is not the worker of any registered host")
    if host.status == HOST_STATUS_BANNED:
        raise ErrUnauthorized(f"host {host.operator} is banned and cannot take part in {activity}")
    return decode_address(host.operator), host
