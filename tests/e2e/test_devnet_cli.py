"""Devnet + `sprintd` CLI: send from a dev account, see the balance move and the committed tx."""

from __future__ import annotations

from tests.e2e.conftest import sprintd, sprintd_json


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
