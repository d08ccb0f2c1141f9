"""grpcurl (the Go gRPC client, reflection only: no .proto files) against a real devnet: it lists the
services, describes each, and every listed method answers something other than UNIMPLEMENTED when
called with a minimal JSON body. A balance and an account (an Any) decode through reflection."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CALL_SECONDS = "3"  # -max-time per call: server streams (block events, health Watch) end as DeadlineExceeded
_RPC_LINE = re.compile(r"^\s*rpc (\w+) \(")


@pytest.fixture(scope="module")
def grpcurl() -> str:
    """The grpcurl binary, installed with scripts/install_grpcurl.sh (go install, pinned) when missing."""
    try:
        found = subprocess.run([str(REPO / "scripts" / "install_grpcurl.sh")], capture_output=True, text=True,
                               timeout=900)
    except subprocess.TimeoutExpired:
        found = None
    if found is None or found.returncode != 0:
        reason = "timed out" if found is None else found.stderr.strip()[-400:]
        if os.environ.get("CI"):
            pytest.fail(f"grpcurl is required in CI: {reason}")
        pytest.skip(f"grpcurl not available: {reason}")
    return found.stdout.strip().splitlines()[-1]


def _run(grpcurl: str, address: str, *args: str, body: str | None = None) -> subprocess.CompletedProcess:
    command = [grpcurl, "-plaintext", "-max-time", CALL_SECONDS]
    if body is not None:
        command += ["-d", body]
    return subprocess.run(command + [address, *args], capture_output=True, text=True, timeout=30)


def _services(grpcurl: str, address: str) -> list[str]:
    listed = _run(grpcurl, address, "list")
    assert listed.returncode == 0, listed.stderr
    return listed.stdout.split()


def _methods(grpcurl: str, address: str, service: str) -> list[str]:
    described = _run(grpcurl, address, "describe", service)
    assert described.returncode == 0, f"describe {service}: {described.stderr}"
    return [m.group(1) for m in map(_RPC_LINE.match, described.stdout.splitlines()) if m]


def test_grpcurl_lists_describes_and_calls_every_method(devnet, grpcurl):
    _, processes = devnet
    address = processes.grpc_address
    services = _services(grpcurl, address)
    assert {"cosmos.bank.v1beta1.Query", "cosmos.tx.v1beta1.Service", "cosmos.base.tendermint.v1beta1.Service",
            "cosmos.reflection.v1.ReflectionService", "sprint.node.v1.Events"} <= set(services)
    calls, unimplemented = 0, []
    for service in services:
        methods = _methods(grpcurl, address, service)
        assert methods, f"reflection describes no method for {service}"
        for method in methods:
            result = _run(grpcurl, address, f"{service}/{method}", body="{}")
            calls += 1
            if "Code: Unimplemented" in result.stdout + result.stderr:
                unimplemented.append(f"{service}/{method}: {result.stderr.strip()[:200]}")
    assert calls > 40
    assert unimplemented == []


def test_grpcurl_decodes_answers_through_reflection(devnet, grpcurl):
    info, processes = devnet
    address = info["accounts"][0]["address"]
    balance = _run(grpcurl, processes.grpc_address, "cosmos.bank.v1beta1.Query/Balance",
                   body=json.dumps({"address": address, "denom": "usprint"}))
    assert balance.returncode == 0, balance.stderr
    assert json.loads(balance.stdout)["balance"]["denom"] == "usprint"
    account = _run(grpcurl, processes.grpc_address, "cosmos.auth.v1beta1.Query/Account",
                   body=json.dumps({"address": address}))
    assert account.returncode == 0, account.stderr
    assert json.loads(account.stdout)["account"]["@type"] == "/cosmos.auth.v1beta1.BaseAccount"
    block = _run(grpcurl, processes.grpc_address, "cosmos.base.tendermint.v1beta1.Service/GetLatestBlock")
    assert block.returncode == 0, block.stderr
    latest = json.loads(block.stdout)
    header = (latest.get("sdkBlock") or latest["sdk_block"])["header"]
    assert (header.get("proposerAddress") or header["proposer_address"]).startswith("sprintvalcons1")
