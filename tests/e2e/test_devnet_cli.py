"""Devnet + `sprintd` CLI: send from a dev account, see the balance move and the committed tx."""

from __future__ import annotations

from tests.e2e.conftest import sprintd, sprintd_json
from tests.helpers.wait import wait_until


def _balance(home: str, address: str) -> int:
    return int(sprintd_json("q", "bank", "balance", address, "--home", home)["balance"]["amount"])


def test_cli_send_query_balance_and_tx(devnet):
    info, _ = devnet
    home = info["home"]
    alice, bob = info["accounts"][0], info["accounts"][1]
    bob_before = _balance(home, bob["address"])
    alice_before = _balance(home, alice["address"])

    sent = sprintd_json("tx", "bank", "send", "alice", bob["address"], "4242usprint", "--home", home,
                        "--keyring-backend", "test", "--yes", "--wait")
    assert sent["code"] == 0, sent
    fee = int(sent["events"] and next(a["value"] for e in sent["events"] if e["type"] == "tx"
                                      for a in e["attributes"] if a["key"] == "fee")[:-len("usprint")])

    assert _balance(home, bob["address"]) == bob_before + 4242
    assert _balance(home, alice["address"]) == alice_before - 4242 - fee

    shown = sprintd_json("q", "tx", sent["txhash"], "--home", home)
    assert shown["code"] == 0 and int(shown["height"]) > 0
    types = [e["type"] for e in shown["events"]]
    assert "transfer" in types and "message" in types
    transfer = next(e for e in shown["events"] if e["type"] == "transfer" and
                    any(a["value"] == "4242usprint" for a in e["attributes"]))
    assert {"recipient": bob["address"], "sender": alice["address"]}.items() <= \
        {a["key"]: a["value"] for a in transfer["attributes"]}.items()

    text = sprintd("q", "tx", sent["txhash"], "--home", home)
    assert text.returncode == 0 and "code: 0" in text.stdout


def test_cli_errors_are_one_line(devnet):
    info, _ = devnet
    home = info["home"]
    bad = sprintd("tx", "bank", "send", "alice", "sprint1notanaddress", "5usprint", "--home", home,
                  "--keyring-backend", "test", "--yes")
    assert bad.returncode == 1
    assert bad.stderr.strip().startswith("Error:") and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1

    broke = sprintd("tx", "bank", "send", "alice", info["accounts"][1]["address"], f"{10**18}usprint",
                    "--home", home, "--keyring-backend", "test", "--yes")
    assert broke.returncode == 1 and "insufficient funds" in broke.stderr and "Traceback" not in broke.stderr

    missing = sprintd("q", "tx", "AA" * 32, "--home", home)
    assert missing.returncode == 1 and "not found" in missing.stderr


def test_worker_connects_and_follows_blocks(devnet):
    """The devnet's validator is a registered host: its worker key commits and reveals a seed share
    (11-block epochs: a commit phase is reached within one epoch), and the chain settles the host."""
    import re
    import subprocess
    import sys

    from tests.e2e.conftest import DEVNET_EPOCH_BLOCKS

    info, processes = devnet
    home, host = info["home"], info["host"]
    blocks = DEVNET_EPOCH_BLOCKS + 7  # up to an epoch to reach a commit phase, then commit + reveal
    run = subprocess.run([sys.executable, "-m", "worker.cli", "start", "--home", home, "--key", "worker",
                          "--keyring-backend", "test", "--max-blocks", str(blocks), "--threads", "1",
                          "--device", "cpu"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert f"worker {host['worker']['address']} connected" in run.stdout
    assert f"host {host['operator']['address']} on cpu" in run.stdout
    commits = set(re.findall(r"epoch (\d+): seed commit: sent", run.stdout))
    reveals = set(re.findall(r"epoch (\d+): seed reveal: sent", run.stdout))
    assert commits & reveals, run.stdout
    epoch = min(commits & reveals, key=int)

    end = int(sprintd_json("q", "sprint", "epoch", epoch, "--home", home)["epoch"]["end_height"])
    processes.wait_for_height(end, timeout=30)  # the chain settles the epoch without the worker
    summary = sprintd_json("q", "sprint", "summary", host["operator"]["address"], "--epoch", epoch,
                           "--home", home)["summary"]
    assert summary.get("committed") and summary.get("revealed"), (summary, run.stdout)
    assert summary["status"] == "PROOF_STATUS_ACCEPTED", (summary, run.stdout)


# ---------------------------------------------------------------- `sprintd devnet` as a user runs it


class _DevnetCommand:
    """`sprintd devnet` in a subprocess on free ports, its stdout/stderr collected by threads."""

    def __init__(self, home):
        import subprocess
        import sys
        import threading

        from abci_app.ports import free_port

        self.home = home
        self.rpc_port = free_port()
        args = ["devnet", "--home", str(home), "--worker-threads", "1", "--p2p-port", str(free_port()),
                "--rpc-port", str(self.rpc_port), "--abci-port", str(free_port()), "--grpc-port", str(free_port())]
        self.proc = subprocess.Popen([sys.executable, "-m", "abci_app.cli.main", *args], text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, sink=lines: sink.extend(iter(s.readline, "")),
                             daemon=True).start()

    def _alive(self) -> None:
        assert self.proc.poll() is None, "sprintd devnet exited early"

    def wait_for(self, predicate, timeout: float, what: str):
        try:
            return wait_until(predicate, timeout, what, alive=self._alive)
        except AssertionError as err:
            raise AssertionError(f"{err}: {''.join(self.out + self.err)}") from None

    def worker_pid(self) -> int:
        import re

        line = self.wait_for(lambda: next((x for x in self.out if "Press Ctrl-C" in x), None), 90, "the devnet")
        assert line
        return int(re.search(r"worker\s+: running \(pid (\d+)\)", "".join(self.out)).group(1))

    def worker_log(self) -> str:
        path = self.home / "logs" / "worker.log"
        return path.read_text() if path.exists() else ""

    def height(self) -> int:
        import json
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{self.rpc_port}/status", timeout=2) as resp:
            return int(json.loads(resp.read())["result"]["sync_info"]["latest_block_height"])

    def interrupt(self, timeout: float = 60) -> int:
        import signal

        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sprintd_devnet_runs_the_host_worker_and_stops_it_on_ctrl_c(tmp_path):
    from tests.e2e.conftest import require_cometbft

    require_cometbft()
    devnet = _DevnetCommand(tmp_path / "dv")
    try:
        pid = devnet.worker_pid()
        assert "starting sprintd, cometbft and sprint-worker" in "".join(devnet.out)
        assert "host devnet-validator: operator key operator" in "".join(devnet.out)
        devnet.wait_for(lambda: " connected to " in devnet.worker_log() and "host sprint1" in devnet.worker_log(),
                        60, "the worker to connect as the host's worker")
        assert devnet.interrupt() == 0, "".join(devnet.err)
    finally:
        devnet.kill()
    out = "".join(devnet.out)
    assert "stopping sprint-worker, cometbft and sprintd" in out and "devnet stopped." in out
    assert not _alive(pid)
    assert devnet.worker_log().rstrip().endswith("stopping"), devnet.worker_log()[-2000:]
    assert "Traceback" not in devnet.worker_log()


def test_sprintd_devnet_keeps_the_chain_running_when_the_worker_dies(tmp_path):
    import os
    import signal

    from tests.e2e.conftest import require_cometbft

    require_cometbft()
    devnet = _DevnetCommand(tmp_path / "dv")
    try:
        pid = devnet.worker_pid()
        os.kill(pid, signal.SIGKILL)
        devnet.wait_for(lambda: any("WARNING: sprint-worker was killed by SIGKILL; the devnet keeps running"
                                    in line for line in devnet.err), 15, "the worker warning")
        before = devnet.height()
        devnet.wait_for(lambda: devnet.height() >= before + 2, 20, "blocks after the worker died")
        assert devnet.interrupt() == 0, "".join(devnet.err)
    finally:
        devnet.kill()
    assert "devnet stopped." in "".join(devnet.out)
