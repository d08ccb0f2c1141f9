"""The node's own settings, kept in <home>/config/app.toml next to CometBFT's config.toml."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

from genesis.blob_limits import BlobLimits
from genesis.grpc_limits import GrpcLimits

APP_TOML = "config/app.toml"
_GRPC_DEFAULTS = GrpcLimits()
_BLOB_DEFAULTS = BlobLimits()
_NON_NEGATIVE = ("query_history", "blob_min_uploader_balance", "blob_min_free_bytes")
_POSITIVE = ("rest_worker_threads", "sig_cache_bytes", "blob_per_uploader_bytes", "blob_total_bytes",
             "blob_max_concurrent_puts")


class NodeConfigError(ValueError):
    """app.toml holds a value the node cannot use; the message names the key and the fix."""


@dataclass
class NodeConfig:
    chain_id: str = "sprint-devnet-1"
    abci_address: str = "127.0.0.1:26658"
    grpc_address: str = "127.0.0.1:9090"
    rpc_url: str = "http://127.0.0.1:26657"
    db_backend: str = "leveldb"  # leveldb | memory
    db_dir: str = "data/sprint-app.db"
    metrics_address: str = ""  # host:port for Prometheus text metrics; empty disables
    # REST/LCD gateway (the SDK's grpc-gateway routes, abci_app/rest); empty disables
    rest_address: str = "127.0.0.1:1317"
    rest_worker_threads: int = 8
    sync_writes: bool = True
    # gRPC server caps (genesis.grpc_limits.GrpcLimits documents each)
    grpc_worker_threads: int = _GRPC_DEFAULTS.worker_threads
    grpc_max_concurrent_rpcs: int = _GRPC_DEFAULTS.max_concurrent_rpcs
    grpc_max_streams_per_client: int = _GRPC_DEFAULTS.max_streams_per_client
    grpc_max_streams_total: int = _GRPC_DEFAULTS.max_streams_total
    grpc_max_concurrent_simulations: int = _GRPC_DEFAULTS.max_concurrent_simulations
    # Queries may read this many recent heights (ABCI Query height, gRPC x-cosmos-block-height).
    query_history: int = 100
    # Memory for verified signatures kept between CheckTx and FinalizeBlock.
    sig_cache_bytes: int = 16 * 1024 * 1024
    # Blob uploads (genesis.blob_limits.BlobLimits documents each).
    blob_min_uploader_balance: int = _BLOB_DEFAULTS.min_uploader_balance
    blob_per_uploader_bytes: int = _BLOB_DEFAULTS.per_uploader_bytes
    blob_total_bytes: int = _BLOB_DEFAULTS.total_bytes
    blob_min_free_bytes: int = _BLOB_DEFAULTS.min_free_bytes
    blob_max_concurrent_puts: int = _BLOB_DEFAULTS.max_concurrent_puts

    @classmethod
    def load(cls, home: str | Path) -> "NodeConfig":
        path = Path(home) / APP_TOML
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: run 'sprintd init --home {home}' first")
        data = tomllib.loads(path.read_text())
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        config = cls(**known)
        try:
            config.grpc_limits()
            config.check_sizes()
        except ValueError as err:
            raise NodeConfigError(f"{path}: {err}") from err
        return config

    def check_sizes(self) -> None:
        """ValueError naming the key when a size or count setting is out of range."""
        for key in _NON_NEGATIVE + _POSITIVE:
            value = getattr(self, key)
            low = 0 if key in _NON_NEGATIVE else 1
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(f"{key} must be an integer >= {low}, got {value!r}")

    def blob_limits(self) -> BlobLimits:
        """The blob upload limits set here (other BlobLimits fields keep their defaults)."""
        return BlobLimits(
            min_uploader_balance=self.blob_min_uploader_balance, per_uploader_bytes=self.blob_per_uploader_bytes,
            total_bytes=self.blob_total_bytes, min_free_bytes=self.blob_min_free_bytes,
            max_concurrent_puts=self.blob_max_concurrent_puts)

    def grpc_limits(self) -> GrpcLimits:
        """The gRPC server caps set here (ValueError when one is not a positive integer)."""
        return GrpcLimits(
            worker_threads=self.grpc_worker_threads, max_concurrent_rpcs=self.grpc_max_concurrent_rpcs,
            max_streams_per_client=self.grpc_max_streams_per_client,
            max_streams_total=self.grpc_max_streams_total,
            max_concurrent_simulations=self.grpc_max_concurrent_simulations)

    def save(self, home: str | Path) -> Path:
        path = Path(home) / APP_TOML
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["# sprintd node settings (CometBFT's own settings are in config.toml)"]
        for key, value in asdict(self).items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f'{key} = "{value}"')
        path.write_text("\n".join(lines) + "\n")
        return path

    def db_path(self, home: str | Path) -> Path:
        return Path(home) / self.db_dir


def update_app_config(home: str | Path, **fields) -> None:
    """Set `fields` in <home>'s app.toml, keeping its other settings (defaults when there is none)."""
    try:
        config = NodeConfig.load(home)
    except FileNotFoundError:
        config = NodeConfig()
    for name, value in fields.items():
        setattr(config, name, value)
    config.save(home)
