"""`sprintd chain-registry`: the files wallets and explorers need to add a network this node runs.

Writes, from <home>/config/genesis.json, app.toml and config.toml:
- chain.json and assetlist.json in the cosmos/chain-registry schema (chain name, id, bech32 prefix,
  slip44 118, fee token with the genesis min gas price, staking token, rpc/rest/grpc endpoints; the
  usprint asset with its SPRINT display unit from the bank denom metadata);
- suggest-chain.json: the ChainInfo object Keplr's `experimentalSuggestChain` takes (Leap accepts
  the same shape).
"""

from __future__ import annotations

import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import click

from abci_app.cli.common import CliError, emit, home_option, output_option
from abci_app.node_config import NodeConfig
from chain.modules.auth.genesis import parse_params
from chain.modules.bank.metadata import default_metadata, parse_metadata

ACCOUNT_PREFIX = "sprint"
SLIP44 = 118
# Keplr's gas price steps: low is the chain's minimum, the others are what a busy block may need.
GAS_PRICE_STEPS = {"low": Decimal(1), "average": Decimal(2), "high": Decimal(4)}
FILES = ("chain.json", "assetlist.json", "suggest-chain.json")


def bech32_config(prefix: str = ACCOUNT_PREFIX) -> dict:
    return {"bech32PrefixAccAddr": prefix, "bech32PrefixAccPub": f"{prefix}pub",
            "bech32PrefixValAddr": f"{prefix}valoper", "bech32PrefixValPub": f"{prefix}valoperpub",
            "bech32PrefixConsAddr": f"{prefix}valcons", "bech32PrefixConsPub": f"{prefix}valconspub"}


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise CliError(f"{path} not found: run 'sprintd init' or 'sprintd devnet --init-only' for this --home") from None
    except ValueError as err:
        raise CliError(f"{path} is not valid JSON ({err}); restore it from the network's genesis") from None


def _url(address: str, scheme: str = "http") -> str:
    """A listen address (tcp://0.0.0.0:26657, 127.0.0.1:1317) as a URL clients can use."""
    host_port = address.split("://", 1)[-1]
    host, _, port = host_port.rpartition(":")
    if host in ("0.0.0.0", "", "::"):
        host = "127.0.0.1"
    return f"{scheme}://{host}:{port}"


def network_settings(home: str | Path) -> dict:
    """What the registry files are made of: chain id, fee params, the native asset and endpoints."""
    home = Path(home)
    genesis = _read_json(home / "config" / "genesis.json")
    app_state = genesis.get("app_state") or {}
    try:
        params = parse_params((app_state.get("auth") or {}).get("params"))
        bank = app_state.get("bank") or {}
        metadata = parse_metadata(bank["denom_metadata"]) if "denom_metadata" in bank else default_metadata()
        node = NodeConfig.load(home)
    except FileNotFoundError as err:
        raise CliError(str(err)) from None
    except ValueError as err:
        raise CliError(f"{home}: {err}") from None
    asset = next((m for m in metadata if m.base == params.fee_denom), None)
    if asset is None:
        raise CliError(f"genesis has no bank denom_metadata for the fee denom {params.fee_denom!r}; add it")
    try:
        config = tomllib.loads((home / "config" / "config.toml").read_text())
    except (FileNotFoundError, tomllib.TOMLDecodeError) as err:
        raise CliError(f"cannot read {home / 'config' / 'config.toml'}: {err}") from None
    return {"chain_id": genesis["chain_id"], "min_gas_price": Decimal(params.min_gas_price),
            "fee_denom": params.fee_denom, "asset": asset,
            "rpc": _url(config["rpc"]["laddr"]),
            "rest": _url(node.rest_address) if node.rest_address else "",
            "grpc": node.grpc_address.split("://", 1)[-1]}


def _display_exponent(asset) -> int:
    return next(u.exponent for u in asset.denom_units if u.denom == asset.display)


def _chain_name(chain_id: str) -> str:
    return re.sub(r"[^a-z0-9]", "", chain_id.lower().rsplit("-", 1)[0]) or "sprint"


def _network_type(chain_id: str) -> str:
    for kind in ("devnet", "testnet"):
        if kind in chain_id:
            return kind
    return "devnet" if "localnet" in chain_id else "mainnet"


def _number(value: Decimal) -> float | int:
    """A JSON number for a decimal gas price (exact for the short decimals used here)."""
    return int(value) if value == value.to_integral_value() else float(value)


def chain_json(s: dict) -> dict:
    low = s["min_gas_price"]
    fee_token = {"denom": s["fee_denom"], "fixed_min_gas_price": _number(low),
                 **{f"{step}_gas_price": _number(low * factor) for step, factor in GAS_PRICE_STEPS.items()}}
    apis = {"rpc": [{"address": s["rpc"], "provider": "this node"}],
            "grpc": [{"address": s["grpc"], "provider": "this node"}]}
    if s["rest"]:
        apis["rest"] = [{"address": s["rest"], "provider": "this node"}]
    return {
        "$schema": "../chain.schema.json", "chain_name": _chain_name(s["chain_id"]), "chain_type": "cosmos",
        "status": "live", "network_type": _network_type(s["chain_id"]), "pretty_name": s["chain_id"],
        "chain_id": s["chain_id"], "bech32_prefix": ACCOUNT_PREFIX, "bech32_config": bech32_config(),
        "daemon_name": "sprintd", "node_home": "$HOME/.sprintd", "key_algos": ["secp256k1"], "slip44": SLIP44,
        "fees": {"fee_tokens": [fee_token]}, "staking": {"staking_tokens": [{"denom": s["fee_denom"]}]},
        "codebase": {"consensus": {"type": "cometbft", "version": "0.38"}}, "apis": apis,
    }


def assetlist_json(s: dict) -> dict:
    asset = s["asset"]
    units = [{"denom": u.denom, "exponent": u.exponent, **({"aliases": list(u.aliases)} if u.aliases else {})}
             for u in asset.denom_units]
    entry = {"description": asset.description, "denom_units": units, "base": asset.base,
             "name": asset.name or asset.display, "display": asset.display, "symbol": asset.symbol or asset.display,
             "type_asset": "sdk.coin"}
    return {"$schema": "../assetlist.schema.json", "chain_name": _chain_name(s["chain_id"]), "assets": [entry]}


def suggest_chain_json(s: dict) -> dict:
    asset, low = s["asset"], s["min_gas_price"]
    currency = {"coinDenom": asset.symbol or asset.display, "coinMinimalDenom": asset.base,
                "coinDecimals": _display_exponent(asset)}
    steps = {step: _number(low * factor) for step, factor in GAS_PRICE_STEPS.items()}
    return {"chainId": s["chain_id"], "chainName": s["chain_id"], "rpc": s["rpc"], "rest": s["rest"],
            "bip44": {"coinType": SLIP44}, "bech32Config": bech32_config(), "currencies": [currency],
            "feeCurrencies": [{**currency, "gasPriceStep": steps}], "stakeCurrency": currency, "features": []}


def write_chain_registry(home: str | Path, output_dir: str | Path | None = None) -> list[Path]:
    """Write the three files into `output_dir` (default <home>/chain-registry); returns their paths."""
    settings = network_settings(home)
    out = Path(output_dir) if output_dir else Path(home) / "chain-registry"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in zip(FILES, (chain_json, assetlist_json, suggest_chain_json)):
        path = out / name
        path.write_text(json.dumps(build(settings), indent=2) + "\n")
        paths.append(path)
    return paths


@click.command("chain-registry")
@home_option
@click.option("--output-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write the files [default: <home>/chain-registry].")
@output_option
def chain_registry(home: str, output_dir: str | None, output: str) -> None:
    """Write chain.json + assetlist.json (cosmos/chain-registry) and Keplr's suggest-chain.json."""
    paths = write_chain_registry(home, output_dir)
    emit({"files": [str(p) for p in paths]}, output, [f"wrote {p}" for p in paths])
