"""Run a generated localnet (`sprintd testnet init`) on this machine: N × (sprintd + cometbft
[+ sprint-worker]) as detached processes, so that `sprintd testnet stop DIR` (another invocation)
can stop them.

Per node i (home DIR/node<i>):
    logs    DIR/node<i>/logs/{node,cometbft,worker}.log   (the previous run's are kept as *.log.1)
    pids    DIR/run/node<i>.{node,cometbft,worker}.pid

A pid file is trusted only while /proc/<pid>/cmdline still names that node's home, so a recycled
pid is never signalled. Stop order: worker, cometbft, node (SIGTERM, then SIGKILL after a timeout).

From Python (tests, bench):

    net = Localnet(DIR)
    net.start(workers=False)          # waits for block 1 on every node
    net.wait_for_height(10)
    net.stop_node(3); net.start_node(3)
    rows = net.status()               # height, app hash, peers, power per node
    net.stop()
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from abci_app.cli.common import CliError
from abci_app.cometbft import find_cometbft
from abci_app.devnet_runner import _child_env, describe_exit, port_open, tail
from abci_app.rpc_client import CometRpc, RpcError, RpcUnavailable
from genesis.testnet import load_testnet

RUN_DIR = "run"
PROCESSES = ("node", "cometbft", "worker")  # start order; stopped in reverse


class LocalnetError(CliError):
    """The localnet could not start, or one of its processes died."""


def _proc_alive(pid: int) -> bool:
    """True for a live (non-zombie) process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
        return state not in (b"Z", b"X")
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _owned(pid: int, marker: str) -> bool:
    """True when `pid` is alive and its command line contains `marker` (a node home).

    Right after an exec the kernel briefly shows an empty /proc/<pid>/cmdline (the new program's
    arguments are not mapped yet), so an empty one is read again a few times before giving up."""
    for _ in range(20):
        if not _proc_alive(pid):
            return False
        cmdline = _cmdline(pid)
        if cmdline:
            return marker in cmdline
        time.sleep(0.02)
    return False


class Localnet:
    """The processes of one localnet directory."""

    def __init__(self, directory: str | Path, *, cometbft_binary: str | None = None,
                 python: str = sys.executable, worker_args: dict[int, list[str]] | None = None,
                 node_argv: dict[int, list[str]] | None = None):
        self.info = load_testnet(directory)
        if self.info.get("mode") != "localnet":
            raise LocalnetError(
                f"{self.info['dir']} was generated for docker compose (--hostnames); run it with "
                "`docker compose up`, or create a localnet without --hostnames")
        self.dir = Path(self.info["dir"])
        self.nodes = self.info["nodes"]
        self.cometbft_binary = cometbft_binary
        self.python = python
        self.worker_args = dict(worker_args or {})  # extra `sprint-worker start` args per node
        # Per node: a command replacing `python -m abci_app.cli.main start` (tests run a byzantine
        # app this way); `--home HOME` is appended to it.
        self.node_argv = dict(node_argv or {})
        self.run_dir = self.dir / RUN_DIR
        self._children: dict[tuple[int, str], subprocess.Popen] = {}
        self._rpcs: dict[int, CometRpc] = {}

    # ---- paths and addresses ----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.nodes)

    def home(self, i: int) -> Path:
        return self.dir / self.nodes[i]["home"]

    def log_path(self, i: int, proc: str) -> Path:
        return self.home(i) / "logs" / f"{proc}.log"

    def pid_path(self, i: int, proc: str) -> Path:
        return self.run_dir / f"node{i}.{proc}.pid"

    def rpc_url(self, i: int) -> str:
        return self.nodes[i]["rpc_url"]

    def grpc_address(self, i: int) -> str:
        return self.nodes[i]["grpc_address"]

    def rpc(self, i: int, timeout: float = 2.0) -> CometRpc:
        if i not in self._rpcs:
            self._rpcs[i] = CometRpc(self.rpc_url(i), timeout=timeout)
        return self._rpcs[i]

    # ---- process bookkeeping ----------------------------------------------------------------

    def pid(self, i: int, proc: str) -> int | None:
        """The pid of a running process of node i, or None (stale pid files are ignored)."""
        path = self.pid_path(i, proc)
        try:
            pid = int(path.read_text().strip())
        except (OSError, ValueError):
            return None
        child = self._children.get((i, proc))
        if child is not None and child.pid == pid:
            # Started (and not yet reaped) by us: the pid cannot have been recycled.
            return pid if child.poll() is None else None
        return pid if _owned(pid, str(self.home(i))) else None

    def running(self) -> dict[tuple[int, str], int]:
        """{(node index, process name): pid} of every running process of this localnet."""
        out = {}
        for i in range(len(self)):
            for proc in PROCESSES:
                pid = self.pid(i, proc)
                if pid is not None:
                    out[(i, proc)] = pid
        return out

    def _argv(self, i: int, proc: str) -> list[str]:
        home = str(self.home(i))
        if proc == "node":
            command = self.node_argv.get(i) or [self.python, "-m", "abci_app.cli.main", "start"]
            return [*command, "--home", home]
        if proc == "cometbft":
            self.cometbft_binary = self.cometbft_binary or find_cometbft()
            return [self.cometbft_binary, "start", "--home", home]
        return [self.python, "-m", "worker.cli", "start", "--home", home, "--key",
                self.nodes[i]["worker"]["key"], "--keyring-backend", self.info.get("keyring_backend", "test"),
                *self.worker_args.get(i, [])]

    def _spawn(self, i: int, proc: str) -> int:
        if self.pid(i, proc) is not None:
            raise LocalnetError(f"node{i} {proc} is already running; stop it first "
                                f"(`sprintd testnet stop {self.dir}`)")
        argv = self._argv(i, proc)
        log_path = self.log_path(i, proc)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        if log_path.exists() and log_path.stat().st_size > 0:
            os.replace(log_path, log_path.with_name(log_path.name + ".1"))
        self.run_dir.mkdir(exist_ok=True)
        env = _child_env() if proc != "cometbft" else dict(os.environ)
        with open(log_path, "ab", buffering=0) as log:
            log.write(f"=== {time.strftime('%Y-%m-%dT%H:%M:%S%z')} {' '.join(argv)}\n".encode())
            try:
                child = subprocess.Popen(
                    argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    cwd=str(self.home(i)), env=env, start_new_session=True, close_fds=True,
                )
            except OSError as err:
                raise LocalnetError(f"could not start {argv[0]} for node{i} ({err})") from None
        self._children[(i, proc)] = child
        self.pid_path(i, proc).write_text(f"{child.pid}\n")
        return child.pid

    def _check_alive(self, i: int, proc: str) -> None:
        if self.pid(i, proc) is None:
            child = self._children.get((i, proc))
            how = "exited"
            if child is not None and child.poll() is not None:
                how = describe_exit(child.returncode)
            lines = [line for line in tail(self.log_path(i, proc), 5) if not line.startswith("=== ")]
            last = lines[-1].strip()[:200] if lines else "no output"
            raise LocalnetError(f"node{i} {proc} {how} ({last}); see {self.log_path(i, proc)}")

    def _check_ports_free(self, i: int) -> None:
        node = self.nodes[i]
        for label, port in (("p2p", node["p2p_port"]), ("RPC", node["rpc_port"]),
                            ("ABCI", node["abci_port"]), ("gRPC", node["grpc_port"])):
            if port_open(node["host"], port, timeout=0.3):
                raise LocalnetError(
                    f"node{i} {label} port {node['host']}:{port} is already in use (another localnet or "
                    f"devnet?); stop it or re-create the testnet with another --base-port/--grpc-port")

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self, workers: bool = True, ready_timeout: float = 90.0) -> "Localnet":
        """Start every node (sprintd first, then cometbft) and wait until each one has committed a
        new block; then the workers. On failure everything started here is stopped again."""
        if self.running():
            raise LocalnetError(f"the localnet in {self.dir} is already running; "
                                f"stop it first with `sprintd testnet stop {self.dir}`")
        try:
            for i in range(len(self)):
                self._check_ports_free(i)
            for i in range(len(self)):
                self._spawn(i, "node")
            for i in range(len(self)):
                self._wait_abci(i, ready_timeout)
            for i in range(len(self)):
                self._spawn(i, "cometbft")
            deadline = time.monotonic() + ready_timeout
            reached = self.wait_for_height(1, timeout=ready_timeout)
            # A restarted localnet reports its old height at once: wait for one new block on every
            # node as proof that they sign together again.
            self.wait_for_height(max(reached) + 1, timeout=max(1.0, deadline - time.monotonic()))
            if workers:
                for i in range(len(self)):
                    self._spawn(i, "worker")
        except BaseException:
            self.stop()
            raise
        return self

    def start_worker(self, i: int) -> int:
        """Start node i's worker (again); returns its pid."""
        return self._spawn(i, "worker")

    def kill_worker(self, i: int, timeout: float = 10.0) -> None:
        """SIGKILL node i's worker (a crash, not a clean stop) and reap it."""
        pid = self.pid(i, "worker")
        if pid is None:
            return
        self._signal(pid, signal.SIGKILL)
        self._reap(i, "worker", pid, timeout)

    def start_node(self, i: int, worker: bool = False, abci_timeout: float = 60.0) -> None:
        """Start node i's sprintd and cometbft (and worker) again, e.g. after stop_node(i)."""
        if self.pid(i, "node") is None:
            self._check_ports_free(i)
            self._spawn(i, "node")
            self._wait_abci(i, abci_timeout)
        if self.pid(i, "cometbft") is None:
            self._spawn(i, "cometbft")
        if worker and self.pid(i, "worker") is None:
            self._spawn(i, "worker")

    def _wait_abci(self, i: int, timeout: float) -> None:
        node = self.nodes[i]
        deadline = time.monotonic() + timeout
        while not port_open(node["host"], node["abci_port"]):
            self._check_alive(i, "node")
            if time.monotonic() > deadline:
                raise LocalnetError(f"node{i} sprintd did not open ABCI {node['abci_address']} within "
                                    f"{timeout:.0f}s; see {self.log_path(i, 'node')}")
            time.sleep(0.1)

    def stop_node(self, i: int, timeout: float = 15.0) -> list[str]:
        """Stop node i's processes (worker, cometbft, node); returns what was stopped."""
        stopped = []
        for proc in reversed(PROCESSES):
            if self._terminate(i, proc, timeout):
                stopped.append(f"node{i} {proc}")
        return stopped

    def stop(self, timeout: float = 15.0) -> list[str]:
        """Stop every process of the localnet: workers, then cometbft, then nodes."""
        stopped = []
        for proc in reversed(PROCESSES):
            pids = {i: self.pid(i, proc) for i in range(len(self))}
            for i, pid in pids.items():
                if pid is not None:
                    self._signal(pid, signal.SIGTERM)
            for i, pid in pids.items():
                if pid is not None:
                    self._reap(i, proc, pid, timeout)
                    stopped.append(f"node{i} {proc}")
                self.pid_path(i, proc).unlink(missing_ok=True)
        for rpc in self._rpcs.values():
            rpc.close()
        self._rpcs.clear()
        return stopped

    def _terminate(self, i: int, proc: str, timeout: float) -> bool:
        pid = self.pid(i, proc)
        if pid is None:
            self.pid_path(i, proc).unlink(missing_ok=True)
            return False
        self._signal(pid, signal.SIGTERM)
        self._reap(i, proc, pid, timeout)
        self.pid_path(i, proc).unlink(missing_ok=True)
        if proc == "cometbft":
            rpc = self._rpcs.pop(i, None)
            if rpc:
                rpc.close()
        return True

    @staticmethod
    def _signal(pid: int, sig: int) -> None:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

    def _reap(self, i: int, proc: str, pid: int, timeout: float) -> None:
        child = self._children.pop((i, proc), None)
        deadline = time.monotonic() + timeout
        killed = False
        while True:
            if child is not None and child.pid == pid:
                if child.poll() is not None:
                    return
            elif not _proc_alive(pid):
                return
            if time.monotonic() > deadline and not killed:
                if (child is not None and child.pid == pid) or _owned(pid, str(self.home(i))):
                    self._signal(pid, signal.SIGKILL)
                killed = True
                deadline = time.monotonic() + 5
            elif time.monotonic() > deadline:
                return
            time.sleep(0.05)

    # ---- observation ------------------------------------------------------------------------

    def height(self, i: int) -> int:
        """Latest committed height reported by node i's CometBFT (0 when unreachable)."""
        try:
            return int(self.rpc(i).status()["sync_info"]["latest_block_height"])
        except (RpcUnavailable, RpcError, OSError, ValueError, KeyError, TypeError):
            return 0

    def heights(self, nodes=None) -> list[int]:
        return [self.height(i) for i in (range(len(self)) if nodes is None else nodes)]

    def wait_for_height(self, height: int, nodes=None, timeout: float = 60.0) -> list[int]:
        """Wait until every listed node (all by default) has committed `height`."""
        nodes = list(range(len(self))) if nodes is None else list(nodes)
        deadline = time.monotonic() + timeout
        while True:
            current = self.heights(nodes)
            if all(h >= height for h in current):
                return current
            for i in nodes:
                for proc in ("node", "cometbft"):
                    if (i, proc) in self._children:
                        self._check_alive(i, proc)
            if time.monotonic() > deadline:
                detail = ", ".join(f"node{i}={h}" for i, h in zip(nodes, current))
                raise LocalnetError(f"the localnet did not reach height {height} within {timeout:.0f}s "
                                    f"({detail}); see the logs under {self.dir}/node*/logs")
            time.sleep(0.2)

    def status(self) -> list[dict]:
        """One row per node: processes up, height, app hash, peers, voting power, catching up."""
        rows = []
        for i, node in enumerate(self.nodes):
            row = {"node": i, "moniker": node["moniker"], "rpc": node["rpc_url"], "grpc": node["grpc_address"],
                   "processes": {p: self.pid(i, p) for p in PROCESSES},
                   "height": None, "app_hash": None, "peers": None, "power": None, "catching_up": None}
            try:
                rpc = self.rpc(i)
                status = rpc.status()
                sync = status["sync_info"]
                row["height"] = int(sync["latest_block_height"])
                row["app_hash"] = sync.get("latest_app_hash", "")
                row["catching_up"] = bool(sync.get("catching_up"))
                row["peers"] = int(rpc.net_info().get("n_peers", 0))
                powers = {v["address"]: int(v["voting_power"]) for v in rpc.validators()}
                row["power"] = powers.get(node["validator_address"], 0)
                row["total_power"] = sum(powers.values())
            except (RpcUnavailable, RpcError, OSError, ValueError, KeyError, TypeError):
                pass
            rows.append(row)
        return rows

    def process_rss(self) -> list[dict]:
        """RSS (kB, from /proc/<pid>/status VmRSS) of every running process."""
        out = []
        for (i, proc), pid in sorted(self.running().items()):
            out.append({"node": i, "process": proc, "pid": pid, "rss_kb": rss_kb(pid)})
        return out


def rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _processes_text(processes: dict) -> str:
    down = [name for name, pid in processes.items() if not pid]
    if not down:
        return "up"
    if len(down) == len(processes):
        return "stopped"
    return "down: " + ",".join(down)


def status_lines(rows: list[dict]) -> list[str]:
    """A plain-text table of Localnet.status() rows."""
    lines = [f"{'node':<5}{'moniker':<9}{'processes':<23}{'height':>7}  {'app hash':<13}{'peers':>5}{'power':>7}"
             "  rpc / grpc"]
    for row in rows:
        height = "-" if row["height"] is None else str(row["height"])
        app_hash = (row["app_hash"] or "-")[:12]
        peers = "-" if row["peers"] is None else str(row["peers"])
        power = "-" if row["power"] is None else str(row["power"])
        lines.append(f"{row['node']:<5}{row['moniker']:<9}{_processes_text(row['processes']):<23}{height:>7}  "
                     f"{app_hash:<13}{peers:>5}{power:>7}  {row['rpc']} / {row['grpc']}")
    return lines
