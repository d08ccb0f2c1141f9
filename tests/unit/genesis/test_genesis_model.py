"""Genesis ships the generated "tiny-lm": its Model entry in app_state.inference and its weights in
every node home's blob store, with the hash the entry names."""

from __future__ import annotations

import hashlib
import json

import pytest

from abci_app.blobs.store import BlobStore
from abci_app.cli.common import CliError
from abci_app.ports import free_port
from genesis.app_state import GenesisError, add_genesis_models
from genesis.tiny_lm import generate_tiny_lm, tiny_lm_config


def _check_home(home, model: dict) -> None:
    data = BlobStore.for_home(home).read(model["weights_sha256"])
    assert data is not None, f"{home} lacks the tiny-lm blob"
    assert hashlib.sha256(data).hexdigest() == model["weights_sha256"]
    assert str(len(data)) == model["weights_size"]
    assert data == generate_tiny_lm(5)


def test_add_genesis_models_entry():
    app_state: dict = {}
    blobs = add_genesis_models(app_state)
    [model] = app_state["inference"]["models"]
    assert model["name"] == "tiny-lm" and model["config"] == tiny_lm_config()
    assert model["price_per_token"] == "100" and model["init_seed"] == "5"
    assert list(blobs) == [model["weights_sha256"]]
    with pytest.raises(GenesisError, match="listed twice"):
        add_genesis_models(app_state)


def test_devnet_home_has_the_model_and_its_blob(tmp_path):
    from abci_app.cometbft import find_cometbft
    from genesis.devnet import create_devnet_home

    try:
        find_cometbft()
    except CliError as err:
        pytest.skip(f"cometbft not installed: {err}")
    home = tmp_path / "home"
    create_devnet_home(home, p2p_port=free_port(), rpc_port=free_port(), abci_port=free_port(),
                       grpc_port=free_port())
    genesis = json.loads((home / "config/genesis.json").read_text())
    [model] = genesis["app_state"]["inference"]["models"]
    assert model["name"] == "tiny-lm"
    _check_home(home, model)


def test_every_testnet_node_home_has_the_blob(tmp_path):
    from genesis.testnet import init_testnet

    info = init_testnet(tmp_path / "net", validators=2, seed="blobs")
    homes = [tmp_path / "net" / node["home"] for node in info["nodes"]]
    genesis = json.loads((homes[0] / "config/genesis.json").read_text())
    [model] = genesis["app_state"]["inference"]["models"]
    for home in homes:
        _check_home(home, model)
