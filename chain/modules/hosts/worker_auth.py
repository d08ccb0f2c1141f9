"""Who may send a host's worker messages: the address parsing, signers and host lookup shared by the
sprint and inference handlers (both are signed by a host's worker account)."""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED, Host

from chain.context import Context
from chain.errors import ErrUnauthorized
from chain.msgfields import parse_address
from chain.tx.crypto import decode_address


def worker_signers(msg) -> list[bytes]:
    return [parse_address(msg.worker, "worker")]


def worker_host(ctx: Context, hosts, worker: str, activity: str) -> tuple[bytes, Host]:
    """(operator address, Host) of the non-banned host whose worker account is `worker` (`hosts`:
    the hosts keeper); `activity` names what a banned host may not do, for the error."""
    host = hosts.host_by_worker_address(ctx.store, parse_address(worker, "worker"))
    if host is None:
        raise ErrUnauthorized(f"{worker} is not the worker of any registered host")
    if host.status == HOST_STATUS_BANNED:
        raise ErrUnauthorized(f"host {host.operator} is banned and cannot take part in {activity}")
    return decode_address(host.operator), host
