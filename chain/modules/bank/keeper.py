"""BankKeeper: balances and supply; the only code that touches the bank prefixes."""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.bank.v1beta1.bank_pb2 import Metadata

from chain.coins import format_coins
from chain.context import Context
from chain.errors import ErrInsufficientFunds
from chain.modules.bank import keys
from chain.modules.bank.expected_keepers import AccountKeeper
from chain.tx.crypto import encode_address


class BankKeeper:
    """Balances, supply and denom metadata; creates accounts through the account keeper."""

    def __init__(self, account_keeper: AccountKeeper):
        self.accounts = account_keeper

    def balance(self, store, address: bytes, denom: str) -> int:
        raw = store.get(keys.balance_key(address, denom))
        return int(raw) if raw else 0

    def all_balances(self, store, address: bytes) -> list[tuple[str, int]]:
        return [(keys.split_balance_key(key)[1], int(raw)) for key, raw in store.iterate(keys.balances_prefix(address))]

    def _set_balance(self, store, address: bytes, denom: str, amount: int) -> None:
        if amount == 0:
            store.delete(keys.balance_key(address, denom))
        else:
            store.set(keys.balance_key(address, denom), str(amount).encode())

    def supply(self, store, denom: str) -> int:
        raw = store.get(keys.supply_key(denom))
        return int(raw) if raw else 0

    def all_supply(self, store) -> list[tuple[str, int]]:
        return [(keys.split_supply_key(key), int(raw)) for key, raw in store.iterate(keys.SUPPLY_PREFIX)]

    def set_supply(self, store, denom: str, amount: int) -> None:
        store.set(keys.supply_key(denom), str(amount).encode())

    def get_metadata(self, store, base_denom: str) -> Metadata | None:
        raw = store.get(keys.metadata_key(base_denom))
        return Metadata.FromString(raw) if raw is not None else None

    def set_metadata(self, store, meta: Metadata) -> None:
        store.set(keys.metadata_key(meta.base), meta.SerializeToString())

    def all_metadata(self, store) -> list[Metadata]:
        return [Metadata.FromString(raw) for _, raw in store.iterate(keys.METADATA_PREFIX)]

    def sub_coins(self, store, address: bytes, coins: list[tuple[str, int]]) -> None:
        """Debit coins, raising ErrInsufficientFunds before writing anything if any is short."""
        balances = [(denom, amount, self.balance(store, address, denom)) for denom, amount in coins]
        for denom, amount, have in balances:
            if have < amount:
                raise ErrInsufficientFunds(
                    f"spendable balance {have}{denom} is smaller than {amount}{denom}: insufficient funds"
                )
        for denom, amount, have in balances:
            self._set_balance(store, address, denom, have - amount)

    def add_coins(self, store, address: bytes, coins: list[tuple[str, int]]) -> None:
        for denom, amount in coins:
            self._set_balance(store, address, denom, self.balance(store, address, denom) + amount)

    def send(self, ctx: Context, sender: bytes, recipient: bytes, coins: list[tuple[str, int]]) -> None:
        """Move coins between accounts, creating the recipient's account if needed, with events."""
        self.sub_coins(ctx.store, sender, coins)
        self.accounts.get_or_create(ctx.store, recipient)
        self.add_coins(ctx.store, recipient, coins)
        amount, from_b32, to_b32 = format_coins(coins), encode_address(sender), encode_address(recipient)
        ctx.emit("coin_spent", ("spender", from_b32), ("amount", amount))
        ctx.emit("coin_received", ("receiver", to_b32), ("amount", amount))
        ctx.emit("transfer", ("recipient", to_b32), ("sender", from_b32), ("amount", amount))

    def send_to_module(self, ctx: Context, sender: bytes, module: str, coins: list[tuple[str, int]]) -> None:
        self.send(ctx, sender, keys.module_address(module), coins)

    def send_from_module(self, ctx: Context, module: str, recipient: bytes, coins: list[tuple[str, int]]) -> None:
        """Pay coins out of a module account to any account (ErrInsufficientFunds when it holds less)."""
        self.send(ctx, keys.module_address(module), recipient, coins)

    def send_module_to_module(self, ctx: Context, sender: str, recipient: str, coins: list[tuple[str, int]]) -> None:
        """Move coins between two module accounts (ErrInsufficientFunds when the sender holds less)."""
        self.send(ctx, keys.module_address(sender), keys.module_address(recipient), coins)

    send_from_module_to_module = send_module_to_module

    def mint_to_module(self, ctx: Context, module: str, coins: list[tuple[str, int]]) -> None:
        """Create coins in a module account: its balance and the total supply both grow (event `mint`)."""
        address = keys.module_address(module)
        self.accounts.get_or_create(ctx.store, address)
        self.add_coins(ctx.store, address, coins)
        for denom, amount in coins:
            self.set_supply(ctx.store, denom, self.supply(ctx.store, denom) + amount)
        amount, minter = format_coins(coins), encode_address(address)
        ctx.emit("coin_received", ("receiver", minter), ("amount", amount))
        ctx.emit("mint", ("minter", minter), ("amount", amount))

    def burn_from_module(self, ctx: Context, module: str, coins: list[tuple[str, int]]) -> None:
        """Destroy coins held by a module account: its balance and the total supply both shrink
        (raises ErrInsufficientFunds, writing nothing, when the module holds less)."""
        address = keys.module_address(module)
        for denom, amount in coins:
            if self.supply(ctx.store, denom) < amount:
                raise ErrInsufficientFunds(f"cannot burn {amount}{denom}: supply is only {self.supply(ctx.store, denom)}")
        self.sub_coins(ctx.store, address, coins)
        for denom, amount in coins:
            self.set_supply(ctx.store, denom, self.supply(ctx.store, denom) - amount)
        amount, burner = format_coins(coins), encode_address(address)
        ctx.emit("coin_spent", ("spender", burner), ("amount", amount))
        ctx.emit("burn", ("burner", burner), ("amount", amount))

    def total_balances(self, store) -> dict[str, int]:
        """Sum of all balances per denom (for the supply invariant)."""
        totals: dict[str, int] = {}
        for key, raw in store.iterate(keys.BALANCE_PREFIX):
            denom = keys.split_balance_key(key)[1]
            totals[denom] = totals.get(denom, 0) + int(raw)
        return totals


def supply_invariant_violation(keeper: BankKeeper, store) -> str | None:
    """None when recorded supply equals the sum of balances for every denom, else a message."""
    totals = keeper.total_balances(store)
    supply = dict(keeper.all_supply(store))
    for denom in sorted(set(totals) | set(supply)):
        if totals.get(denom, 0) != supply.get(denom, 0):
            return f"supply invariant broken for {denom}: supply {supply.get(denom, 0)} != balances {totals.get(denom, 0)}"
    return None
