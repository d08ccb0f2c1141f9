"""`sprintd q mint kpis|params` and `q rewards vault` against a real devnet (cometbft + sprintd): the
first epoch is measured when the second starts, the KPI table and JSON name every KPI with its
target and distance, and an epoch not measured yet is one line naming why."""

from __future__ import annotations

import json

import pytest

from abci_app.cli.common import CliError
from chain.modules.bank.keys import module_address
from chain.modules.mint.formula import KPI_NAMES
from chain.tx.crypto import encode_address
from tests.e2e.conftest import devnet  # noqa: F401  (the module-scoped devnet fixture)
from tests.helpers.wait import wait_until
from tests.integration.test_inference_cli import run

pytestmark = pytest.mark.e2e


def _kpis(node: str):
    out, err = run("q", "mint", "kpis", "--node", node, "--output", "json")
    return json.loads(out) if err is None else None


def test_mint_queries_on_a_devnet(devnet):  # noqa: F811
    info, _ = devnet
    node = info["grpc_address"]
    data = wait_until(lambda: _kpis(node), 60, "the first measured epoch")
    assert data["schedule"] == "decay" and [k["name"] for k in data["kpis"]["kpis"]] == list(KPI_NAMES)
    assert int(data["kpis"]["minted"]) > 0 and "net_inflation_ppm" in data["kpis"]
    out, err = run("q", "mint", "kpis", "--node", node)
    assert err is None and "verified_compute_mflop" in out and "distance delta" in out
    out, err = run("q", "mint", "kpis", "--epoch", "100000", "--node", node)
    assert isinstance(err, CliError) and "epoch --epoch 100000" in str(err) and "not measured" in str(err)
    out, err = run("q", "mint", "params", "--node", node)
    assert err is None and "schedule: decay" in out and "rails: rho_m" in out
    out, err = run("q", "rewards", "vault", "--node", node, "--output", "json")
    assert err is None and json.loads(out)["address"] == encode_address(module_address("community_vault"))
