"""HostsKeeper: the only code that touches the hosts prefixes (0x20-0x23)."""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_ACTIVE, HOST_STATUS_BANNED, HOST_STATUS_INACTIVE, Host

from chain.context import Context
from chain.modules.hosts import keys
from chain.modules.hosts.expected_keepers import StakingKeeper
from chain.tx.crypto import decode_address, pubkey_to_address


class HostsKeeper:
    """Hosts by operator address, with an index from consensus address to operator."""

    def get_host(self, store, operator: bytes) -> Host | None:
        raw = store.get(keys.host_key(operator))
        return Host.FromString(raw) if raw is not None else None

    def set_host(self, store, host: Host) -> None:
        """Store a host (already validated) and index its consensus address."""
        operator = decode_address(host.operator)
        previous = self.get_host(store, operator)
        if previous is not None and previous.consensus_pubkey != host.consensus_pubkey:
            store.delete(keys.cons_addr_key(keys.consensus_address(previous.consensus_pubkey)))
        if previous is not None and previous.worker_pubkey != host.worker_pubkey:
            store.delete(keys.worker_addr_key(pubkey_to_address(previous.worker_pubkey)))
        if previous is not None and previous.banned_until > 0:
            store.delete(keys.ban_key(previous.banned_until, operator))
        if host.status == HOST_STATUS_BANNED and host.banned_until > 0:
            store.set(keys.ban_key(host.banned_until, operator), b"\x01")
        store.set(keys.host_key(operator), host.SerializeToString())
        store.set(keys.cons_addr_key(keys.consensus_address(host.consensus_pubkey)), operator)
        store.set(keys.worker_addr_key(pubkey_to_address(host.worker_pubkey)), operator)

    def operator_by_consensus_address(self, store, cons_address: bytes) -> bytes | None:
        return store.get(keys.cons_addr_key(cons_address))

    def host_by_consensus_address(self, store, cons_address: bytes) -> Host | None:
        operator = self.operator_by_consensus_address(store, cons_address)
        return self.get_host(store, operator) if operator is not None else None

    def operator_by_worker_address(self, store, worker_address: bytes) -> bytes | None:
        return store.get(keys.worker_addr_key(worker_address))

    def host_by_worker_address(self, store, worker_address: bytes) -> Host | None:
        """The host whose worker account (address of its worker_pubkey) is `worker_address`."""
        operator = self.operator_by_worker_address(store, worker_address)
        return self.get_host(store, operator) if operator is not None else None

    def iterate_hosts(self, store):
        """(operator address, Host) in ascending operator-address order."""
        for key, raw in store.iterate(keys.HOST_PREFIX):
            yield keys.split_host_key(key), Host.FromString(raw)

    def all_hosts(self, store) -> list[Host]:
        return [host for _, host in self.iterate_hosts(store)]

    def eligible_hosts(self, store) -> list[tuple[bytes, Host]]:
        """(operator, Host) of every host with weight > 0 that is not BANNED, ascending operator: the
        hosts that may validate Sprint proofs, execute and check inference jobs and share rewards."""
        return [(operator, host) for operator, host in self.iterate_hosts(store)
                if host.weight > 0 and host.status != HOST_STATUS_BANNED]

    def active_weight(self, store) -> int:
        """Sum of the weights of active hosts (the total CometBFT voting power they hold)."""
        return sum(host.weight for _, host in self.iterate_hosts(store) if host.status == HOST_STATUS_ACTIVE)

    # ------------------------------------------------------------------ bans

    def ban(self, ctx: Context, operator: bytes, until_height: int, reason: str) -> Host | None:
        """Ban a host (status BANNED) until the end of `until_height` (an existing later ban is
        kept). A banned host is no executor, validator or Sprint participant; its CometBFT power
        drops to 0 at the next Sprint settlement. Emits "host_banned"; None for an unknown host."""
        host = self.get_host(ctx.store, operator)
        if host is None:
            return None
        if host.status == HOST_STATUS_BANNED and (host.banned_until == 0 or host.banned_until >= until_height):
            return host
        host.status, host.banned_until = HOST_STATUS_BANNED, until_height
        self.set_host(ctx.store, host)
        ctx.emit("host_banned", ("host", host.operator), ("banned_until", str(until_height)), ("reason", reason))
        return host

    def end_block(self, ctx: Context, staking: StakingKeeper) -> None:
        """Lift every ban whose banned_until <= this height: status ACTIVE when the operator still
        has min_collateral bonded (`staking.meets_min_collateral`), else INACTIVE; banned_until 0."""
        due = []
        for key, _ in ctx.store.iterate(keys.BAN_QUEUE_PREFIX):
            until, operator = keys.split_ban_key(key)
            if until > ctx.block.height:
                break
            due.append(operator)
        for operator in due:
            host = self.get_host(ctx.store, operator)
            host.status = HOST_STATUS_ACTIVE if staking.meets_min_collateral(ctx.store, operator) \
                else HOST_STATUS_INACTIVE
            host.banned_until = 0
            self.set_host(ctx.store, host)
            ctx.emit("host_unbanned", ("host", host.operator),
                     ("status", "HOST_STATUS_ACTIVE" if host.status == HOST_STATUS_ACTIVE else "HOST_STATUS_INACTIVE"))
