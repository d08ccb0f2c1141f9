"""The worker's view of its node: gRPC queries and signed transactions, never the node's database."""

from __future__ import annotations

from dataclasses import dataclass

from abci_app.client import NodeClient, sign_and_broadcast
from chain.tx.crypto import SigningKey


@dataclass
class WorkerIdentity:
    key: SigningKey
    chain_id: str

    @property
    def address(self) -> str:
        return self.key.bech32


class WorkerNodeClient:
    """Wraps NodeClient with the worker's identity so callers only pass messages."""

    def __init__(self, grpc_address: str, identity: WorkerIdentity, timeout: float = 10.0):
        self.node = NodeClient(grpc_address, timeout=timeout)
        self.identity = identity

    def balance(self, denom: str = "usprint") -> int:
        return self.node.balance(self.identity.address, denom)

    def account_exists(self) -> bool:
        return self.node.account(self.identity.address) is not None

    def submit(self, messages, gas="auto", memo: str = ""):
        """Sign `messages` with the worker key and broadcast (CheckTx result returned)."""
        return sign_and_broadcast(self.node, self.identity.key, messages, self.identity.chain_id, gas=gas, memo=memo)

    def close(self) -> None:
        self.node.close()
