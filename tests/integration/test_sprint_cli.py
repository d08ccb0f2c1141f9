"""`sprintd q sprint ...` against a real gRPC server over an in-process App after one settled epoch."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from abci_app.cli.main import cli
from abci_app.grpc.server import build_grpc_server
from abci_app.ports import free_port
from tests.helpers.sprint import SprintNet


@pytest.fixture(scope="module")
def served():
    net = SprintNet(3, params={"max_power_bps": 10_000})
    net.commit_and_reveal([0, 1])
    net.prove({0: [9, 4, 6], 1: [2]})
    net.vote_all()
    net.settle()
    address = f"127.0.0.1:{free_port()}"
    server = build_grpc_server(net.app, None, address, max_workers=2)
    server.start()
    try:
        yield net, address
    finally:
        server.stop(0)


def sprintd(address: str, tmp_path, *args) -> dict:
    result = CliRunner().invoke(cli, ["q", "sprint", *args, "--node", address, "--home", str(tmp_path),
                                      "--output", "json"], standalone_mode=False)
    assert result.exception is None, result.exception
    return json.loads(result.output)


def test_sprint_queries_through_the_cli(served, tmp_path):
    net, address = served
    assert sprintd(address, tmp_path, "params")["params"]["commit_blocks"] == "2"
    epoch = sprintd(address, tmp_path, "epoch")
    assert epoch["height"] == "10" and epoch["epoch"]["phase"] == "PHASE_VALIDATION"
    assert epoch["epoch"]["seed"] == net.epoch().epoch.seed.hex()
    weights = sprintd(address, tmp_path, "weights")
    assert [w["weight"] for w in weights["weights"]] == [str(net.host_weights()[net.index_of(w["host"])])
                                                         for w in weights["weights"]]
    assert weights["total_weight"] == "4" and weights["total_power"] == "4"
    host0 = net.hosts[0].bech32
    summary = sprintd(address, tmp_path, "summary", host0, "--epoch", "0")["summary"]
    assert summary["status"] == "PROOF_STATUS_ACCEPTED" and summary["settled_weight"] == "3"
    proofs = sprintd(address, tmp_path, "proofs", host0)
    assert [p["nonce"] for p in proofs["proofs"]] == ["4", "6", "9"]
    votes = sprintd(address, tmp_path, "validations", host0)["validations"]
    assert sorted(v["validator"] for v in votes) == sorted(net.summary(0).validators)
    provers = sprintd(address, tmp_path, "assignments", net.hosts[2].bech32, "--epoch", "0")["provers"]
    assert sorted(provers) == sorted([net.hosts[0].bech32, net.hosts[1].bech32])


def test_cli_errors_are_one_sentence(served, tmp_path):
    net, address = served
    runner = CliRunner()
    missing = runner.invoke(cli, ["q", "sprint", "summary", net.hosts[2].bech32, "--epoch", "0", "--node", address,
                                  "--home", str(tmp_path)], standalone_mode=False)
    assert "did not take part in epoch 0" in str(missing.exception)
    future = runner.invoke(cli, ["q", "sprint", "epoch", "7", "--node", address, "--home", str(tmp_path)],
                           standalone_mode=False)
    assert "epoch 7 has not started yet" in str(future.exception)
