"""Keyring (file and test backends) and the `sprintd keys` commands."""

from __future__ import annotations

import base64
import json
import stat

import click
import pytest
from click.testing import CliRunner
from cosmpy.aerial.wallet import LocalWallet

from abci_app.cli.common import CliError
from abci_app.cli.main import cli, main
from abci_app.keyring import (
    PASSPHRASE_ENV,
    KeyRecord,
    Keyring,
    KeyringError,
)
from chain.tx.crypto import verify_signature

# BIP39 test vector; its m/44'/118'/0'/0/0 account is cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4.
VECTOR = "abandon " * 11 + "about"
VECTOR_ADDRESS = "sprint19rl4cm2hmr8afy4kldpxz3fka4jguq0a34qwkx"
PASS = "correct horse"


@pytest.fixture(autouse=True)
def _no_env_passphrases(monkeypatch):
    """Tests start without passphrases in the environment."""
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.delenv("SPRINT_EXPORT_PASSPHRASE", raising=False)


@pytest.fixture
def no_prompt(monkeypatch):
    """Fail the test if anything prompts."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected prompt: {args}")
    monkeypatch.setattr(click, "prompt", refuse)


def _wallet_address(mnemonic: str) -> str:
    """Address cosmpy derives from a mnemonic with our prefix."""
    return str(LocalWallet.from_mnemonic(mnemonic, prefix="sprint").address())


# ---- library: both backends -------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["file", "test"])
def test_add_generates_24_words_matching_cosmpy(tmp_path, backend):
    ring = Keyring(tmp_path, backend=backend, passphrase=PASS)
    record, mnemonic = ring.add("alice")
    assert len(mnemonic.split()) == 24
    assert record.address == _wallet_address(mnemonic)
    assert record.address.startswith("sprint1") and len(record.pubkey) == 33
    assert ring.signing_key("alice").bech32 == record.address


@pytest.mark.parametrize("backend", ["file", "test"])
def test_recover_known_vector(tmp_path, backend):
    ring = Keyring(tmp_path, backend=backend, passphrase=PASS)
    record, mnemonic = ring.add("vec", mnemonic="  Abandon " * 11 + "ABOUT\n")
    assert mnemonic == VECTOR
    assert record.address == VECTOR_ADDRESS == _wallet_address(VECTOR)
    assert (tmp_path / f"keyring-{backend}" / "vec.info").is_file()


@pytest.mark.parametrize("backend", ["file", "test"])
def test_list_show_sign_delete(tmp_path, backend):
    ring = Keyring(tmp_path, backend=backend, passphrase=PASS)
    bob, _ = ring.add("bob")
    alice, _ = ring.add("alice")
    assert ring.list() == [alice, bob]
    assert ring.show("bob") == bob
    assert ring.show(bob.address) == bob
    key = ring.signing_key(alice.address)
    assert key.pubkey == alice.pubkey
    assert verify_signature(alice.pubkey, key.sign(b"doc"), b"doc")
    ring.delete("bob")
    assert ring.list() == [alice]
    with pytest.raises(KeyringError, match="key 'bob' not found; run 'sprintd keys list'"):
        ring.show("bob")


def test_empty_or_missing_keyring_lists_nothing(tmp_path):
    assert Keyring(tmp_path / "nowhere").list() == []


@pytest.mark.parametrize("backend", ["file", "test"])
def test_unknown_key_errors(tmp_path, backend):
    ring = Keyring(tmp_path, backend=backend, passphrase=PASS)
    ring.add("alice")
    for call in (ring.show, ring.signing_key, ring.delete):
        with pytest.raises(KeyringError, match="not found.*sprintd keys list"):
            call("carol")
    with pytest.raises(KeyringError, match="not found"):
        ring.show("sprint1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqnrql8a")


def test_add_secret_and_duplicates(tmp_path):
    ring = Keyring(tmp_path, backend="test")
    record = ring.add_secret("raw", bytes(range(1, 33)))
    assert ring.signing_key("raw").secret == bytes(range(1, 33))
    with pytest.raises(KeyringError, match="already exists"):
        ring.add_secret("raw", bytes(range(2, 34)))
    with pytest.raises(KeyringError, match="already stored as 'raw'"):
        ring.add_secret("copy", bytes(range(1, 33)))
    replaced = ring.add_secret("raw", bytes(range(2, 34)), overwrite=True)
    assert replaced.address != record.address and ring.list() == [replaced]
    for bad in (b"\x00" * 32, b"\xff" * 32, b"short"):
        with pytest.raises(KeyringError, match="secret"):
            ring.add_secret("bad", bad)


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "../evil", ".hidden", "a/b", "é", "ok\n"])
def test_bad_names_rejected(tmp_path, name):
    ring = Keyring(tmp_path, backend="test")
    with pytest.raises(KeyringError, match="invalid key name"):
        ring.add(name)
    assert not (tmp_path / "keyring-test").exists() or ring.list() == []


@pytest.mark.parametrize("name", ["a", "Alice-1", "v_2.key", "9" * 64])
def test_good_names_accepted(tmp_path, name):
    ring = Keyring(tmp_path, backend="test")
    ring.add(name)
    assert [r.name for r in ring.list()] == [name]


@pytest.mark.parametrize("mnemonic, reason", [
    ("abandon " * 11, "11 words"),
    ("abandon " * 11 + "notaword", "not a BIP39 English word"),
    ("abandon " * 12, "checksum"),
])
def test_bad_mnemonics_rejected(tmp_path, mnemonic, reason):
    with pytest.raises(KeyringError, match=reason):
        Keyring(tmp_path, backend="test").add("x", mnemonic=mnemonic)


def test_unknown_backend(tmp_path):
    with pytest.raises(KeyringError, match="use 'file' or 'test'"):
        Keyring(tmp_path, backend="os")


# ---- library: file backend --------------------------------------------------------------------


def test_file_backend_encrypts_secret_and_mnemonic(tmp_path):
    ring = Keyring(tmp_path, passphrase=PASS)
    record, mnemonic = ring.add("alice")
    secret = ring.signing_key("alice").secret
    raw = (tmp_path / "keyring-file" / "alice.info").read_bytes()
    text = raw.decode()
    for clear in (secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode()):
        assert clear not in text
    assert secret not in raw
    assert mnemonic not in text
    words = mnemonic.split()
    # Single words can collide with JSON keys ("address" is a BIP39 word); adjacent pairs cannot.
    assert not any(f"{a} {b}" in text for a, b in zip(words, words[1:]))
    assert record.address in text  # metadata stays readable


def test_test_backend_stores_secret_in_clear(tmp_path):
    ring = Keyring(tmp_path, backend="test")
    ring.add("dev")
    data = json.loads((tmp_path / "keyring-test" / "dev.info").read_text())
    assert bytes.fromhex(data["secret"]) == ring.signing_key("dev").secret


def test_files_are_private_and_no_temp_left(tmp_path):
    Keyring(tmp_path, passphrase=PASS).add("alice")
    folder = tmp_path / "keyring-file"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == ["alice.info", "keyhash"]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_wrong_passphrase_rejected(tmp_path):
    Keyring(tmp_path, passphrase=PASS).add("alice")
    wrong = Keyring(tmp_path, passphrase="not the passphrase")
    with pytest.raises(KeyringError, match="wrong keyring passphrase"):
        wrong.signing_key("alice")
    with pytest.raises(KeyringError, match="wrong keyring passphrase"):
        wrong.add("bob")
    with pytest.raises(KeyringError, match="wrong keyring passphrase"):
        wrong.export("alice", "exp")
    assert [r.name for r in wrong.list()] == ["alice"]


def test_short_passphrase_for_new_keyring(tmp_path):
    with pytest.raises(KeyringError, match="at least 8 characters"):
        Keyring(tmp_path, passphrase="short").add("alice")
    assert Keyring(tmp_path).list() == []


def test_list_and_show_need_no_passphrase(tmp_path, no_prompt):
    record, _ = Keyring(tmp_path, passphrase=PASS).add("alice")
    ring = Keyring(tmp_path)
    assert ring.list() == [record]
    assert ring.show("alice") == record
    assert ring.show(record.address) == record
    ring.delete("alice")


def test_passphrase_from_env(tmp_path, monkeypatch, no_prompt):
    monkeypatch.setenv(PASSPHRASE_ENV, PASS)
    record, _ = Keyring(tmp_path).add("alice")
    assert Keyring(tmp_path, passphrase=PASS).signing_key("alice").bech32 == record.address


def test_passphrase_prompted_lazily(tmp_path, monkeypatch):
    asked = []

    def fake_prompt(text, **kwargs):
        asked.append(kwargs)
        return PASS
    monkeypatch.setattr(click, "prompt", fake_prompt)
    ring = Keyring(tmp_path)
    assert asked == []
    ring.add("alice")
    assert asked == [{"hide_input": True, "confirmation_prompt": True, "err": True}]
    ring.signing_key("alice")
    assert len(asked) == 1  # remembered for this Keyring
    Keyring(tmp_path).signing_key("alice")
    assert asked[-1]["confirmation_prompt"] is False and asked[-1]["hide_input"] is True


def test_prompt_aborted_is_keyring_error(tmp_path, monkeypatch):
    Keyring(tmp_path, passphrase=PASS).add("alice")

    def abort(*args, **kwargs):
        raise click.exceptions.Abort()
    monkeypatch.setattr(click, "prompt", abort)
    with pytest.raises(KeyringError, match=PASSPHRASE_ENV):
        Keyring(tmp_path).signing_key("alice")


def test_swapped_ciphertext_detected(tmp_path):
    ring = Keyring(tmp_path, passphrase=PASS)
    ring.add("alice")
    ring.add("bob")
    folder = tmp_path / "keyring-file"
    alice = json.loads((folder / "alice.info").read_text())
    bob = json.loads((folder / "bob.info").read_text())
    alice["encrypted"] = bob["encrypted"]
    (folder / "alice.info").write_text(json.dumps(alice))
    with pytest.raises(KeyringError):
        ring.signing_key("alice")


def test_corrupt_file_reported(tmp_path):
    ring = Keyring(tmp_path, backend="test")
    ring.add("alice")
    (tmp_path / "keyring-test" / "alice.info").write_text("{not json")
    with pytest.raises(KeyringError, match="alice.info"):
        ring.list()


# ---- export / import --------------------------------------------------------------------------


def test_export_import_round_trip(tmp_path):
    source = Keyring(tmp_path / "a", passphrase=PASS)
    record, _ = source.add("alice")
    armored = source.export("alice", "export pass")
    assert armored.startswith("-----BEGIN SPRINT PRIVATE KEY-----\n")
    assert armored.rstrip().endswith("-----END SPRINT PRIVATE KEY-----")
    assert source.signing_key("alice").secret.hex() not in armored
    for backend in ("file", "test"):
        target = Keyring(tmp_path / "b", backend=backend, passphrase="other passphrase")
        imported = target.import_key("copy", armored, "export pass")
        assert imported == KeyRecord("copy", record.address, record.pubkey)
        assert target.signing_key("copy").secret == source.signing_key("alice").secret


def test_import_rejects_wrong_passphrase_and_garbage(tmp_path):
    ring = Keyring(tmp_path, backend="test")
    ring.add("alice")
    armored = ring.export("alice", "export pass")
    with pytest.raises(KeyringError, match="wrong export passphrase"):
        ring.import_key("copy", armored, "nope")
    with pytest.raises(KeyringError, match="not a sprint armored private key"):
        ring.import_key("copy", "hello", "export pass")
    tampered = armored.replace("n: 32768", "n: 16384")
    with pytest.raises(KeyringError, match="wrong export passphrase"):
        ring.import_key("copy", tampered, "export pass")
    with pytest.raises(KeyringError, match="already exists"):
        ring.import_key("alice", armored, "export pass")
    with pytest.raises(KeyringError, match="must not be empty"):
        ring.export("alice", "")
    assert [r.name for r in ring.list()] == ["alice"]


# ---- CLI --------------------------------------------------------------------------------------


def _invoke(args, env=None, input=None):
    """Run `sprintd keys ...` in-process."""
    return CliRunner().invoke(cli, ["keys", *args], env=env, input=input)


def test_cli_add_list_show_delete_test_backend(tmp_path):
    home = ["--home", str(tmp_path), "--keyring-backend", "test"]
    result = _invoke(["add", "alice", *home])
    assert result.exit_code == 0, result.output
    assert "**Important**" in result.output
    mnemonic = result.output.strip().splitlines()[-1]
    assert len(mnemonic.split()) == 24
    address = _wallet_address(mnemonic)
    assert address in result.output

    listed = json.loads(_invoke(["list", "-o", "json", *home]).output)
    assert [(k["name"], k["address"]) for k in listed] == [("alice", address)]
    assert listed[0]["pubkey"]["@type"] == "/cosmos.crypto.secp256k1.PubKey"

    assert _invoke(["show", "alice", "--address", *home]).output.strip() == address
    shown = json.loads(_invoke(["show", address, "-o", "json", *home]).output)
    assert shown["name"] == "alice"

    result = _invoke(["delete", "alice", "--yes", *home])
    assert result.exit_code == 0 and "deleted" in result.output
    assert "No keys" in _invoke(["list", *home]).output


def test_cli_add_json_includes_mnemonic(tmp_path):
    home = ["--home", str(tmp_path), "--keyring-backend", "test"]
    result = _invoke(["add", "a", *home, "-o", "json"])
    data = json.loads(result.output)
    assert data["address"] == _wallet_address(data["mnemonic"])


def test_cli_recover_from_stdin(tmp_path):
    home = ["--home", str(tmp_path), "--keyring-backend", "test"]
    result = _invoke(["add", "vec", "--recover", "-o", "json", *home], input=VECTOR + "\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["address"] == VECTOR_ADDRESS and "mnemonic" not in data
    result = _invoke(["add", "empty", "--recover", *home], input="")
    assert isinstance(result.exception, CliError) and "stdin" in str(result.exception)


def test_cli_file_backend_with_env_passphrase(tmp_path):
    env = {PASSPHRASE_ENV: PASS, "SPRINT_EXPORT_PASSPHRASE": "export pass"}
    home = ["--home", str(tmp_path)]
    assert _invoke(["add", "alice", *home], env=env).exit_code == 0
    result = _invoke(["export", "alice", *home], env=env)
    assert result.exit_code == 0, result.output
    armor = tmp_path / "alice.armor"
    armor.write_text(result.output)
    result = _invoke(["import", "copy", str(armor), "--home", str(tmp_path / "other"),
                      "--keyring-backend", "test", "-o", "json"], env=env)
    assert result.exit_code == 0, result.output
    original = json.loads(_invoke(["show", "alice", "-o", "json", *home]).output)
    assert json.loads(result.output)["address"] == original["address"]

    result = _invoke(["export", "alice", *home], env={**env, PASSPHRASE_ENV: "wrong passphrase"})
    assert isinstance(result.exception, CliError)
    assert "wrong keyring passphrase" in str(result.exception)


def test_cli_errors_are_cli_errors(tmp_path):
    home = ["--home", str(tmp_path), "--keyring-backend", "test"]
    _invoke(["add", "alice", *home])
    cases = [
        (["add", "alice", *home], "already exists"),
        (["add", "bad name", *home], "invalid key name"),
        (["show", "nobody", *home], "sprintd keys list"),
        (["delete", "alice", *home], "--yes"),
    ]
    for args, message in cases:
        result = _invoke(args, input="")
        assert isinstance(result.exception, CliError), (args, result.output)
        assert message in str(result.exception)
    assert _invoke(["delete", "alice", *home], input="n\n").exception is not None
    assert _invoke(["delete", "alice", *home], input="y\n").exit_code == 0


def test_main_prints_one_line_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "show", "nobody", "--home", str(tmp_path), "--keyring-backend", "test"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: key 'nobody' not found") and err.count("\n") == 1
    assert "Traceback" not in err
