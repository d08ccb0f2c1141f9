"""Localnet process bookkeeping without CometBFT: pid files are trusted only for our own processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from abci_app.localnet_runner import Localnet, LocalnetError, status_lines
from genesis.testnet import init_testnet


@pytest.fixture
def net(tmp_path):
    init_testnet(tmp_path / "net", validators=2, seed="runner", base_port=27310, grpc_port=27320)
    return Localnet(tmp_path / "net")


def test_stale_or_foreign_pid_files_are_ignored_and_never_signalled(net):
    net.run_dir.mkdir()
    net.pid_path(0, "node").write_text(f"{os.getpid()}\n")  # alive, but not a process of this localnet
    net.pid_path(1, "cometbft").write_text("999999999\n")  # no such process
    net.pid_path(1, "worker").write_text("garbage\n")
    assert net.running() == {}
    assert net.stop(timeout=1) == []
    assert not list(net.run_dir.iterdir())


def test_stop_terminates_processes_that_name_the_node_home(net):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(net.home(1))])
    try:
        net.run_dir.mkdir()
        net.pid_path(1, "node").write_text(f"{proc.pid}\n")
        assert net.running() == {(1, "node"): proc.pid}
        assert net.stop(timeout=5) == ["node1 node"]
        assert proc.wait(timeout=5) is not None
        assert net.running() == {}
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_status_of_a_stopped_localnet(net):
    rows = net.status()
    assert [r["height"] for r in rows] == [None, None]
    lines = status_lines(rows)
    assert lines[0].split()[:3] == ["node", "moniker", "processes"]
    assert all("stopped" in line for line in lines[1:])


def test_start_refuses_busy_ports_and_starts_nothing(net):
    node = net.nodes[1]
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind((node["host"], node["rpc_port"]))
        busy.listen()
        with pytest.raises(LocalnetError, match=f"node1 RPC port {node['host']}:{node['rpc_port']} is already in use"):
            net.start(workers=False, ready_timeout=5)
    # start() checks every port before it spawns anything, so there is no process to wait for: no
    # process log was ever opened (every spawn opens one first, and stop() keeps logs).
    assert not [path for i in range(len(net)) for proc in ("node", "cometbft", "worker")
                if (path := net.log_path(i, proc)).exists()]
    assert net.running() == {}


def test_compose_testnets_are_not_run_as_localnets(tmp_path):
    init_testnet(tmp_path / "c", validators=1, hostnames=["validator0"], seed="c")
    with pytest.raises(LocalnetError, match="docker compose"):
        Localnet(tmp_path / "c")


def test_empty_cmdline_right_after_exec_is_read_again(net, monkeypatch):
    """Just after exec the kernel shows an empty /proc/<pid>/cmdline for a moment: not a dead process."""
    import abci_app.localnet_runner as runner

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(net.home(0))])
    try:
        net.run_dir.mkdir()
        net.pid_path(0, "cometbft").write_text(f"{proc.pid}\n")
        real, calls = runner._cmdline, []

        def flaky(pid):
            calls.append(pid)
            return "" if len(calls) <= 2 else real(pid)

        monkeypatch.setattr(runner, "_cmdline", flaky)
        assert net.pid(0, "cometbft") == proc.pid and len(calls) == 3
    finally:
        proc.kill()
        proc.wait()
