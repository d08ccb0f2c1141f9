"""StakingKeeper: bonds, the unbonding queue and slashing; the only code that touches 0x40-0x43."""

from __future__ import annotations

from sprint.staking.v1.staking_pb2 import Params, UnbondingEntry

from chain.context import Context
from chain.errors import ErrInvalidRequest
from chain.modules.bank import keys as bank_keys
from chain.modules.staking import keys
from chain.modules.staking.params import default_params, min_collateral
from chain.tx.crypto import encode_address

BPS = 10_000  # basis points in a whole


class StakingKeeper:
    """Collateral of host operators, held in the "staking" bank module account.

    Invariant: sum(bonds) + sum(unbonding entries) == the module account's bond_denom balance.
    `hosts` (the HostsKeeper) is kept for callers that combine collateral with host records."""

    def __init__(self, bank, hosts):
        self.bank = bank
        self.hosts = hosts
        self.module_address = bank_keys.module_address(keys.MODULE_NAME)

    # ------------------------------------------------------------------ params

    def get_params(self, store) -> Params:
        """Stored params (the defaults for a store initialised before staking existed)."""
        raw = store.get(keys.PARAMS_KEY)
        return Params.FromString(raw) if raw is not None else default_params()

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())

    # ------------------------------------------------------------------ bonds

    def bonded(self, store, operator: bytes) -> int:
        """Bonded amount of `operator` in bond_denom (0 when none)."""
        raw = store.get(keys.bond_key(operator))
        return int(raw) if raw else 0

    def set_bonded(self, store, operator: bytes, amount: int) -> None:
        if amount == 0:
            store.delete(keys.bond_key(operator))
        else:
            store.set(keys.bond_key(operator), str(amount).encode())

    def iterate_bonds(self, store):
        """(operator, amount) in ascending operator-address order."""
        for key, raw in store.iterate(keys.BOND_PREFIX):
            yield key[len(keys.BOND_PREFIX):], int(raw)

    def meets_min_collateral(self, store, operator: bytes) -> bool:
        """True when the operator's bonded amount is at least params.min_collateral."""
        return self.bonded(store, operator) >= min_collateral(self.get_params(store))

    def stake(self, ctx: Context, operator: bytes, amount: int) -> None:
        """Move `amount` bond_denom from the operator to the staking module account and bond it."""
        if amount <= 0:
            raise ErrInvalidRequest(f"stake amount must be positive, got {amount}")
        denom = self.get_params(ctx.store).bond_denom
        self.bank.send_to_module(ctx, operator, keys.MODULE_NAME, [(denom, amount)])
        self.set_bonded(ctx.store, operator, self.bonded(ctx.store, operator) + amount)
        ctx.emit("stake", ("operator", encode_address(operator)), ("amount", f"{amount}{denom}"))

    # ------------------------------------------------------------------ unbonding

    def get_entry(self, store, completion_height: int, operator: bytes) -> UnbondingEntry | None:
        raw = store.get(keys.queue_key(completion_height, operator))
        return UnbondingEntry.FromString(raw) if raw is not None else None

    def set_entry(self, store, operator: bytes, entry: UnbondingEntry) -> None:
        """Store an entry in the release queue and the per-operator index."""
        store.set(keys.queue_key(entry.completion_height, operator), entry.SerializeToString())
        store.set(keys.operator_index_key(operator, entry.completion_height), b"\x01")

    def remove_entry(self, store, operator: bytes, completion_height: int) -> None:
        store.delete(keys.queue_key(completion_height, operator))
        store.delete(keys.operator_index_key(operator, completion_height))

    def unbonding_entries(self, store, operator: bytes) -> list[UnbondingEntry]:
        """The operator's pending entries, by completion height."""
        prefix = keys.UNBONDING_BY_OPERATOR_PREFIX + operator
        heights = [int.from_bytes(key[len(prefix):], "big") for key, _ in store.iterate(prefix)]
        return [self.get_entry(store, height, operator) for height in heights]

    def iterate_unbonding(self, store):
        """(operator, entry) in release order: completion height, then operator bytes."""
        for key, raw in store.iterate(keys.UNBONDING_QUEUE_PREFIX):
            yield keys.split_queue_key(key)[1], UnbondingEntry.FromString(raw)

    def unstake(self, ctx: Context, operator: bytes, amount: int) -> UnbondingEntry:
        """Start unbonding `amount`: it leaves the bond now and returns to the operator at the end
        of block height + unbonding_blocks. Two unstakes in one block share one entry."""
        params = self.get_params(ctx.store)
        bonded = self.bonded(ctx.store, operator)
        if amount <= 0:
            raise ErrInvalidRequest(f"unstake amount must be positive, got {amount}")
        if amount > bonded:
            raise ErrInvalidRequest(
                f"cannot unstake {amount}{params.bond_denom}: only {bonded}{params.bond_denom} is bonded")
        completion = ctx.block.height + params.unbonding_blocks
        entry = self.get_entry(ctx.store, completion, operator)
        if entry is None:
            if len(self.unbonding_entries(ctx.store, operator)) >= params.max_unbonding_entries:
                raise ErrInvalidRequest(
                    f"too many unbonding entries ({params.max_unbonding_entries} in flight); wait for one to complete")
            entry = UnbondingEntry(operator=encode_address(operator), amount="0", completion_height=completion,
                                   creation_height=ctx.block.height)
        entry.amount = str(int(entry.amount) + amount)
        self.set_entry(ctx.store, operator, entry)
        self.set_bonded(ctx.store, operator, bonded - amount)
        ctx.emit("unstake", ("operator", encode_address(operator)), ("amount", f"{amount}{params.bond_denom}"),
                 ("completion_height", str(completion)))
        return entry

    def end_block(self, ctx: Context) -> None:
        """Release every entry whose completion height is <= this block's height, in queue order."""
        denom = self.get_params(ctx.store).bond_denom
        matured = []
        for key, raw in ctx.store.iterate(keys.UNBONDING_QUEUE_PREFIX):
            height, operator = keys.split_queue_key(key)
            if height > ctx.block.height:
                break
            matured.append((height, operator, int(UnbondingEntry.FromString(raw).amount)))
        for height, operator, amount in matured:
            self.remove_entry(ctx.store, operator, height)
            self.bank.send(ctx, self.module_address, operator, [(denom, amount)])
            ctx.emit("unbonding_complete", ("operator", encode_address(operator)),
                     ("amount", f"{amount}{denom}"), ("completion_height", str(height)))

    # ------------------------------------------------------------------ slashing

    def slash(self, ctx: Context, operator: bytes, fraction_bps: int, reason: str) -> int:
        """Burn floor(x * fraction_bps / 10000) of the operator's bond and of each pending unbonding
        entry (so unstaking cannot dodge a slash). Emits "slash" and returns the total burned."""
        if not 0 <= fraction_bps <= BPS:
            raise ValueError(f"fraction_bps must be within 0..{BPS}, got {fraction_bps}")
        bonded = self.bonded(ctx.store, operator)
        total = bonded * fraction_bps // BPS
        self.set_bonded(ctx.store, operator, bonded - total)
        for entry in self.unbonding_entries(ctx.store, operator):
            amount = int(entry.amount)
            cut = amount * fraction_bps // BPS
            total += cut
            if cut == amount:
                self.remove_entry(ctx.store, operator, entry.completion_height)
            elif cut:
                entry.amount = str(amount - cut)
                self.set_entry(ctx.store, operator, entry)
        denom = self.get_params(ctx.store).bond_denom
        if total:
            self.bank.burn_from_module(ctx, keys.MODULE_NAME, [(denom, total)])
        ctx.emit("slash", ("host", encode_address(operator)), ("amount", f"{total}{denom}"), ("reason", reason),
                 ("fraction_bps", str(fraction_bps)))
        return total

    # ------------------------------------------------------------------ totals

    def total_staked(self, store) -> int:
        """Sum of every bond and unbonding entry (equals the module account's bond_denom balance)."""
        bonds = sum(amount for _, amount in self.iterate_bonds(store))
        return bonds + sum(int(entry.amount) for _, entry in self.iterate_unbonding(store))
