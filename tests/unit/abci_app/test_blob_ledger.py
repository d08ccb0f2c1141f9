"""UploadLedger: quotas, release, persistence across restarts, and a SIGKILLed writer never leaves
an unreadable ledger (the charges made before the kill are all there)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from abci_app.blobs.ledger import QuotaError, UploadLedger

WRITER = """
import sys
from abci_app.blobs.ledger import UploadLedger
ledger = UploadLedger(sys.argv[1])
for i in range(1_000_000):
    ledger.reserve("sprint1writer", 1, 10**12, 10**12)
    print(i + 1, flush=True)
"""


def test_quotas_release_and_restart(tmp_path):
    ledger = UploadLedger(tmp_path / "uploads.json")
    ledger.reserve("a", 600, per_uploader=1000, total=1500)
    with pytest.raises(QuotaError, match="quota of 1000"):
        ledger.reserve("a", 401, per_uploader=1000, total=1500)
    ledger.reserve("b", 900, per_uploader=1000, total=1500)
    with pytest.raises(QuotaError, match="blob quota of 1500"):
        ledger.reserve("c", 1, per_uploader=1000, total=1500)
    ledger.release("b", 900)
    again = UploadLedger(tmp_path / "uploads.json")
    assert (again.used("a"), again.used("b"), again.total()) == (600, 0, 600)
    assert json.loads((tmp_path / "uploads.json").read_text()) == {"version": 1, "uploaders": {"a": 600}}


def test_a_malformed_ledger_is_a_clear_error(tmp_path):
    (tmp_path / "uploads.json").write_text("{not json")
    with pytest.raises(RuntimeError, match="unreadable.*delete it"):
        UploadLedger(tmp_path / "uploads.json")


def test_kill_9_mid_write_keeps_every_acknowledged_charge(tmp_path):
    path = tmp_path / "uploads.json"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                            cwd=os.getcwd())
    acknowledged = 0
    deadline = time.monotonic() + 30
    try:
        while acknowledged < 200 and time.monotonic() < deadline:
            acknowledged = int(proc.stdout.readline() or acknowledged)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    printed = [int(line) for line in proc.stdout.read().split()]
    acknowledged = max([acknowledged] + printed)
    assert acknowledged >= 200
    used = UploadLedger(path).used("sprint1writer")
    assert acknowledged <= used <= acknowledged + 1  # at most the one write in flight when killed
