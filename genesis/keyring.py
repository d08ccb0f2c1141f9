"""Local keyring: named secp256k1 keys for signing sprintchain transactions.

Two backends, chosen with ``backend=``:

* ``file`` (default): ``<home>/keyring-file/<name>.info``. The 32-byte secret of each key is
  encrypted with ChaCha20-Poly1305 under a key derived from the keyring passphrase with scrypt
  (fresh salt and nonce per file). The key's name, address and public key sit in clear next to the
  ciphertext so that listing and showing keys never needs the passphrase. ``keyhash`` in the same
  folder holds a scrypt hash of the passphrase, so that every key of one keyring uses the same one.
* ``test``: ``<home>/keyring-test/<name>.info`` stores the secret UNENCRYPTED. It exists for
  devnets and tests only; never keep funds in it.

Keys come from a BIP39 mnemonic derived along m/44'/118'/0'/0/0 (cosmpy's helpers), so a mnemonic
gives the same account here as in cosmpy's ``LocalWallet`` or the Cosmos SDK. The mnemonic itself is
never stored: it is returned once by :meth:`Keyring.add` for the user to write down.

The passphrase comes from the constructor argument, else the environment variable
``SPRINT_KEYRING_PASSPHRASE``, else a hidden prompt, and is asked for only when a secret must be
encrypted or decrypted.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import logging
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
from cosmpy.mnemonic import (
    COSMOS_HD_PATH,
    derive_child_key_from_mnemonic,
    entropy_to_mnemonic,
    generate_mnemonic,
)
from cosmpy.mnemonic.words import ENGLISH_MNEMONIC_WORDS_LIST
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from chain.tx.crypto import AddressError, SigningKey, decode_address
from genesis.errors import UserError

log = logging.getLogger("sprint.keyring")

PASSPHRASE_ENV = "SPRINT_KEYRING_PASSPHRASE"
BACKENDS = ("file", "test")
MIN_PASSPHRASE_LENGTH = 8
MNEMONIC_BITS = 256  # 24 words

# scrypt cost for new files (about 50 ms on one core); files record their own parameters.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_N_RANGE = (2**10, 2**20)
_SALT_LEN = 16
_NONCE_LEN = 12
_FORMAT_VERSION = 1

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_KEY_SUFFIX = ".info"
_KEYHASH_FILE = "keyhash"

ARMOR_BEGIN = "-----BEGIN SPRINT PRIVATE KEY-----"
ARMOR_END = "-----END SPRINT PRIVATE KEY-----"
_ARMOR_AAD = b"sprint-export-v1:secp256k1"


class KeyringError(Exception):
    """A keyring problem, described in one sentence that says how to fix it."""


@dataclass(frozen=True)
class KeyRecord:
    """Public facts about a stored key."""

    name: str
    address: str  # bech32 sprint1...
    pubkey: bytes  # 33-byte compressed secp256k1


# --------------------------------------------------------------------------------------------
# Mnemonics
# --------------------------------------------------------------------------------------------


def normalize_mnemonic(mnemonic: str) -> str:
    """Lower-case and single-space a mnemonic, checking its words and BIP39 checksum."""
    words = mnemonic.lower().split()
    if len(words) not in (12, 15, 18, 21, 24):
        raise KeyringError(
            f"invalid mnemonic: {len(words)} words; enter the 12 or 24 words of your BIP39 phrase"
        )
    unknown = [w for w in words if w not in ENGLISH_MNEMONIC_WORDS_LIST]
    if unknown:
        raise KeyringError(
            f"invalid mnemonic: {unknown[0]!r} is not a BIP39 English word; check its spelling"
        )
    phrase = " ".join(words)
    if entropy_to_mnemonic(_mnemonic_entropy(words)) != phrase:
        raise KeyringError("invalid mnemonic: bad checksum; check the words and their order")
    return phrase


def _mnemonic_entropy(words: list[str]) -> bytes:
    """The entropy bytes encoded by a list of BIP39 words (checksum bits dropped)."""
    bits = "".join(format(ENGLISH_MNEMONIC_WORDS_LIST.index(w), "011b") for w in words)
    entropy_bits = len(bits) * 32 // 33
    return int(bits[:entropy_bits], 2).to_bytes(entropy_bits // 8, "big")


def secret_from_mnemonic(mnemonic: str) -> bytes:
    """The 32-byte secp256k1 secret at m/44'/118'/0'/0/0 for a (validated) mnemonic."""
    return derive_child_key_from_mnemonic(normalize_mnemonic(mnemonic), path=COSMOS_HD_PATH)


# --------------------------------------------------------------------------------------------
# Encryption helpers
# --------------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    """Standard base64 text of bytes."""
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    """Bytes of standard base64 text; raises ValueError when malformed."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def _new_kdf_params() -> dict:
    """Fresh scrypt parameters (random salt, current cost) as stored in files."""
    return {"name": "scrypt", "salt": _b64(os.urandom(_SALT_LEN)),
            "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}


def _derive_key(passphrase: str, params: dict) -> bytes:
    """32-byte key from a passphrase and stored scrypt parameters (checked for sanity)."""
    n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
    if params.get("name") != "scrypt" or not (_SCRYPT_N_RANGE[0] <= n <= _SCRYPT_N_RANGE[1]):
        raise ValueError("unsupported key derivation parameters")
    if n & (n - 1) or not (1 <= r <= 16) or not (1 <= p <= 4):
        raise ValueError("unsupported key derivation parameters")
    kdf = Scrypt(salt=_unb64(params["salt"]), length=32, n=n, r=r, p=p)
    return kdf.derive(passphrase.encode("utf-8"))


def _seal(passphrase: str, plaintext: bytes, aad: bytes) -> dict:
    """Encrypt with scrypt + ChaCha20-Poly1305; returns the JSON-able envelope."""
    kdf = _new_kdf_params()
    nonce = os.urandom(_NONCE_LEN)
    ciphertext = ChaCha20Poly1305(_derive_key(passphrase, kdf)).encrypt(nonce, plaintext, aad)
    return {"kdf": kdf, "cipher": "chacha20-poly1305", "nonce": _b64(nonce),
            "ciphertext": _b64(ciphertext)}


def _open(passphrase: str, envelope: dict, aad: bytes) -> bytes:
    """Decrypt an envelope from :func:`_seal`; raises InvalidTag on a wrong passphrase."""
    if envelope.get("cipher") != "chacha20-poly1305":
        raise ValueError("unsupported cipher")
    key = _derive_key(passphrase, envelope["kdf"])
    return ChaCha20Poly1305(key).decrypt(_unb64(envelope["nonce"]),
                                         _unb64(envelope["ciphertext"]), aad)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def _write_file(path: Path, data: bytes, overwrite: bool) -> bool:
    """Atomically write a 0600 file. Without overwrite, returns False if `path` already exists."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # atomic create-if-absent
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _loose(path: Path) -> int | None:
    """The permission bits of `path` when group or others have any access, else None."""
    mode = stat.S_IMODE(path.stat().st_mode)
    return mode if mode & 0o077 else None


def secure_keyring_directory(directory: Path) -> None:
    """Make an existing keyring folder owner-only (folder 0700, files 0600), logging what changed;
    KeyringError (with the fix) when it is loose and cannot be tightened. Missing folder: no-op."""
    if not directory.is_dir():
        return
    try:
        loose = _loose_paths(directory)
        for path, _, wanted in loose:
            os.chmod(path, wanted)
    except OSError as err:
        raise KeyringError(
            f"keyring folder {directory} may be accessible to other users and its permissions cannot be "
            f"tightened ({err.strerror}); fix it with: chmod 700 {directory} && chmod 600 {directory}/*"
        ) from None
    if loose:
        was = ", ".join(f"{path.name} {mode:04o}" for path, mode, _ in loose)
        log.warning("keyring permissions tightened to owner-only (folder 0700, files 0600) path=%s was: %s",
                    directory, was)


def _loose_paths(directory: Path) -> list[tuple[Path, int, int]]:
    """(path, current mode, wanted mode) for the folder and its files that others can access."""
    loose = []
    if (mode := _loose(directory)) is not None:
        loose.append((directory, mode, 0o700))
    for path in sorted(directory.iterdir()):
        if not path.is_symlink() and path.is_file() and (mode := _loose(path)) is not None:
            loose.append((path, mode, 0o600))
    return loose


def _read_json(path: Path) -> dict:
    """Parse a keyring JSON file, turning damage into a KeyringError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise KeyringError(f"cannot read key file {path} ({err}); restore it or delete it") from err
    if not isinstance(data, dict):
        raise KeyringError(f"key file {path} is corrupt; restore it or delete it")
    return data


def _pubkey_of(secret: bytes) -> bytes | None:
    """Compressed public key of a 32-byte secret, or None when it is not a valid scalar."""
    if len(secret) != 32:
        return None
    try:
        return SigningKey(secret).pubkey
    except ValueError:
        return None


def _check_name(name: str) -> None:
    """Reject names that are not 1-64 of letters, digits, '-', '_', '.' (first one alphanumeric)."""
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise KeyringError(
            f"invalid key name {name!r}; use 1-64 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )


# --------------------------------------------------------------------------------------------
# Keyring
# --------------------------------------------------------------------------------------------


class Keyring:
    """Named keys under ``<home>/keyring-<backend>/``.

    backend "file" encrypts every secret with the keyring passphrase (scrypt + ChaCha20-Poly1305);
    backend "test" stores secrets UNENCRYPTED and is for development and tests only.
    """

    def __init__(self, home, backend: str = "file", passphrase: str | None = None):
        if backend not in BACKENDS:
            raise KeyringError(f"unknown keyring backend {backend!r}; use 'file' or 'test'")
        self.backend = backend
        self.directory = Path(home).expanduser() / f"keyring-{backend}"
        secure_keyring_directory(self.directory)
        self._passphrase = passphrase
        self._passphrase_given = passphrase is not None

    # ---- public API ------------------------------------------------------------------------

    def add(self, name: str, mnemonic: str | None = None,
            overwrite: bool = False) -> tuple[KeyRecord, str]:
        """Store the key of `mnemonic` (a new 24-word one when None); returns (record, mnemonic)."""
        _check_name(name)
        if mnemonic is None:
            mnemonic = generate_mnemonic(MNEMONIC_BITS)
        else:
            mnemonic = normalize_mnemonic(mnemonic)
        secret = derive_child_key_from_mnemonic(mnemonic, path=COSMOS_HD_PATH)
        return self._store(name, secret, overwrite), mnemonic

    def add_secret(self, name: str, secret: bytes, overwrite: bool = False) -> KeyRecord:
        """Store a raw 32-byte secp256k1 secret under `name` (for tooling and genesis scripts)."""
        _check_name(name)
        if not isinstance(secret, (bytes, bytearray)) or len(secret) != 32:
            raise KeyringError("a secp256k1 secret must be exactly 32 bytes; pass the raw key")
        return self._store(name, bytes(secret), overwrite)

    def list(self) -> list[KeyRecord]:
        """All keys, sorted by name. Never needs the passphrase."""
        if not self.directory.is_dir():
            return []
        stems = (p.name[: -len(_KEY_SUFFIX)] for p in self.directory.iterdir()
                 if p.name.endswith(_KEY_SUFFIX))
        names = sorted(stem for stem in stems if _NAME_RE.fullmatch(stem))
        return [self._record(self._load(name)) for name in names]

    def show(self, name_or_address: str) -> KeyRecord:
        """The key with this name, or else with this bech32 address. Never needs the passphrase."""
        return self._record(self._find(name_or_address))

    def signing_key(self, name_or_address: str) -> SigningKey:
        """The signing key of a stored key (file backend: asks for the passphrase if needed)."""
        return SigningKey(self._secret(self._find(name_or_address)))

    def delete(self, name: str) -> None:
        """Remove a key for good; there is no undo without its mnemonic or an export."""
        _check_name(name)
        try:
            self._path(name).unlink()
        except FileNotFoundError:
            raise self._not_found(name) from None

    def export(self, name: str, export_passphrase: str) -> str:
        """ASCII-armored copy of a key's secret, encrypted with `export_passphrase`."""
        if not export_passphrase:
            raise KeyringError(
                "the export passphrase must not be empty; choose one to protect the exported file"
            )
        _check_name(name)
        secret = self._secret(self._load(name))
        envelope = _seal(export_passphrase, secret, _ARMOR_AAD)
        return _armor(envelope)

    def import_key(self, name: str, armored: str, export_passphrase: str) -> KeyRecord:
        """Store under `name` a key exported by :meth:`export`, given its export passphrase."""
        _check_name(name)
        if self._path(name).exists():
            raise self._exists(name)
        envelope = _unarmor(armored)
        try:
            secret = _open(export_passphrase or "", envelope, _ARMOR_AAD)
        except InvalidTag:
            raise KeyringError(
                "wrong export passphrase; enter the passphrase used with 'sprintd keys export'"
            ) from None
        except (KeyError, ValueError, TypeError) as err:
            raise KeyringError(f"the armored key is damaged ({err}); export it again") from err
        return self.add_secret(name, secret)

    # ---- storage -----------------------------------------------------------------------------

    def _path(self, name: str) -> Path:
        """File of key `name`."""
        return self.directory / f"{name}{_KEY_SUFFIX}"

    def _not_found(self, name: str) -> KeyringError:
        """The error for an unknown key."""
        return KeyringError(
            f"key {name!r} not found; run 'sprintd keys list' to see the keys in "
            f"{self.directory}, or check --home and --keyring-backend"
        )

    def _load(self, name: str) -> dict:
        """Stored JSON of key `name`, or KeyringError when it does not exist."""
        path = self._path(name)
        if not path.is_file():
            raise self._not_found(name)
        data = _read_json(path)
        data["name"] = name
        return data

    def _find(self, name_or_address: str) -> dict:
        """Stored JSON of a key by name, falling back to lookup by bech32 address."""
        if isinstance(name_or_address, str) and _NAME_RE.fullmatch(name_or_address) \
                and self._path(name_or_address).is_file():
            return self._load(name_or_address)
        try:
            decode_address(name_or_address)
        except AddressError:
            _check_name(name_or_address)
            raise self._not_found(name_or_address) from None
        for record in self.list():
            if record.address == name_or_address:
                return self._load(record.name)
        raise self._not_found(name_or_address)

    def _record(self, data: dict) -> KeyRecord:
        """KeyRecord from stored JSON, checking the public fields."""
        try:
            record = KeyRecord(name=data["name"], address=str(data["address"]),
                               pubkey=bytes.fromhex(data["pubkey"]))
        except (KeyError, ValueError, TypeError):
            raise self._corrupt(data.get("name", "?")) from None
        if len(record.pubkey) != 33:
            raise self._corrupt(record.name)
        return record

    def _store(self, name: str, secret: bytes, overwrite: bool) -> KeyRecord:
        """Encrypt (file) or keep (test) `secret` and write `<name>.info`."""
        if _pubkey_of(secret) is None:
            raise KeyringError("invalid secp256k1 secret: zero or not below the curve order; "
                               "pass a valid 32-byte key")
        key = SigningKey(secret)
        record = KeyRecord(name=name, address=key.bech32, pubkey=key.pubkey)
        self._check_new(record, overwrite)
        self._ensure_directory()
        data = {"version": _FORMAT_VERSION, "type": "secp256k1", "address": record.address,
                "pubkey": record.pubkey.hex()}
        if self.backend == "test":
            data["secret"] = secret.hex()
        else:
            passphrase = self._unlocked_passphrase()
            data["encrypted"] = _seal(passphrase, secret, self._aad(record.address))
        payload = (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")
        if not _write_file(self._path(name), payload, overwrite):
            raise self._exists(name)
        return record

    def _exists(self, name: str) -> KeyringError:
        """The error for a duplicate name."""
        return KeyringError(
            f"key {name!r} already exists; choose another name or delete it with "
            f"'sprintd keys delete {name}'"
        )

    def _check_new(self, record: KeyRecord, overwrite: bool) -> None:
        """Refuse a duplicate name (unless overwrite) and an address stored under another name."""
        if not overwrite and self._path(record.name).exists():
            raise self._exists(record.name)
        for other in self.list():
            if other.address == record.address and other.name != record.name:
                raise KeyringError(
                    f"this key is already stored as {other.name!r} ({other.address}); "
                    f"use that name or delete it first"
                )

    def _ensure_directory(self) -> None:
        """Create the keyring folder, readable by its owner only (an existing one is tightened)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        secure_keyring_directory(self.directory)

    def _secret(self, data: dict) -> bytes:
        """The 32-byte secret of stored key JSON, decrypting with the passphrase if needed."""
        record = self._record(data)
        try:
            if self.backend == "test":
                secret = bytes.fromhex(data["secret"])
            else:
                secret = _open(self._passphrase_for_reading(), data["encrypted"],
                               self._aad(record.address))
        except InvalidTag:
            raise self._wrong_passphrase() from None
        except (KeyError, ValueError, TypeError):
            raise self._corrupt(record.name) from None
        if _pubkey_of(secret) != record.pubkey:
            raise self._corrupt(record.name)
        return secret

    def _corrupt(self, name: str) -> KeyringError:
        """The error for a damaged key file."""
        return KeyringError(f"key file {self._path(name)} is corrupt; restore it or delete it")

    def _wrong_passphrase(self) -> KeyringError:
        """The error for a wrong passphrase; forgets it so that a later call asks again."""
        if not self._passphrase_given:
            self._passphrase = None
        return KeyringError(
            "wrong keyring passphrase; enter the one chosen when the keyring was created "
            f"(or set {PASSPHRASE_ENV})"
        )

    @staticmethod
    def _aad(address: str) -> bytes:
        """Associated data binding a ciphertext to its key's address."""
        return f"sprint-keyring-v{_FORMAT_VERSION}:{address}".encode("ascii")

    # ---- passphrase --------------------------------------------------------------------------

    def _passphrase_for_reading(self) -> str:
        """The passphrase for decrypting: argument, environment, or a prompt."""
        if self._passphrase is None:
            self._passphrase = self._ask_passphrase(new=False)
        return self._passphrase

    def _unlocked_passphrase(self) -> str:
        """The passphrase for encrypting, checked against (or recorded in) `keyhash`."""
        keyhash = self.directory / _KEYHASH_FILE
        new = not keyhash.is_file()
        if self._passphrase is None:
            self._passphrase = self._ask_passphrase(new=new)
        if new:
            self._create_keyhash(keyhash, self._passphrase)
        else:
            self._verify_keyhash(keyhash, self._passphrase)
        return self._passphrase

    def _ask_passphrase(self, new: bool) -> str:
        """Passphrase from SPRINT_KEYRING_PASSPHRASE, else a hidden prompt (confirmed when new)."""
        from_env = os.environ.get(PASSPHRASE_ENV)
        if from_env is not None:
            return from_env
        text = ("Choose a passphrase for the new keyring (min 8 characters)" if new
                else "Enter keyring passphrase")
        try:
            return click.prompt(text, hide_input=True, confirmation_prompt=new, err=True)
        except click.exceptions.Abort:
            raise KeyringError(
                f"no keyring passphrase given; type it at the prompt or set {PASSPHRASE_ENV}"
            ) from None

    def _create_keyhash(self, path: Path, passphrase: str) -> None:
        """Record a scrypt hash of the passphrase of a new keyring."""
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            raise KeyringError(
                f"keyring passphrase too short; use at least {MIN_PASSPHRASE_LENGTH} characters"
            )
        self._ensure_directory()
        kdf = _new_kdf_params()
        data = {"version": _FORMAT_VERSION, "kdf": kdf, "hash": _b64(_derive_key(passphrase, kdf))}
        payload = (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")
        if not _write_file(path, payload, overwrite=False):
            self._verify_keyhash(path, passphrase)  # another process created it first

    def _verify_keyhash(self, path: Path, passphrase: str) -> None:
        """Raise KeyringError unless `passphrase` matches the keyring's `keyhash`."""
        data = _read_json(path)
        try:
            expected = _unb64(data["hash"])
            actual = _derive_key(passphrase, data["kdf"])
        except (KeyError, ValueError, TypeError):
            raise KeyringError(f"keyring file {path} is corrupt; restore it or delete it") from None
        if not hmac.compare_digest(expected, actual):
            raise self._wrong_passphrase()


# --------------------------------------------------------------------------------------------
# ASCII armor for exports
# --------------------------------------------------------------------------------------------


def _armor(envelope: dict) -> str:
    """Text block holding an encrypted export: headers, blank line, base64 body."""
    kdf = envelope["kdf"]
    headers = {"type": "secp256k1", "kdf": "scrypt", "n": kdf["n"], "r": kdf["r"],
               "p": kdf["p"], "salt": kdf["salt"], "cipher": envelope["cipher"],
               "nonce": envelope["nonce"]}
    body = envelope["ciphertext"]
    lines = [ARMOR_BEGIN, *(f"{k}: {v}" for k, v in headers.items()), ""]
    lines += [body[i:i + 64] for i in range(0, len(body), 64)]
    lines.append(ARMOR_END)
    return "\n".join(lines) + "\n"


def _unarmor(text: str) -> dict:
    """Envelope from an armored export; KeyringError when the text is not one."""
    bad = KeyringError(
        "not a sprint armored private key; pass the file written by 'sprintd keys export'"
    )
    lines = [line.strip() for line in (text or "").strip().splitlines()]
    if len(lines) < 3 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END or "" not in lines:
        raise bad
    split = lines.index("")
    headers = {}
    for line in lines[1:split]:
        key, sep, value = line.partition(":")
        if not sep:
            raise bad
        headers[key.strip()] = value.strip()
    try:
        if headers["type"] != "secp256k1" or headers["kdf"] != "scrypt":
            raise bad
        kdf = {"name": "scrypt", "salt": headers["salt"], "n": int(headers["n"]),
               "r": int(headers["r"]), "p": int(headers["p"])}
        return {"kdf": kdf, "cipher": headers["cipher"], "nonce": headers["nonce"],
                "ciphertext": "".join(lines[split + 1:-1])}
    except (KeyError, ValueError):
        raise bad from None


@contextlib.contextmanager
def keyring_errors():
    """Turn keyring failures into a one-line UserError (for the genesis/devnet CLIs)."""
    try:
        yield
    except KeyringError as err:
        raise UserError(str(err)) from None
