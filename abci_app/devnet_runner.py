"""Run a one-validator devnet: `sprintd start`, `cometbft start` and (optionally) the host's
`sprint-worker start` as supervised children.

Order: the node first (it serves the ABCI socket CometBFT connects to), wait until its ABCI port
accepts connections, then CometBFT, then wait until the RPC reports a new committed block, then the
worker (`worker=True`: key "worker" of the home's test keyring, the devnet host's worker key, see
genesis/devnet.py). While running, if sprintd or CometBFT exits the other is stopped and an error
points to its log. The worker is not vital: when it exits, `run_devnet` prints a warning with its
log's last lines and the chain keeps running without it (restart the devnet, or run the worker by
hand, to get it back). Ctrl-C/SIGTERM stops the worker first (SIGINT, so it saves its state and
says "stopping"), then CometBFT, then the node (SIGTERM), each killed after a timeout.

Logs: <home>/logs/node.log, cometbft.log and worker.log (the previous run's are kept as *.log.1).

From tests:

    with start_devnet(home, ready_timeout=60) as devnet:   # home made by create_devnet_home
        devnet.wait_for_height(3)
        ... devnet.rpc_url, devnet.grpc_address ...
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import deque
from pathlib import Path
from typing import Callable

import click

from abci_app.cli.common import CliError
from abci_app.cometbft import CONFIG_TOML, find_cometbft, read_config
from abci_app.node_config import NodeConfig
from genesis.devnet import KEYRING_BACKEND, WORKER_KEY

LOG_DIR = "logs"
NODE_LOG = "node.log"
COMETBFT_LOG = "cometbft.log"
WORKER_LOG = "worker.log"


class DevnetError(CliError):
    """The devnet could not start or one of its processes died."""


class _Stopped(Exception):
    """A stop was requested (Ctrl-C / SIGTERM) while waiting."""


def _split_host_port(address: str) -> tuple[str, int]:
    address = address.split("://", 1)[-1].rstrip("/")
    host, _, port = address.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return host, int(port)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def tail(path: Path, lines: int = 20) -> list[str]:
    """The last lines of a log file (empty when missing)."""
    try:
        with open(path, "r", errors="replace") as fh:
            return [line.rstrip("\n") for line in deque(fh, maxlen=lines)]
    except OSError:
        return []


def _set_pdeathsig() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM if the supervisor dies without cleaning up."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _child_env() -> dict:
    """Environment for `python -m abci_app.cli.main`: works even without `pip install -e`."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    root = Path(__file__).resolve().parents[1]
    extra = [str(root)] + ([str(root / "proto")] if (root / "proto").is_dir() else [])
    if env.get("PYTHONPATH"):
        extra.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(extra)
    return env


class DevnetProcesses:
    """The child processes of a devnet home (sprintd, cometbft and, with `worker=True`, the host's
    sprint-worker), started in that order and stopped in reverse.

    `worker_threads` is passed to the worker as --threads (None: the worker's default, all cores);
    `worker_args` are extra `sprint-worker start` arguments."""

    def __init__(self, home: str | Path, *, cometbft_binary: str | None = None,
                 python: str = sys.executable, die_with_parent: bool = True, worker: bool = False,
                 worker_threads: int | None = None, worker_args: list[str] | tuple[str, ...] = ()):
        self.home = Path(home).expanduser().resolve()
        if not (self.home / CONFIG_TOML).is_file():
            raise DevnetError(f"{self.home} is not an initialised home; run `sprintd devnet --home "
                              f"{self.home}` or `sprintd init --home {self.home}` first")
        self.node_config = NodeConfig.load(self.home)
        self.cometbft_config = read_config(self.home)
        self.cometbft_binary = cometbft_binary or find_cometbft()
        self.python = python
        self.die_with_parent = die_with_parent and sys.platform.startswith("linux")
        self.log_dir = self.home / LOG_DIR
        self.node_log = self.log_dir / NODE_LOG
        self.cometbft_log = self.log_dir / COMETBFT_LOG
        self.worker_log = self.log_dir / WORKER_LOG
        self.worker_enabled = worker
        self.worker_threads = worker_threads
        self.worker_args = list(worker_args)
        self.node: subprocess.Popen | None = None
        self.cometbft: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self._log_files: list = []
        self.stop_event = threading.Event()

    # ---- addresses --------------------------------------------------------------------------

    @property
    def chain_id(self) -> str:
        return self.node_config.chain_id

    @property
    def rpc_url(self) -> str:
        host, port = _split_host_port(self.cometbft_config["rpc"]["laddr"])
        return f"http://{host}:{port}"

    @property
    def grpc_address(self) -> str:
        return self.node_config.grpc_address

    @property
    def abci_address(self) -> str:
        return self.node_config.abci_address

    @property
    def p2p_address(self) -> str:
        return self.cometbft_config["p2p"]["laddr"]

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self, ready_timeout: float = 60.0, abci_timeout: float = 60.0) -> "DevnetProcesses":
        """Start the node and CometBFT and wait for a new committed block (block 1 on a fresh
        chain), then the worker when enabled; on failure everything is stopped again."""
        try:
            self._check_ports_free()
            self.log_dir.mkdir(parents=True, exist_ok=True)
            self.node = self._spawn(
                [self.python, "-m", "abci_app.cli.main", "start", "--home", str(self.home)],
                self.node_log, env=_child_env(),
            )
            self._wait_abci(abci_timeout)
            self.cometbft = self._spawn(
                [self.cometbft_binary, "start", "--home", str(self.home)], self.cometbft_log,
                env=dict(os.environ),
            )
            deadline = time.monotonic() + ready_timeout
            first = self.wait_for_height(1, ready_timeout)
            # A restarted devnet reports its old height at once: wait for one new block as proof
            # that the node and CometBFT really work together.
            self.wait_for_height(first + 1, max(1.0, deadline - time.monotonic()))
            if self.worker_enabled:
                self.start_worker()
        except BaseException:
            self.stop()
            raise
        return self

    def worker_command(self) -> list[str]:
        argv = [self.python, "-m", "worker.cli", "start", "--home", str(self.home), "--key", WORKER_KEY,
                "--keyring-backend", KEYRING_BACKEND]
        if self.worker_threads is not None:
            argv += ["--threads", str(self.worker_threads)]
        return argv + self.worker_args

    def start_worker(self) -> subprocess.Popen:
        """Start the host's worker (the chain must be running); DevnetError when it cannot run."""
        problem = worker_unavailable(self.home)
        if problem:
            raise DevnetError(f"cannot start the worker: {problem}")
        self.worker = self._spawn(self.worker_command(), self.worker_log, env=_child_env())
        return self.worker

    def worker_exit(self) -> int | None:
        """The worker's exit code once it has exited (None while running or never started)."""
        return None if self.worker is None else self.worker.poll()

    def _check_ports_free(self) -> None:
        checks = [
            ("ABCI", self.abci_address, "--abci-port"),
            ("gRPC", self.grpc_address, "--grpc-port"),
            ("RPC", self.cometbft_config["rpc"]["laddr"], "--rpc-port"),
            ("P2P", self.p2p_address, "--p2p-port"),
        ]
        for label, address, flag in checks:
            host, port = _split_host_port(address)
            if port_open(host, port, timeout=0.3):
                raise DevnetError(
                    f"{label} port {host}:{port} is already in use (another devnet or node?); "
                    f"stop it or pick another port with {flag}"
                )

    def _spawn(self, argv: list[str], log_path: Path, env: dict) -> subprocess.Popen:
        if log_path.exists() and log_path.stat().st_size > 0:
            os.replace(log_path, log_path.with_name(log_path.name + ".1"))
        log = open(log_path, "ab", buffering=0)
        log.write(f"=== {time.strftime('%Y-%m-%dT%H:%M:%S%z')} {' '.join(argv)}\n".encode())
        self._log_files.append(log)
        try:
            return subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=str(self.home), env=env, start_new_session=True,
                preexec_fn=_set_pdeathsig if self.die_with_parent else None,
            )
        except OSError as err:
            raise DevnetError(f"could not start {argv[0]} ({err})") from None

    def _wait_abci(self, timeout: float) -> None:
        host, port = _split_host_port(self.abci_address)
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            if port_open(host, port):
                return
            if time.monotonic() > deadline:
                raise DevnetError(
                    f"sprintd did not open its ABCI port {host}:{port} within {timeout:.0f}s; "
                    f"see {self.node_log}"
                )
            self._sleep(0.2)

    def status(self, timeout: float = 2.0) -> dict:
        """CometBFT RPC /status `result` (raises OSError/ValueError when unreachable)."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{self.rpc_url}/status", timeout=timeout) as resp:
            return json.loads(resp.read())["result"]

    def latest_height(self) -> int:
        try:
            return int(self.status()["sync_info"]["latest_block_height"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def wait_for_height(self, height: int, timeout: float = 60.0) -> int:
        """Wait until the chain has committed `height`; raises DevnetError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            current = self.latest_height()
            if current >= height:
                return current
            if time.monotonic() > deadline:
                raise DevnetError(
                    f"the devnet did not reach block {height} within {timeout:.0f}s (at {current}); "
                    f"see {self.cometbft_log} and {self.node_log}"
                )
            self._sleep(0.25)

    def _sleep(self, seconds: float) -> None:
        if self.stop_event.wait(seconds):
            raise _Stopped()

    def exited(self) -> tuple[str, subprocess.Popen, Path] | None:
        """(name, process, log) of the first child that has exited, else None."""
        for name, proc, log in (("sprintd", self.node, self.node_log),
                                ("cometbft", self.cometbft, self.cometbft_log)):
            if proc is not None and proc.poll() is not None:
                return name, proc, log
        return None

    def check_alive(self) -> None:
        dead = self.exited()
        if dead:
            name, proc, log = dead
            raise DevnetError(f"{name} {describe_exit(proc.returncode)}; see {log}")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the worker (SIGINT), then CometBFT, then the node (SIGTERM); SIGKILL after
        `timeout` seconds each."""
        if self.worker is not None:
            _terminate(self.worker, timeout, signal.SIGINT)
        for proc in (self.cometbft, self.node):
            if proc is None:
                continue
            _terminate(proc, timeout)
        for log in self._log_files:
            try:
                log.close()
            except OSError:
                pass
        self._log_files.clear()

    def __enter__(self) -> "DevnetProcesses":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    return f"exited with code {returncode}"


def _terminate(proc: subprocess.Popen, timeout: float, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is not None:
        return
    try:
        proc.send_signal(sig)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
    except ProcessLookupError:  # pragma: no cover
        pass


def worker_unavailable(home: str | Path) -> str | None:
    """Why the devnet host's worker cannot run from `home` (one sentence with the fix), else None."""
    import importlib.util

    from abci_app.keyring import Keyring, KeyringError

    try:
        Keyring(home, backend=KEYRING_BACKEND).show(WORKER_KEY)
    except KeyringError:
        return (f"{home} has no {WORKER_KEY!r} key (it was made before devnets had a registered host); "
                "recreate it with `sprintd devnet --reset`")
    if importlib.util.find_spec("torch") is None:
        return "torch is not installed; run `make install` or `pip install -e \".[worker]\"`"
    return None


def start_devnet(home: str | Path, ready_timeout: float = 60.0, **kwargs) -> DevnetProcesses:
    """Start the devnet of an existing home and wait for block 1 (for tests and tools).
    Use as a context manager, or call .stop()."""
    return DevnetProcesses(home, **kwargs).start(ready_timeout=ready_timeout)


def endpoint_lines(devnet: DevnetProcesses, info: dict | None = None) -> list[str]:
    """Human-readable summary of a running devnet."""
    lines = [
        f"devnet {devnet.chain_id} is running (height {devnet.latest_height()})",
        f"  CometBFT RPC : {devnet.rpc_url}",
        f"  gRPC         : {devnet.grpc_address}",
        f"  ABCI         : {devnet.abci_address}",
        f"  P2P          : {devnet.p2p_address}",
        f"  home         : {devnet.home}",
        f"  logs         : {devnet.node_log}, {devnet.cometbft_log}"
        + (f", {devnet.worker_log}" if devnet.worker is not None else ""),
        f"  worker       : {_worker_status(devnet)}",
    ]
    host = (info or {}).get("host")
    if host:
        lines.append(f"  host         : {host['moniker']} operator {host['operator']['address']} "
                     f"(key {host['operator']['name']}), worker key {host['worker']['name']} "
                     f"{host['worker']['address']}")
    if info:
        lines.append(
            f"  keyring      : --keyring-backend {info.get('keyring_backend', 'test')} "
            f"--home {devnet.home}  (UNENCRYPTED, dev only)"
        )
        denom = info.get("denom", "usprint")
        for acc in info.get("accounts", []):
            lines.append(f"    {acc['name']:<8} {acc['address']}  {acc.get('amount', '?')}{denom}")
    lines.append("Press Ctrl-C to stop.")
    return lines


def _worker_status(devnet: DevnetProcesses) -> str:
    if devnet.worker is None:
        return "not running"
    code = devnet.worker.poll()
    if code is not None:
        return f"{describe_exit(code)} (the chain runs on without it); see {devnet.worker_log}"
    return f"running (pid {devnet.worker.pid}), log {devnet.worker_log}"


def run_devnet(home: str | Path, *, ready_timeout: float = 60.0, info: dict | None = None,
               worker: bool = True, worker_threads: int | None = None,
               echo: Callable[[str], None] = click.echo,
               echo_err: Callable[[str], None] = lambda line: click.echo(line, err=True)) -> int:
    """Start the devnet (with the host's worker unless `worker` is False), print its endpoints and
    supervise it until Ctrl-C/SIGTERM (returns 0). If sprintd or CometBFT dies the other is stopped
    and DevnetError names its log; if the worker dies a warning names its log and the chain runs on."""
    problem = worker_unavailable(home) if worker else None
    if problem:
        echo_err(f"WARNING: starting without a worker: {problem}")
    devnet = DevnetProcesses(home, worker=worker and not problem, worker_threads=worker_threads)
    restore = _install_signal_handlers(devnet.stop_event)
    try:
        names = "sprintd, cometbft and sprint-worker" if devnet.worker_enabled else "sprintd and cometbft"
        echo(f"starting {names} in {devnet.home} (logs in {devnet.log_dir}) ...")
        try:
            devnet.start(ready_timeout=ready_timeout)
        except _Stopped:
            echo("stopped before the devnet was ready.")
            return 0
        except DevnetError:
            _echo_tails(devnet, echo_err)
            raise
        for line in endpoint_lines(devnet, info):
            echo(line)
        _supervise(devnet, echo_err)
        echo(f"stopping {'sprint-worker, ' if devnet.worker is not None else ''}cometbft and sprintd ...")
        devnet.stop()
        echo("devnet stopped.")
        return 0
    finally:
        devnet.stop()
        restore()


def _supervise(devnet: DevnetProcesses, echo_err: Callable[[str], None]) -> None:
    """Watch the processes until the stop event: a dead sprintd or CometBFT stops the rest and raises
    DevnetError naming its log; a dead worker is reported once and the chain runs on."""
    worker_reported = False
    while not devnet.stop_event.wait(0.5):
        dead = devnet.exited()
        if dead:
            name, proc, log = dead
            devnet.stop()
            _echo_tails(devnet, echo_err, only=log)
            raise DevnetError(f"{name} {describe_exit(proc.returncode)}; see {log}")
        if not worker_reported and devnet.worker_exit() is not None:
            worker_reported = True
            _echo_tails(devnet, echo_err, only=devnet.worker_log)
            echo_err(f"WARNING: sprint-worker {describe_exit(devnet.worker_exit())}; the devnet keeps "
                     f"running without it (see {devnet.worker_log}; restart the devnet to run it again)")


def _echo_tails(devnet: DevnetProcesses, echo, only: Path | None = None) -> None:
    logs = [devnet.node_log, devnet.cometbft_log] + ([devnet.worker_log] if devnet.worker is not None else [])
    for log in logs:
        if only is not None and log != only:
            continue
        lines = tail(log, 15)
        if lines:
            echo(f"--- last lines of {log}:")
            for line in lines:
                echo(f"    {line}")


def _install_signal_handlers(event: threading.Event) -> Callable[[], None]:
    """SIGINT/SIGTERM set `event`; returns a function restoring the previous handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {}

    def handler(signum, frame):
        event.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, handler)

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
