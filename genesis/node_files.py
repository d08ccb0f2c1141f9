"""The node's own file formats inside a generated node home: app.toml (abci_app.node_config), the
keyring (abci_app.keyring) and the blob store (abci_app.blobs.store).

This is the one module of genesis/ that still imports abci_app: those three formats belong to
modules this refactor could not move (see tests/unit/abci_app/test_import_direction.py, which
allows exactly these imports here and no abci_app import anywhere else in genesis/). Everything
else genesis needs (the user error, cometbft home handling) lives in genesis/.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from abci_app.node_config import APP_TOML, NodeConfig
from genesis.errors import UserError

__all__ = ["APP_TOML", "keyring_errors", "load_app_config", "open_keyring", "save_app_config", "store_blobs",
           "update_app_config"]


def load_app_config(home: str | Path) -> NodeConfig:
    """<home>/config/app.toml (FileNotFoundError when there is none)."""
    return NodeConfig.load(home)


def save_app_config(home: str | Path, **fields) -> None:
    """Write a fresh app.toml with `fields` set and every other setting at its default."""
    NodeConfig(**fields).save(home)


def update_app_config(home: str | Path, **fields) -> None:
    """Set `fields` in <home>'s app.toml, keeping its other settings (defaults when there is none)."""
    try:
        config = NodeConfig.load(home)
    except FileNotFoundError:
        config = NodeConfig()
    for name, value in fields.items():
        setattr(config, name, value)
    config.save(home)


def open_keyring(home: str | Path, backend: str):
    """The keyring of `home` (`backend` "test" keeps keys unencrypted, for dev homes)."""
    from abci_app.keyring import Keyring

    return Keyring(home, backend=backend)


@contextlib.contextmanager
def keyring_errors():
    """Turn keyring failures into a one-line UserError."""
    from abci_app.keyring import KeyringError

    try:
        yield
    except KeyringError as err:
        raise UserError(str(err)) from None


def store_blobs(home: str | Path, blobs: dict[str, bytes]) -> None:
    """Write `blobs` (sha256 -> bytes) into the node's blob store (<home>/data/blobs)."""
    from abci_app.blobs.store import BlobStore

    store = BlobStore.for_home(home)
    for sha256, data in sorted(blobs.items()):
        store.put(data, sha256)
