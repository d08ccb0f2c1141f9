"""`sprintd keys`: manage the local keyring (add, list, show, delete, export, import).

Non-interactive use: set SPRINT_KEYRING_PASSPHRASE (file backend), SPRINT_EXPORT_PASSPHRASE
(export/import), pass --yes to delete, and pipe the mnemonic on stdin for `add --recover`.
"""

from __future__ import annotations

import base64
import os
import sys
from contextlib import contextmanager

import click

from abci_app.cli.common import CliError, emit, home_option, keyring_backend_option, output_option
from abci_app.client import SECP256K1_PUBKEY_URL
from abci_app.keyring import KeyRecord, Keyring, KeyringError

EXPORT_PASSPHRASE_ENV = "SPRINT_EXPORT_PASSPHRASE"
PUBKEY_TYPE_URL = SECP256K1_PUBKEY_URL
MNEMONIC_WARNING = (
    "**Important** write this mnemonic phrase down and keep it in a safe place. It is the only "
    "way to recover this key; it will not be shown again."
)


@contextmanager
def _user_errors():
    """Turn keyring errors into one-line CLI errors."""
    try:
        yield
    except KeyringError as err:
        raise CliError(str(err)) from None


def _open_keyring(home: str, backend: str) -> Keyring:
    """Keyring for the command's --home and --keyring-backend."""
    with _user_errors():
        return Keyring(home, backend=backend)


def _record_dict(record: KeyRecord) -> dict:
    """JSON shape of a key, like the Cosmos SDK's `keys show`."""
    return {
        "name": record.name,
        "type": "local",
        "address": record.address,
        "pubkey": {"@type": PUBKEY_TYPE_URL, "key": base64.b64encode(record.pubkey).decode()},
    }


def _record_lines(record: KeyRecord) -> list[str]:
    """Readable text lines for a key."""
    pubkey = base64.b64encode(record.pubkey).decode()
    return [f"- name: {record.name}", f"  address: {record.address}", f"  pubkey: {pubkey}"]


def _stdin_is_tty() -> bool:
    """Whether stdin is an interactive terminal."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _read_mnemonic() -> str:
    """Mnemonic from a hidden prompt on a terminal, else the first line of stdin."""
    if _stdin_is_tty():
        return click.prompt("Enter your BIP39 mnemonic", hide_input=True, err=True)
    line = sys.stdin.readline().strip()
    if not line:
        raise CliError("no mnemonic on stdin; pipe the words in, e.g. "
                       "'echo \"$MNEMONIC\" | sprintd keys add NAME --recover'")
    return line


def _export_passphrase(confirm: bool) -> str:
    """Export passphrase from SPRINT_EXPORT_PASSPHRASE, else a hidden prompt."""
    value = os.environ.get(EXPORT_PASSPHRASE_ENV)
    if value is not None:
        return value
    try:
        return click.prompt("Export passphrase", hide_input=True,
                            confirmation_prompt=confirm, err=True)
    except click.exceptions.Abort:
        raise CliError(f"no export passphrase given; type it at the prompt or set "
                       f"{EXPORT_PASSPHRASE_ENV}") from None


@click.group("keys")
def keys() -> None:
    """Manage local keys. Backend 'file' (default) is encrypted with a passphrase
    (SPRINT_KEYRING_PASSPHRASE or a prompt); backend 'test' is UNENCRYPTED, for dev/test only."""


@keys.command("add")
@click.argument("name")
@click.option("--recover", is_flag=True,
              help="Recover from an existing mnemonic (prompted, or read from stdin when piped).")
@click.option("--overwrite", is_flag=True, help="Replace an existing key with the same name.")
@home_option
@keyring_backend_option
@output_option
def add(name: str, recover: bool, overwrite: bool, home: str, keyring_backend: str,
        output: str) -> None:
    """Create a key NAME (new 24-word mnemonic), or recover it with --recover."""
    ring = _open_keyring(home, keyring_backend)
    mnemonic = _read_mnemonic() if recover else None
    with _user_errors():
        record, mnemonic = ring.add(name, mnemonic=mnemonic, overwrite=overwrite)
    if output == "json":
        data = _record_dict(record)
        if not recover:
            data["mnemonic"] = mnemonic
        emit(data, output)
        return
    lines = _record_lines(record)
    if not recover:
        lines += ["", MNEMONIC_WARNING, "", mnemonic]
    emit({}, output, lines)


@keys.command("list")
@home_option
@keyring_backend_option
@output_option
def list_keys(home: str, keyring_backend: str, output: str) -> None:
    """List all keys (no passphrase needed)."""
    ring = _open_keyring(home, keyring_backend)
    with _user_errors():
        records = ring.list()
    if output == "json":
        emit([_record_dict(r) for r in records], output)
        return
    if not records:
        emit([], output, [f"No keys in {ring.directory}; create one with 'sprintd keys add NAME'."])
        return
    emit([], output, [line for r in records for line in _record_lines(r)])


@keys.command("show")
@click.argument("name_or_address")
@click.option("--address", "-a", "address_only", is_flag=True, help="Print the address only.")
@home_option
@keyring_backend_option
@output_option
def show(name_or_address: str, address_only: bool, home: str, keyring_backend: str,
         output: str) -> None:
    """Show a key by name or address (no passphrase needed)."""
    ring = _open_keyring(home, keyring_backend)
    with _user_errors():
        record = ring.show(name_or_address)
    if address_only:
        click.echo(record.address)
        return
    emit(_record_dict(record), output, _record_lines(record))


@keys.command("delete")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@home_option
@keyring_backend_option
@output_option
def delete(name: str, yes: bool, home: str, keyring_backend: str, output: str) -> None:
    """Delete key NAME for good (only its mnemonic or an export can bring it back)."""
    ring = _open_keyring(home, keyring_backend)
    with _user_errors():
        record = ring.show(name)
    if not yes:
        _confirm_delete(record)
    with _user_errors():
        ring.delete(record.name)
    emit({"deleted": record.name, "address": record.address}, output,
         [f"Key '{record.name}' ({record.address}) deleted."])


def _confirm_delete(record: KeyRecord) -> None:
    """Ask before deleting; a 'no' or closed stdin is a CliError that mentions --yes."""
    refused = CliError(f"key '{record.name}' was not deleted; answer 'y' or pass --yes")
    try:
        ok = click.confirm(f"Delete key '{record.name}' ({record.address})? This cannot be undone",
                           default=False, err=True)
    except click.exceptions.Abort:
        click.echo(err=True)  # end the unanswered prompt line
        raise refused from None
    if not ok:
        raise refused


@keys.command("export")
@click.argument("name")
@home_option
@keyring_backend_option
@output_option
def export(name: str, home: str, keyring_backend: str, output: str) -> None:
    """Print key NAME as an armored private key encrypted with an export passphrase
    (SPRINT_EXPORT_PASSPHRASE or a prompt)."""
    ring = _open_keyring(home, keyring_backend)
    with _user_errors():
        ring.show(name)  # fail on an unknown name before asking for passphrases
        armored = ring.export(name, _export_passphrase(confirm=True))
    emit({"name": name, "armor": armored}, output, [armored.rstrip("\n")])


@keys.command("import")
@click.argument("name")
@click.argument("file", type=click.File("r"))
@home_option
@keyring_backend_option
@output_option
def import_cmd(name: str, file, home: str, keyring_backend: str, output: str) -> None:
    """Store as NAME the armored key in FILE ('-' for stdin) written by 'sprintd keys export'."""
    ring = _open_keyring(home, keyring_backend)
    armored = file.read()
    with _user_errors():
        if any(r.name == name for r in ring.list()):
            raise CliError(f"key '{name}' already exists; choose another name or delete it with "
                           f"'sprintd keys delete {name}'")
        record = ring.import_key(name, armored, _export_passphrase(confirm=False))
    emit(_record_dict(record), output, _record_lines(record))


__all__ = ["keys", "EXPORT_PASSPHRASE_ENV"]
