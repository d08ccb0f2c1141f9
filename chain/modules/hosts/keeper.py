"""HostsKeeper: the only code that touches the hosts prefixes."""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_ACTIVE, Host

from chain.modules.hosts import keys
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
            yield key[len(keys.HOST_PREFIX):], Host.FromString(raw)

    def all_hosts(self, store) -> list[Host]:
        return [host for _, host in self.iterate_hosts(store)]

    def active_weight(self, store) -> int:
        """Sum of the weights of active hosts (the total CometBFT voting power they hold)."""
        return sum(host.weight for _, host in self.iterate_hosts(store) if host.status == HOST_STATUS_ACTIVE)
