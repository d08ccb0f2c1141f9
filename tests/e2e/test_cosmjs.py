"""CosmJS (pinned in tests/clients/cosmjs/package-lock.json) against a real devnet: getAccount of a
fresh address is null, sendTokens with "auto" fee (Simulate through abci_query), an amino-only
signer (SIGN_MODE_LEGACY_AMINO_JSON), QueryClient bank/auth/tx extensions, getTx and searchTx.

`npm ci` installs into tests/clients/cosmjs/node_modules (gitignored) once; later runs reuse it
while package-lock.json is unchanged. Needs Node.js >= 18 and npm (skipped without them, failed in
CI). Run under the e2e flock."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import require_cometbft, start_devnet_with_rest

CLIENT_DIR = Path(__file__).resolve().parents[1] / "clients" / "cosmjs"
STAMP = CLIENT_DIR / "node_modules" / ".sprint-lock-sha256"
CHECKS = ["chain_id", "get_account_fresh_is_null", "get_balance", "send_tokens_auto_fee", "amino_only_signer_send",
          "get_tx", "search_tx", "get_account_after_send", "query_client_extensions", "rest_matches_cosmjs"]


def _require_node() -> None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} required in CI for the CosmJS checks")
        pytest.skip(f"{', '.join(missing)} not installed")


def npm_ci() -> None:
    """`npm ci` unless node_modules already matches package-lock.json."""
    lock = hashlib.sha256((CLIENT_DIR / "package-lock.json").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == lock:
        return
    result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=CLIENT_DIR, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"npm ci failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    STAMP.write_text(lock)


@pytest.fixture(scope="module")
def cosmjs_results(tmp_path_factory) -> dict:
    _require_node()
    require_cometbft()
    npm_ci()
    info, processes, base = start_devnet_with_rest(tmp_path_factory.mktemp("devnet") / "home")
    try:
        env = {**os.environ, "SPRINT_RPC": processes.rpc_url, "SPRINT_REST": base,
               "SPRINT_CHAIN_ID": info["chain_id"], "SPRINT_DENOM": "usprint",
               "SPRINT_MNEMONICS": json.dumps([a["mnemonic"] for a in info["accounts"][:3]])}
        run = subprocess.run(["node", "check.mjs"], cwd=CLIENT_DIR, env=env, capture_output=True, text=True,
                             timeout=240)
    finally:
        processes.stop()
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert lines and lines[-1] == {"done": True}, f"check.mjs did not finish (rc {run.returncode}):\n" \
                                                  f"{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return {line["check"]: line for line in lines[:-1]}


@pytest.mark.parametrize("check", CHECKS)
def test_cosmjs_check(cosmjs_results, check):
    result = cosmjs_results.get(check)
    assert result is not None, f"check {check} did not run: {sorted(cosmjs_results)}"
    assert result["ok"], f"CosmJS check {check} failed: {result['detail']}"
