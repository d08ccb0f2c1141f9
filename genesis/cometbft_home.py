"""Everything the node needs from the `cometbft` binary: finding it, `cometbft init`, editing
config.toml in place and writing our genesis.json.

config.toml is edited line by line (only the keys we set, inside their own `[section]`) so that
CometBFT's comments and every other setting survive; the result is re-parsed with `tomllib` and
checked before it replaces the file.

It lives in genesis/ because generating node directories is genesis's job; the node imports it
from here (abci_app.cometbft re-exports it).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

from genesis.errors import UserError as CliError

COMETBFT_VERSION = "0.38.25"
COMETBFT_MODULE = "github.com/cometbft/cometbft/cmd/cometbft"
INSTALL_HINT = f"go install {COMETBFT_MODULE}@v{COMETBFT_VERSION}"

CONFIG_TOML = "config/config.toml"
GENESIS_JSON = "config/genesis.json"
PRIV_VALIDATOR_KEY = "config/priv_validator_key.json"
NODE_KEY = "config/node_key.json"
PRIV_VALIDATOR_STATE = "data/priv_validator_state.json"

DEFAULT_MAX_BLOCK_BYTES = 4 * 1024 * 1024
# Start-up lines from `main`, errors from everything else: a few hundred bytes per hour of devnet.
QUIET_LOG_LEVEL = "main:info,*:error"

_CHAIN_ID_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,47}$")


class CometBFTError(CliError):
    """The cometbft binary is missing, failed, or left files we cannot use."""


class CometBFTNotFound(CometBFTError):
    """No cometbft binary in $COMETBFT, on PATH or in ~/go/bin."""


# --------------------------------------------------------------------------- binary


def find_cometbft() -> str:
    """Path of the cometbft binary: $COMETBFT, then PATH, then $GOPATH/bin and ~/go/bin."""
    env = os.environ.get("COMETBFT")
    if env:
        path = Path(env).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise CometBFTNotFound(
            f"$COMETBFT points to {env}, which is not an executable file; fix it or unset it "
            f"(or install the binary with `{INSTALL_HINT}`)"
        )
    on_path = shutil.which("cometbft")
    if on_path:
        return on_path
    candidates = []
    gopath = os.environ.get("GOPATH")
    if gopath:
        candidates.extend(Path(p) / "bin" / "cometbft" for p in gopath.split(os.pathsep) if p)
    candidates.append(Path.home() / "go" / "bin" / "cometbft")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise CometBFTNotFound(
        f"cometbft binary not found in $COMETBFT, PATH or ~/go/bin; install it with `{INSTALL_HINT}`"
    )


def cometbft_version(binary: str | None = None, timeout: float = 15.0) -> str:
    """`cometbft version` output, e.g. '0.38.25'."""
    binary = binary or find_cometbft()
    try:
        proc = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise CometBFTError(f"could not run `{binary} version` ({err}); reinstall with `{INSTALL_HINT}`")
    return proc.stdout.strip().splitlines()[0].strip() if proc.stdout.strip() else ""


def check_cometbft_version(binary: str | None = None) -> str:
    """Return the version, raising CometBFTError when it is not a v0.38.x release (ABCI 2.0)."""
    version = cometbft_version(binary)
    if not version.lstrip("v").startswith("0.38."):
        raise CometBFTError(
            f"cometbft {version or '(unknown version)'} found, but sprintd needs v0.38.x; "
            f"install it with `{INSTALL_HINT}` or point $COMETBFT at a v0.38 binary"
        )
    return version


def init_cometbft_home(home: str | Path, moniker: str | None = None, timeout: float = 60.0) -> Path:
    """Run `cometbft init --home HOME` (keys, genesis, config.toml), then set the moniker."""
    home = Path(home)
    binary = find_cometbft()
    home.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run(
            [binary, "init", "--home", str(home)],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise CometBFTError(f"`cometbft init --home {home}` did not finish within {timeout:.0f}s")
    except OSError as err:
        raise CometBFTError(f"could not run {binary} ({err}); reinstall it with `{INSTALL_HINT}`")
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise CometBFTError(
            f"`cometbft init --home {home}` failed (exit {proc.returncode}): "
            f"{detail[-1] if detail else 'no output'}"
        )
    for rel in (CONFIG_TOML, GENESIS_JSON, PRIV_VALIDATOR_KEY, NODE_KEY, PRIV_VALIDATOR_STATE):
        if not (home / rel).exists():
            raise CometBFTError(f"`cometbft init` did not create {home / rel}; check the binary")
    if moniker:
        set_config_values(home, {("", "moniker"): moniker})
    return home


def validate_chain_id(chain_id: str) -> str:
    """Chain ids: 1-48 characters of letters, digits, '.', '_' and '-'."""
    if not isinstance(chain_id, str) or not _CHAIN_ID_RE.match(chain_id):
        raise CliError(
            f"invalid chain id {chain_id!r}: use 1-48 letters, digits, '.', '_' or '-' "
            "(e.g. sprint-devnet-1)"
        )
    return chain_id


# --------------------------------------------------------------------------- config.toml

_SECTION_RE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]\s*(#.*)?$")
_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def toml_value(value: Any) -> str:
    """Render a Python scalar/list as a TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"unsupported TOML value {value!r}")


def set_toml_values(text: str, values: dict[tuple[str, str], Any]) -> str:
    """Replace `key = ...` lines inside their `[section]` ("" = top level); append missing keys
    at the end of their section (a missing section is appended at the end of the file).

    Only single-line values are supported for the keys we replace (all of CometBFT's are)."""
    lines = text.splitlines()
    pending = dict(values)
    section = ""
    section_end: dict[str, int] = {"": len(lines)}  # index after the last line of each section
    order = [""]
    for i, line in enumerate(lines):
        m = _SECTION_RE.match(line)
        if m:
            section_end[section] = i
            section = m.group(1)
            order.append(section)
            section_end[section] = len(lines)
            continue
        k = _KEY_RE.match(line)
        if k and (section, k.group(1)) in pending:
            key = k.group(1)
            indent = line[: len(line) - len(line.lstrip())]
            lines[i] = f"{indent}{key} = {toml_value(pending.pop((section, key)))}"
    if pending:
        inserts: dict[int, list[str]] = {}
        new_sections: dict[str, list[str]] = {}
        for (sec, key), value in pending.items():
            line = f"{key} = {toml_value(value)}"
            if sec in section_end:
                # before trailing blank lines of the section, so the layout stays tidy
                at = section_end[sec]
                while at > 0 and not lines[at - 1].strip() and not _SECTION_RE.match(lines[at - 1]):
                    at -= 1
                inserts.setdefault(at, []).append(line)
            else:
                new_sections.setdefault(sec, []).append(line)
        for at in sorted(inserts, reverse=True):
            lines[at:at] = inserts[at]
        for sec, sec_lines in new_sections.items():
            lines.extend(["", f"[{sec}]", *sec_lines])
    return "\n".join(lines) + "\n"


def _lookup(doc: dict, section: str, key: str) -> Any:
    node = doc
    if section:
        for part in section.split("."):
            node = node.get(part, {})
    return node.get(key, _MISSING)


_MISSING = object()


def set_config_values(home: str | Path, values: dict[tuple[str, str], Any]) -> dict:
    """Set keys in HOME/config/config.toml, verify the result parses and holds the new values,
    then replace the file atomically. Returns the parsed config."""
    path = Path(home) / CONFIG_TOML
    if not path.exists():
        raise CometBFTError(f"{path} not found: run `sprintd init --home {home}` first")
    new_text = set_toml_values(path.read_text(), values)
    try:
        doc = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError as err:  # pragma: no cover - guards against our own bugs
        raise CometBFTError(f"editing {path} produced invalid TOML ({err}); file left unchanged")
    for (section, key), value in values.items():
        got = _lookup(doc, section, key)
        want = list(value) if isinstance(value, tuple) else value
        if got != want:  # pragma: no cover
            raise CometBFTError(f"could not set [{section}] {key} in {path}; file left unchanged")
    atomic_write(path, new_text)
    return doc


def read_config(home: str | Path) -> dict:
    """Parsed HOME/config/config.toml."""
    return tomllib.loads((Path(home) / CONFIG_TOML).read_text())


def patch_config(
    home: str | Path,
    *,
    p2p_laddr: str,
    rpc_laddr: str,
    proxy_app: str,
    timeout_commit: str = "500ms",
    persistent_peers: str = "",
    addr_book_strict: bool = False,
    allow_duplicate_ip: bool = True,
    moniker: str | None = None,
    external_address: str | None = None,
    pex: bool | None = None,
    create_empty_blocks: bool = True,
    create_empty_blocks_interval: str = "0s",
    timeout_propose: str | None = None,
    mempool_size: int = 5000,
    mempool_max_txs_bytes: int = 64 * 1024 * 1024,
    mempool_max_tx_bytes: int = 1024 * 1024,
    mempool_cache_size: int = 10000,
    indexer: str = "kv",
    log_level: str = QUIET_LOG_LEVEL,
    prometheus: bool = False,
    prometheus_listen_addr: str | None = None,
    extra: dict[tuple[str, str], Any] | None = None,
) -> dict:
    """Point a CometBFT home at our app and give it devnet/localnet settings.

    Addresses are CometBFT style ("tcp://127.0.0.1:26657"). `extra` sets any other key as
    {(section, key): value} with "" for the top-level section. Returns the parsed config."""
    values: dict[tuple[str, str], Any] = {
        ("", "proxy_app"): proxy_app,
        ("", "abci"): "socket",
        ("", "log_level"): log_level,
        ("", "log_format"): "plain",
        ("rpc", "laddr"): rpc_laddr,
        ("rpc", "pprof_laddr"): "",
        ("rpc", "unsafe"): False,
        ("p2p", "laddr"): p2p_laddr,
        ("p2p", "persistent_peers"): persistent_peers,
        ("p2p", "addr_book_strict"): addr_book_strict,
        ("p2p", "allow_duplicate_ip"): allow_duplicate_ip,
        ("consensus", "timeout_commit"): timeout_commit,
        ("consensus", "create_empty_blocks"): create_empty_blocks,
        ("consensus", "create_empty_blocks_interval"): create_empty_blocks_interval,
        ("mempool", "size"): mempool_size,
        ("mempool", "max_txs_bytes"): mempool_max_txs_bytes,
        ("mempool", "max_tx_bytes"): mempool_max_tx_bytes,
        ("mempool", "cache_size"): mempool_cache_size,
        ("tx_index", "indexer"): indexer,
        ("instrumentation", "prometheus"): prometheus,
    }
    if moniker is not None:
        values[("", "moniker")] = moniker
    if external_address is not None:
        values[("p2p", "external_address")] = external_address
    if pex is not None:
        values[("p2p", "pex")] = pex
    if timeout_propose is not None:
        values[("consensus", "timeout_propose")] = timeout_propose
    if prometheus_listen_addr is not None:
        values[("instrumentation", "prometheus_listen_addr")] = prometheus_listen_addr
    if extra:
        values.update(extra)
    return set_config_values(home, values)


# --------------------------------------------------------------------------- genesis.json


def read_genesis(home: str | Path) -> dict:
    path = Path(home) / GENESIS_JSON
    if not path.exists():
        raise CometBFTError(f"{path} not found: run `sprintd init --home {home}` first")
    return json.loads(path.read_text())


def format_genesis_time(when: _dt.datetime | str) -> str:
    """RFC 3339 UTC with nanoseconds-style fraction, as CometBFT writes it."""
    if isinstance(when, str):
        return when
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    when = when.astimezone(_dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond:06d}000Z"


def write_genesis(
    home: str | Path,
    chain_id: str,
    app_state: dict,
    genesis_time: _dt.datetime | str | None = None,
    *,
    max_block_bytes: int = DEFAULT_MAX_BLOCK_BYTES,
    max_gas: int = -1,
    validators: list[dict] | None = None,
) -> dict:
    """Rewrite the genesis.json `cometbft init` created: our chain id, app_state and block limits;
    validators are kept unless given. Written atomically; returns the document."""
    validate_chain_id(chain_id)
    genesis = read_genesis(home)
    genesis["chain_id"] = chain_id
    if genesis_time is not None:
        genesis["genesis_time"] = format_genesis_time(genesis_time)
    params = genesis.setdefault("consensus_params", {})
    block = params.setdefault("block", {})
    block["max_bytes"] = str(int(max_block_bytes))
    block["max_gas"] = str(int(max_gas))
    if validators is not None:
        genesis["validators"] = validators
    if not genesis.get("validators"):
        raise CometBFTError(f"{Path(home) / GENESIS_JSON} has no validators; re-run `cometbft init`")
    genesis["app_state"] = app_state
    atomic_write(Path(home) / GENESIS_JSON, json.dumps(genesis, indent=2) + "\n")
    return genesis


def node_id(home: str | Path, timeout: float = 15.0) -> str:
    """The p2p node id (`cometbft show-node-id`), for persistent_peers strings."""
    binary = find_cometbft()
    proc = subprocess.run(
        [binary, "show-node-id", "--home", str(home)],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise CometBFTError(f"`cometbft show-node-id --home {home}` failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def atomic_write(path: Path, text: str) -> None:
    """Write to a temp file in the same directory, fsync, then rename over the target."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
