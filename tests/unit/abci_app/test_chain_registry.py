"""`sprintd chain-registry`: chain.json / assetlist.json (cosmos/chain-registry) and Keplr's
suggest-chain.json agree with the home's genesis, app.toml and config.toml."""

from __future__ import annotations

import json
import tomllib

import pytest
from click.testing import CliRunner

from abci_app.cli.chain_registry_cmd import chain_registry, write_chain_registry
from abci_app.cli.common import CliError
from abci_app.node_config import NodeConfig
from genesis.devnet import create_devnet_home

BECH32 = {"bech32PrefixAccAddr": "sprint", "bech32PrefixAccPub": "sprintpub",
          "bech32PrefixValAddr": "sprintvaloper", "bech32PrefixValPub": "sprintvaloperpub",
          "bech32PrefixConsAddr": "sprintvalcons", "bech32PrefixConsPub": "sprintvalconspub"}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("registry") / "home"
    create_devnet_home(home, rpc_port=36657, grpc_port=39090)
    config = NodeConfig.load(home)
    config.rest_address = "0.0.0.0:31317"
    config.save(home)
    return home


def _files(home, out) -> dict:
    paths = write_chain_registry(home, out)
    assert [p.name for p in paths] == ["chain.json", "assetlist.json", "suggest-chain.json"]
    return {p.name: json.loads(p.read_text()) for p in paths}


def test_chain_json_matches_genesis_and_config(home, tmp_path):
    genesis = json.loads((home / "config" / "genesis.json").read_text())
    rpc_laddr = tomllib.loads((home / "config" / "config.toml").read_text())["rpc"]["laddr"]
    chain = _files(home, tmp_path)["chain.json"]
    assert chain["chain_id"] == genesis["chain_id"] == "sprint-devnet-1"
    assert chain["chain_name"] == "sprintdevnet" and chain["network_type"] == "devnet"
    assert (chain["bech32_prefix"], chain["slip44"], chain["chain_type"]) == ("sprint", 118, "cosmos")
    (fee,) = chain["fees"]["fee_tokens"]
    assert fee["denom"] == "usprint"
    assert fee["fixed_min_gas_price"] == fee["low_gas_price"] == 0.025  # the auth params' default
    assert fee["low_gas_price"] < fee["average_gas_price"] < fee["high_gas_price"]
    assert chain["staking"]["staking_tokens"] == [{"denom": "usprint"}]
    assert rpc_laddr.endswith(":36657")
    assert chain["apis"]["rpc"][0]["address"] == "http://127.0.0.1:36657"
    assert chain["apis"]["rest"][0]["address"] == "http://127.0.0.1:31317"  # 0.0.0.0 -> a dialable host
    assert chain["apis"]["grpc"][0]["address"] == "127.0.0.1:39090"


def test_assetlist_has_usprint_with_the_sprint_display_unit(home, tmp_path):
    assets = _files(home, tmp_path)["assetlist.json"]
    assert assets["chain_name"] == "sprintdevnet"
    (asset,) = assets["assets"]
    assert (asset["base"], asset["display"], asset["symbol"], asset["type_asset"]) == \
        ("usprint", "SPRINT", "SPRINT", "sdk.coin")
    units = {u["denom"]: u["exponent"] for u in asset["denom_units"]}
    assert units == {"usprint": 0, "SPRINT": 6}


def test_keplr_suggest_chain(home, tmp_path):
    keplr = _files(home, tmp_path)["suggest-chain.json"]
    assert (keplr["chainId"], keplr["rpc"], keplr["rest"]) == \
        ("sprint-devnet-1", "http://127.0.0.1:36657", "http://127.0.0.1:31317")
    assert keplr["bip44"] == {"coinType": 118}
    assert keplr["bech32Config"] == BECH32
    currency = {"coinDenom": "SPRINT", "coinMinimalDenom": "usprint", "coinDecimals": 6}
    assert keplr["currencies"] == [currency] and keplr["stakeCurrency"] == currency
    (fee,) = keplr["feeCurrencies"]
    assert fee["gasPriceStep"] == {"low": 0.025, "average": 0.05, "high": 0.1}
    assert keplr["features"] == []


def test_min_gas_price_comes_from_genesis_auth_params(home, tmp_path):
    other = tmp_path / "home"
    other.mkdir()
    (other / "config").mkdir()
    for name in ("config.toml", "app.toml"):
        (other / "config" / name).write_text((home / "config" / name).read_text())
    genesis = json.loads((home / "config" / "genesis.json").read_text())
    genesis["app_state"]["auth"]["params"] = {"min_gas_price": "0.5", "fee_denom": "usprint"}
    (other / "config" / "genesis.json").write_text(json.dumps(genesis))
    files = _files(other, tmp_path / "out")
    assert files["chain.json"]["fees"]["fee_tokens"][0]["fixed_min_gas_price"] == 0.5
    assert files["suggest-chain.json"]["feeCurrencies"][0]["gasPriceStep"]["low"] == 0.5


def test_cli_writes_into_the_home_by_default(home):
    result = CliRunner().invoke(chain_registry, ["--home", str(home), "--output", "json"])
    assert result.exit_code == 0, result.output
    files = json.loads(result.output)["files"]
    assert files == [str(home / "chain-registry" / n) for n in ("chain.json", "assetlist.json", "suggest-chain.json")]


def test_a_home_without_genesis_is_a_clear_error(tmp_path):
    with pytest.raises(CliError, match="genesis.json not found"):
        write_chain_registry(tmp_path)
