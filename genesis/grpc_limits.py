"""Resource caps of the node's gRPC server (set in app.toml; see genesis.node_config)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class GrpcLimits:
    """worker_threads: threads running sync handlers (queries, txs, blobs); open block streams use
    none. max_concurrent_rpcs: RPCs in flight at once, open streams included; beyond it a call gets
    RESOURCE_EXHAUSTED. max_streams_per_client / max_streams_total: open SubscribeBlocks streams per
    client IP / in all. max_concurrent_simulations: Simulate calls running at once."""

    worker_threads: int = 16
    max_concurrent_rpcs: int = 2048
    max_streams_per_client: int = 256
    max_streams_total: int = 1024
    max_concurrent_simulations: int = 2

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"grpc_{field.name} must be a positive integer, got {value!r}")
        if self.max_concurrent_rpcs <= self.max_streams_total:
            raise ValueError(
                f"grpc_max_concurrent_rpcs ({self.max_concurrent_rpcs}) must exceed grpc_max_streams_total "
                f"({self.max_streams_total}): open streams count as RPCs and would leave no room for queries")
