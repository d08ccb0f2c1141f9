"""staking genesis: default, validate, init, export (export -> init round-trips).

app_state["staking"] = GenesisState as proto JSON, e.g.

    {"params": {"bond_denom": "usprint", "min_collateral": "1000000000", "unbonding_blocks": "100800",
                "max_unbonding_entries": 7},
     "bonds": [{"operator": "sprint1…", "amount": "10000000000"}],
     "unbonding": [{"operator": "sprint1…", "amount": "5", "completion_height": "120",
                    "creation_height": "20"}],
     "locks": [{"operator": "sprint1…", "amount": "7", "unlock_height": "300"}]}

Omitted params fields take their defaults. Locks (still-locked newly staked collateral) are optional;
genesis bonds without a lock are unlocked. The coins must exist: the bank genesis must give the
"staking" module account a bond_denom balance equal to sum(bonds) + sum(unbonding).
When app_state has a "staking" section, every genesis host holding power (active, weight > 0) must
be bonded with at least min_collateral (`check_genesis_hosts`, run by the registry once hosts are
loaded).
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf import json_format
from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_ACTIVE
from sprint.staking.v1.staking_pb2 import GenesisState, Params, StakeLock, UnbondingEntry

from chain.coins import parse_amount
from chain.errors import ErrInvalidRequest, TxError
from chain.modules.staking.keeper import StakingKeeper
from chain.modules.staking.params import default_params, min_collateral, validate_params
from chain.tx.crypto import AddressError, decode_address, encode_address


@dataclass
class ValidGenesis:
    params: Params
    bonds: list[tuple[bytes, int]]
    unbonding: list[tuple[bytes, UnbondingEntry]]
    locks: list[tuple[bytes, int, int]]

    def total(self) -> int:
        return sum(a for _, a in self.bonds) + sum(int(e.amount) for _, e in self.unbonding)


def default_genesis() -> dict:
    return {"params": json_format.MessageToDict(default_params(), preserving_proto_field_name=True),
            "bonds": [], "unbonding": [], "locks": []}


def parse_genesis(state: dict | None) -> GenesisState:
    genesis = GenesisState(params=default_params())
    if state:
        try:
            json_format.ParseDict(state, genesis)
        except json_format.ParseError as err:
            raise ErrInvalidRequest(f"staking genesis: {err}") from err
    return genesis


def _operator(text: str, where: str) -> bytes:
    try:
        return decode_address(text)
    except AddressError as err:
        raise ErrInvalidRequest(f"{where}: operator: {err}") from err


def _amount(text: str, where: str) -> int:
    try:
        return parse_amount(text)
    except TxError as err:
        raise ErrInvalidRequest(f"{where}: amount: {err.log}") from err


def _validate_bonds(genesis: GenesisState) -> list[tuple[bytes, int]]:
    bonds, seen = [], {}
    for index, bond in enumerate(genesis.bonds):
        where = f"staking genesis: bonds[{index}]"
        operator = _operator(bond.operator, where)
        if operator in seen:
            raise ErrInvalidRequest(f"{where}: operator {bond.operator} is also bonds[{seen[operator]}]")
        seen[operator] = index
        bonds.append((operator, _amount(bond.amount, where)))
    return bonds


def _validate_unbonding(genesis: GenesisState) -> list[tuple[bytes, UnbondingEntry]]:
    entries, seen, per_operator = [], {}, {}
    for index, entry in enumerate(genesis.unbonding):
        where = f"staking genesis: unbonding[{index}]"
        operator = _operator(entry.operator, where)
        _amount(entry.amount, where)
        if entry.completion_height < 1 or not 0 <= entry.creation_height <= entry.completion_height:
            raise ErrInvalidRequest(f"{where}: need 0 <= creation_height <= completion_height and "
                                    "completion_height >= 1")
        slot = (entry.completion_height, operator)
        if slot in seen:
            raise ErrInvalidRequest(f"{where}: same operator and completion_height as unbonding[{seen[slot]}]")
        seen[slot] = index
        per_operator[operator] = per_operator.get(operator, 0) + 1
        if per_operator[operator] > genesis.params.max_unbonding_entries:
            raise ErrInvalidRequest(f"{where}: {entry.operator} has more than max_unbonding_entries entries")
        entries.append((operator, UnbondingEntry(operator=encode_address(operator), amount=entry.amount,
                                                 completion_height=entry.completion_height,
                                                 creation_height=entry.creation_height)))
    return entries


def _validate_locks(genesis: GenesisState, bonds: list[tuple[bytes, int]]) -> list[tuple[bytes, int, int]]:
    """(operator, unlock height, amount) per lock; unique (operator, height); at most the bond locked."""
    locks, seen, per_operator = [], {}, {}
    bonded = dict(bonds)
    for index, lock in enumerate(genesis.locks):
        where = f"staking genesis: locks[{index}]"
        operator = _operator(lock.operator, where)
        amount = _amount(lock.amount, where)
        if lock.unlock_height < 1:
            raise ErrInvalidRequest(f"{where}: unlock_height must be >= 1")
        if (operator, lock.unlock_height) in seen:
            raise ErrInvalidRequest(f"{where}: same operator and unlock_height as locks[{seen[operator, lock.unlock_height]}]")
        seen[operator, lock.unlock_height] = index
        per_operator[operator] = per_operator.get(operator, 0) + amount
        if per_operator[operator] > bonded.get(operator, 0):
            raise ErrInvalidRequest(f"{where}: {lock.operator} has more locked than bonded")
        locks.append((operator, lock.unlock_height, amount))
    return locks


def validate_genesis(state: dict | None) -> ValidGenesis:
    """Parsed and checked genesis (params in range, valid unique bonds, well-formed entries and locks)."""
    genesis = parse_genesis(state)
    validate_params(genesis.params)
    bonds = _validate_bonds(genesis)
    return ValidGenesis(genesis.params, bonds, _validate_unbonding(genesis), _validate_locks(genesis, bonds))


def init_genesis(store, keeper: StakingKeeper, state: dict | None) -> None:
    """Write params, bonds and entries; the bank genesis (loaded before) must hold exactly their
    sum in the staking module account."""
    valid = validate_genesis(state)
    denom = valid.params.bond_denom
    held = keeper.bank.balance(store, keeper.module_address, denom)
    if held != valid.total():
        raise ErrInvalidRequest(
            f"staking genesis: bonds + unbonding = {valid.total()}{denom} but the staking module account "
            f"{encode_address(keeper.module_address)} holds {held}{denom} in the bank genesis; "
            "fund it with exactly the bonded total")
    keeper.set_params(store, valid.params)
    for operator, amount in valid.bonds:
        keeper.set_bonded(store, operator, amount)
    for operator, entry in valid.unbonding:
        keeper.set_entry(store, operator, entry)
    for operator, unlock_height, amount in valid.locks:
        keeper.add_lock(store, operator, unlock_height, amount)


def export_genesis(store, keeper: StakingKeeper) -> dict:
    bonds = [{"operator": encode_address(op), "amount": str(amount)} for op, amount in keeper.iterate_bonds(store)]
    unbonding = [json_format.MessageToDict(e, preserving_proto_field_name=True)
                 for _, e in keeper.iterate_unbonding(store)]
    params = json_format.MessageToDict(keeper.get_params(store), preserving_proto_field_name=True,
                                       always_print_fields_with_no_presence=True)  # zeros too: omitted = default
    locks = [json_format.MessageToDict(StakeLock(operator=encode_address(op), amount=str(amount),
                                                 unlock_height=height), preserving_proto_field_name=True)
             for op, height, amount in keeper.iterate_locks(store)]
    return {"params": params, "bonds": bonds, "unbonding": unbonding, "locks": locks}


def check_genesis_hosts(store, keeper: StakingKeeper, hosts) -> None:
    """Every genesis host that holds voting power (active, weight > 0: a genesis validator) must
    have at least min_collateral bonded (run after staking and hosts are loaded). Weightless hosts
    are exempt so that an exported chain with a host slashed or unstaked below the minimum
    re-imports."""
    params = keeper.get_params(store)
    needed = min_collateral(params)
    for host in hosts:
        if host.status != HOST_STATUS_ACTIVE or host.weight == 0:
            continue
        bonded = keeper.bonded(store, decode_address(host.operator))
        if bonded < needed:
            raise ErrInvalidRequest(
                f"genesis host {host.operator} ({host.moniker or 'no moniker'}) has {bonded}{params.bond_denom} "
                f"bonded, below min_collateral {needed}{params.bond_denom}; add a staking genesis bond of at "
                "least min_collateral for it and fund the staking module account")
