"""An existing keyring folder with loose permissions is tightened (0700 folder, 0600 files, one log
line), or refused with a one-line error saying how to fix it when it cannot be tightened."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from abci_app.cli.main import main
from genesis.keyring import Keyring, KeyringError


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_ring(tmp_path):
    """A test-backend keyring with one key, then opened up to group and others (0755 / 0644)."""
    Keyring(tmp_path, backend="test").add("alice")
    folder = tmp_path / "keyring-test"
    os.chmod(folder, 0o755)
    os.chmod(folder / "alice.info", 0o644)
    return tmp_path, folder


def test_loose_folder_and_files_are_tightened_with_a_log_line(loose_ring, caplog):
    home, folder = loose_ring
    with caplog.at_level(logging.WARNING, logger="sprint.keyring"):
        ring = Keyring(home, backend="test")
    assert _mode(folder) == 0o700 and _mode(folder / "alice.info") == 0o600
    assert [r.name for r in ring.list()] == ["alice"]
    lines = [r.getMessage() for r in caplog.records if r.name == "sprint.keyring"]
    assert len(lines) == 1 and "tightened" in lines[0] and "keyring-test 0755" in lines[0] \
        and "alice.info 0644" in lines[0]


def test_private_keyring_is_left_alone_silently(tmp_path, caplog):
    Keyring(tmp_path, backend="test").add("bob")
    folder = tmp_path / "keyring-test"
    assert _mode(folder) == 0o700 and _mode(folder / "bob.info") == 0o600
    with caplog.at_level(logging.WARNING, logger="sprint.keyring"):
        Keyring(tmp_path, backend="test").list()
    assert not [r for r in caplog.records if r.name == "sprint.keyring"]


def test_existing_loose_folder_is_tightened_when_a_key_is_added(tmp_path):
    folder = tmp_path / "keyring-test"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)  # mkdir's mode is masked by the umask
    ring = Keyring(tmp_path, backend="test")
    os.chmod(folder, 0o777)  # loosened again after the keyring was opened
    ring.add("carol")
    assert _mode(folder) == 0o700 and _mode(folder / "carol.info") == 0o600


def test_loose_folder_that_cannot_be_tightened_is_refused_with_the_fix(loose_ring, monkeypatch, capsys):
    home, folder = loose_ring

    def refuse(path, mode):  # what chmod answers for a folder owned by another user
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr("genesis.keyring.os.chmod", refuse)
    with pytest.raises(KeyringError) as err:
        Keyring(home, backend="test")
    message = str(err.value)
    assert "may be accessible to other users" in message and "Operation not permitted" in message
    assert f"chmod 700 {folder} && chmod 600 {folder}/*" in message and "\n" not in message
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "list", "--home", str(home), "--keyring-backend", "test"])
    assert exit_info.value.code == 1
    stderr = capsys.readouterr().err
    assert stderr.startswith("Error: keyring folder") and stderr.count("\n") == 1
