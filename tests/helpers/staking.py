"""Helpers for staking/hosts tests: genesis with staking params and bonds, host messages.

    app_state = staking_state(make_keys(4), min_collateral=1_000_000, unbonding_blocks=3)
    tx = sign_messages(key, [register_host_msg(key, 7, collateral=2_000_000)], sequence=0)
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sprint.common.v1.coin_pb2 import Coin
from sprint.hosts.v1.tx_pb2 import MsgRegisterHost, MsgUpdateHost
from sprint.staking.v1.tx_pb2 import MsgStake, MsgUnstake

from chain.modules.bank.keys import module_address
from chain.modules.hosts import keys as hosts_keys
from chain.modules.staking import keys as staking_keys
from chain.modules.staking.keys import MODULE_NAME
from chain.tx.builder import pack_any
from chain.tx.crypto import encode_address
from tests.helpers.chain import DENOM, genesis_state, make_key

STAKING_ADDRESS = module_address(MODULE_NAME)
STAKING_BECH32 = encode_address(STAKING_ADDRESS)
STAKING_PREFIXES = staking_keys.PREFIXES
HOSTS_PREFIXES = hosts_keys.PREFIXES


def consensus_pubkey(i: int) -> bytes:
    """The `i`-th deterministic ed25519 public key (32 bytes)."""
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"staking-test-cons-%d" % i).digest())
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def worker_pubkey(i: int) -> bytes:
    return make_key(200 + i).pubkey


def staking_params(min_collateral: int = 1_000_000, unbonding_blocks: int = 3, max_entries: int = 7,
                   min_lockup: int = 0, max_lockup: int = 0, min_release: int | None = None,
                   ban_blocks: int = 50) -> dict:
    """Test staking params: no stake lock-up unless asked, and a fixed-length release
    (min_release_blocks = unbonding_blocks unless given), so reputation does not change lengths."""
    return {"bond_denom": DENOM, "min_collateral": str(min_collateral), "unbonding_blocks": str(unbonding_blocks),
            "max_unbonding_entries": max_entries, "min_lockup_blocks": str(min_lockup),
            "max_lockup_blocks": str(max_lockup),
            "min_release_blocks": str(unbonding_blocks if min_release is None else min_release),
            "ban_blocks": str(ban_blocks)}


def staking_state(keys, bonds: dict | None = None, unbonding: list | None = None, **params) -> dict:
    """genesis_state(keys) plus a staking section; the bonded and unbonding coins are credited to
    the staking module account (bank supply is computed by the chain)."""
    app_state = genesis_state(keys)
    bonds = bonds or {}
    unbonding = unbonding or []
    total = sum(bonds.values()) + sum(int(e["amount"]) for e in unbonding)
    if total:
        app_state["bank"]["balances"].append({"address": STAKING_BECH32,
                                              "coins": [{"denom": DENOM, "amount": str(total)}]})
    app_state["staking"] = {"params": staking_params(**params),
                            "bonds": [{"operator": op, "amount": str(a)} for op, a in bonds.items()],
                            "unbonding": list(unbonding)}
    return app_state


def coin(amount, denom: str = DENOM) -> Coin:
    return Coin(denom=denom, amount=str(amount))


def stake_msg(operator: str, amount, denom: str = DENOM):
    return pack_any(MsgStake(operator=operator, amount=coin(amount, denom)), "/sprint.staking.v1.MsgStake")


def unstake_msg(operator: str, amount, denom: str = DENOM):
    return pack_any(MsgUnstake(operator=operator, amount=coin(amount, denom)), "/sprint.staking.v1.MsgUnstake")


def register_host_msg(key, i: int, collateral=1_000_000, **overrides):
    """MsgRegisterHost for `key` with the i-th consensus/worker keys. `collateral` is an amount, a
    Coin, or None (field left out); overrides replace other fields."""
    if collateral is not None and not isinstance(collateral, Coin):
        collateral = coin(collateral)
    fields = dict(operator=key.bech32, consensus_pubkey=consensus_pubkey(i), worker_pubkey=worker_pubkey(i),
                  endpoint=f"127.0.0.{i + 1}:9090", moniker=f"host{i}", collateral=collateral)
    fields.update(overrides)
    if fields["collateral"] is None:
        del fields["collateral"]
    return pack_any(MsgRegisterHost(**fields), "/sprint.hosts.v1.MsgRegisterHost")


def update_host_msg(operator: str, worker: bytes = b"", endpoint: str = "", moniker: str = ""):
    return pack_any(MsgUpdateHost(operator=operator, worker_pubkey=worker, endpoint=endpoint, moniker=moniker),
                    "/sprint.hosts.v1.MsgUpdateHost")
