"""The node's own settings, kept in <home>/config/app.toml next to CometBFT's config.toml."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

APP_TOML = "config/app.toml"


@dataclass
class NodeConfig:
    chain_id: str = "sprint-devnet-1"
    abci_address: str = "127.0.0.1:26658"
    grpc_address: str = "127.0.0.1:9090"
    rpc_url: str = "http://127.0.0.1:26657"
    db_backend: str = "leveldb"  # leveldb | memory
    db_dir: str = "data/sprint-app.db"
    metrics_address: str = ""  # host:port for Prometheus text metrics; empty disables
    sync_writes: bool = True

    @classmethod
    def load(cls, home: str | Path) -> "NodeConfig":
        path = Path(home) / APP_TOML
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: run 'sprintd init --home {home}' first")
        data = tomllib.loads(path.read_text())
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, home: str | Path) -> Path:
        path = Path(home) / APP_TOML
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["# sprintd node settings (CometBFT's own settings are in config.toml)"]
        for key, value in asdict(self).items():
            if isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            else:
                lines.append(f'{key} = "{value}"')
        path.write_text("\n".join(lines) + "\n")
        return path

    def db_path(self, home: str | Path) -> Path:
        return Path(home) / self.db_dir
