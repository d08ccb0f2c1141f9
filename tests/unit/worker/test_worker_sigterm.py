"""`sprint-worker start` stops on SIGTERM like on Ctrl-C: the agent leaves its loop at the next safe
point, the state file is saved, and the process exits 0 (`docker compose stop` sends SIGTERM; a
worker that ignored it was SIGKILLed after the grace period). The real run is checked by
tests/e2e/test_docker_compose.py; here the loop runs in a subprocess with a stand-in follower."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time

SCRIPT = textwrap.dedent("""
    import sys, threading
    from worker.agent.state import StateFile
    from worker.cli import follow, stoppable

    class Follower:  # BlockFollower's interface: a new block every 50 ms, wait_beyond, stop
        def __init__(self):
            self.latest, self.cond, self.stopped = 0, threading.Condition(), False
        def wait_beyond(self, height, timeout):
            with self.cond:
                self.cond.wait_for(lambda: self.latest > height or self.stopped, timeout=timeout)
                return self.latest
        def stop(self):
            with self.cond:
                self.stopped = True
                self.cond.notify_all()

    class Agent:  # SprintAgent.run's loop shape: one step per block until stop()
        def __init__(self, path):
            self.state = StateFile(path)
        def run(self, follower, max_blocks=0, stop=lambda: False):
            last = 0
            while not stop():
                height = follower.wait_beyond(last, timeout=30.0)
                if height <= last:
                    continue
                last = height
                self.state.epoch(1).cursor = height  # in memory only: the stop must save it
                if height == 1:
                    print("ready", flush=True)

    follower = Follower()
    def blocks():
        while not follower.stopped:
            with follower.cond:
                follower.latest += 1
                follower.cond.notify_all()
            threading.Event().wait(0.05)
    if sys.argv[2] == "startup":  # still starting (importing torch, connecting): no agent loop yet
        stoppable(lambda stop: (print("ready", flush=True), threading.Event().wait(60)))
        sys.exit(0)
    threading.Thread(target=blocks, daemon=True).start()
    stoppable(lambda stop: follow(Agent(sys.argv[1]), follower, 0, stop))
""")


def _start(tmp_path, phase: str = "running"):
    state = tmp_path / "sprint-state.json"
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(state), phase], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc, state


def test_sigterm_stops_the_worker_loop_saves_state_and_exits_zero(tmp_path):
    proc, state = _start(tmp_path)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == 0, out
    assert time.monotonic() - sent < 3, "the stop must be prompt (the follower's wait is woken)"
    assert "stopping (SIGTERM): state saved" in out
    saved = json.loads(state.read_text())
    assert saved["epochs"]["1"]["cursor"] >= 1


def test_a_second_sigterm_interrupts_at_once(tmp_path):
    proc, _ = _start(tmp_path)
    # the handler is installed: SIGTERM twice in a row still ends in a clean exit
    proc.send_signal(signal.SIGTERM)
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == 0, out
    assert "stopping" in out


def test_sigterm_during_startup_ends_it_at_once(tmp_path):
    proc, state = _start(tmp_path, "startup")
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "stopping" in out, out
    assert time.monotonic() - sent < 3
    assert not state.exists()  # nothing to save before the agent ran
