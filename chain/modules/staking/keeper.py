"""StakingKeeper: bonds, stake locks, the unbonding queue and slashing; the only code that touches
0x40-0x45.

Lock-up and release (docs/protocol.md §7), with h = the operator's honest epochs and N = reputation's
full_reputation_epochs:
- newly staked collateral is locked for ΔT_min(h) = lockup_blocks(params, h, N) blocks (a StakeLock
  record); MsgUnstake may only take the bonded amount minus the still-locked stake;
- an unstaked amount becomes an unbonding entry released linearly over ΔT_unlock(h) =
  release_blocks(params, h, N) blocks: at the end of each height h' after its creation height it
  releases amount // (completion_height - h' + 1), and the rest at completion_height.
Slashing burns the same fraction of the bond and of every pending entry."""

from __future__ import annotations

from sprint.staking.v1.staking_pb2 import Params, UnbondingEntry

from chain.context import Context
from chain.errors import ErrInvalidCoins, ErrInvalidRequest
from chain.modules.bank import keys as bank_keys
from chain.modules.staking import keys
from chain.modules.staking.expected_keepers import BankKeeper, ReputationLevels
from chain.msgfields import parse_coin
from chain.modules.staking.params import default_params, lockup_blocks, min_collateral, release_blocks
from chain.tx.crypto import encode_address

BPS = 10_000  # basis points in a whole


class StakingKeeper:
    """Collateral of host operators, held in the "staking" bank module account.

    Invariant: sum(bonds) + sum(unbonding entries) == the module account's bond_denom balance.
    `reputation` is a read-only view of reputation levels: (honest_epochs, full_reputation_epochs)
    scales the lock-up and release lengths (reputation itself reads bonds, hence the narrow view)."""

    def __init__(self, bank: BankKeeper, reputation: ReputationLevels):
        self.bank = bank
        self.reputation = reputation
        self.module_address = bank_keys.module_address(keys.MODULE_NAME)

    def _level(self, store, operator: bytes) -> tuple[int, int]:
        """(honest epochs, full-reputation epochs) of `operator`."""
        return self.reputation.level(store, operator)

    def bond_amount(self, store, msg, field: str = "amount") -> int:
        """The amount of a message's coin field, checking its denom is the bond_denom."""
        denom, amount = parse_coin(msg, field)
        bond_denom = self.get_params(store).bond_denom
        if denom != bond_denom:
            raise ErrInvalidCoins(f"{field} must be in {bond_denom}, got {denom}")
        return amount

    def lockup_blocks(self, store, operator: bytes) -> int:
        """ΔT_min for `operator` now (blocks newly staked collateral stays locked)."""
        return lockup_blocks(self.get_params(store), *self._level(store, operator))

    def release_blocks(self, store, operator: bytes) -> int:
        """ΔT_unlock for `operator` now (blocks an unbonding entry takes to be released)."""
        return release_blocks(self.get_params(store), *self._level(store, operator))

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
            yield keys.split_bond_key(key), int(raw)

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
        unlock = ctx.block.height + self.lockup_blocks(ctx.store, operator)
        if unlock > ctx.block.height:
            self.add_lock(ctx.store, operator, unlock, amount)
        ctx.emit("stake", ("operator", encode_address(operator)), ("amount", f"{amount}{denom}"),
                 ("unlock_height", str(unlock)))

    # ------------------------------------------------------------------ locks

    def add_lock(self, store, operator: bytes, unlock_height: int, amount: int) -> None:
        """Lock `amount` more of the operator's bond until `unlock_height` (merged per height)."""
        key = keys.lock_key(unlock_height, operator)
        raw = store.get(key)
        store.set(key, str((int(raw) if raw else 0) + amount).encode())
        store.set(keys.lock_index_key(operator, unlock_height), b"\x01")

    def locks(self, store, operator: bytes) -> list[tuple[int, int]]:
        """(unlock height, amount) of the operator's lock records, by unlock height."""
        heights = [keys.split_height_suffix(key) for key, _ in store.iterate(keys.lock_index_prefix(operator))]
        return [(height, int(store.get(keys.lock_key(height, operator)))) for height in heights]

    def iterate_locks(self, store):
        """(operator, unlock height, amount) by unlock height, then operator bytes."""
        for key, raw in store.iterate(keys.LOCK_QUEUE_PREFIX):
            unlock_height, operator = keys.split_lock_key(key)
            yield operator, unlock_height, int(raw)

    def locked(self, store, operator: bytes, height: int) -> int:
        """Stake of `operator` still locked at `height` (records with unlock_height > height),
        capped at the bonded amount (a slash may have burnt locked stake)."""
        total = sum(amount for unlock, amount in self.locks(store, operator) if unlock > height)
        return min(total, self.bonded(store, operator))

    def unlocked(self, store, operator: bytes, height: int) -> int:
        """Bonded amount that may be unstaked at `height`: the bond minus the still-locked stake and
        minus the collateral locked by training jobs (never below 0)."""
        free = self.bonded(store, operator) - self.locked(store, operator, height)
        return max(0, free - self.job_collateral(store, operator))

    # ------------------------------------------------------------------ training job collateral

    def lock_job_collateral(self, store, operator: bytes, job_id: int, amount: int) -> None:
        """Lock `amount` of the operator's bond as training job `job_id`'s collateral until
        release_job_collateral (docs/training.md §11); it cannot be unstaked meanwhile."""
        if amount > 0:
            store.set(keys.job_collateral_key(operator, job_id), str(amount).encode())

    def release_job_collateral(self, store, operator: bytes, job_id: int) -> int:
        """Release job `job_id`'s collateral; returns the amount that was locked (0 when none)."""
        key = keys.job_collateral_key(operator, job_id)
        raw = store.get(key)
        store.delete(key)
        return int(raw) if raw else 0

    def job_collateral(self, store, operator: bytes) -> int:
        """Collateral the operator's training jobs hold locked (capped at its bond: a slash may
        have burnt part of it)."""
        total = sum(int(raw) for _, raw in store.iterate(keys.job_collateral_prefix(operator)))
        return min(total, self.bonded(store, operator))

    def _unlock_height_for(self, store, operator: bytes, height: int, amount: int) -> int:
        """First height at which `amount` (<= bonded) is out of the stake locks."""
        free = self.bonded(store, operator) - self.locked(store, operator, height)
        for unlock, locked in self.locks(store, operator):
            if unlock <= height:
                continue
            free += locked
            if free >= amount:
                return unlock
        return height

    def prune_locks(self, store, height: int) -> None:
        """Delete lock records whose unlock height is <= `height`."""
        expired = []
        for operator, unlock, _ in self.iterate_locks(store):
            if unlock > height:
                break
            expired.append((operator, unlock))
        for operator, unlock in expired:
            store.delete(keys.lock_key(unlock, operator))
            store.delete(keys.lock_index_key(operator, unlock))

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
        heights = [keys.split_height_suffix(key) for key, _ in store.iterate(keys.operator_index_prefix(operator))]
        return [self.get_entry(store, height, operator) for height in heights]

    def iterate_unbonding(self, store):
        """(operator, entry) in release order: completion height, then operator bytes."""
        for key, raw in store.iterate(keys.UNBONDING_QUEUE_PREFIX):
            yield keys.split_queue_key(key)[1], UnbondingEntry.FromString(raw)

    def unstake(self, ctx: Context, operator: bytes, amount: int) -> UnbondingEntry:
        """Start unbonding `amount` of the unlocked bond: it leaves the bond now and is released
        linearly over ΔT_unlock blocks, the last part at the end of height + ΔT_unlock. Two
        unstakes in one block share one entry."""
        params = self.get_params(ctx.store)
        bonded = self.bonded(ctx.store, operator)
        if amount <= 0:
            raise ErrInvalidRequest(f"unstake amount must be positive, got {amount}")
        if amount > bonded:
            raise ErrInvalidRequest(
                f"cannot unstake {amount}{params.bond_denom}: only {bonded}{params.bond_denom} is bonded")
        free = self.unlocked(ctx.store, operator, ctx.block.height)
        jobs = self.job_collateral(ctx.store, operator)
        if amount > free and jobs and amount <= bonded - self.locked(ctx.store, operator, ctx.block.height):
            raise ErrInvalidRequest(
                f"cannot unstake {amount}{params.bond_denom}: only {free}{params.bond_denom} of the "
                f"{bonded}{params.bond_denom} bonded is free; {jobs}{params.bond_denom} is locked as "
                f"collateral of training jobs until they finish")
        if amount > free:
            unlock = self._unlock_height_for(ctx.store, operator, ctx.block.height, amount)
            raise ErrInvalidRequest(
                f"cannot unstake {amount}{params.bond_denom}: only {free}{params.bond_denom} of the "
                f"{bonded}{params.bond_denom} bonded is unlocked; newly staked collateral is locked and "
                f"{amount}{params.bond_denom} is unlocked from height {unlock}")
        completion = ctx.block.height + self.release_blocks(ctx.store, operator)
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
        """Release this block's share of every unbonding entry in queue order (completion height,
        then operator): amount // (completion_height - height + 1) while height < completion_height
        ("unbonding_release"), everything left at completion_height ("unbonding_complete", entry
        removed). Entries created in this block release nothing yet. Then prune expired locks."""
        height = ctx.block.height
        denom = self.get_params(ctx.store).bond_denom
        due = []
        for key, raw in ctx.store.iterate(keys.UNBONDING_QUEUE_PREFIX):
            entry = UnbondingEntry.FromString(raw)
            if entry.creation_height < height:
                due.append((keys.split_queue_key(key)[1], entry))
        for operator, entry in due:
            amount, completion = int(entry.amount), entry.completion_height
            share = amount if height >= completion else amount // (completion - height + 1)
            if height >= completion:
                self.remove_entry(ctx.store, operator, completion)
            elif share:
                entry.amount = str(amount - share)
                self.set_entry(ctx.store, operator, entry)
            if share:
                self.bank.send(ctx, self.module_address, operator, [(denom, share)])
            if height >= completion:
                ctx.emit("unbonding_complete", ("operator", encode_address(operator)),
                         ("amount", f"{share}{denom}"), ("completion_height", str(completion)))
            elif share:
                ctx.emit("unbonding_release", ("operator", encode_address(operator)),
                         ("amount", f"{share}{denom}"), ("completion_height", str(completion)))
        self.prune_locks(ctx.store, height)

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

    def slash_malicious(self, ctx: Context, operator: bytes, reason: str) -> int:
        """Slash params.malicious_slash_bps (confirmed fraud); returns the amount burned."""
        return self.slash(ctx, operator, self.get_params(ctx.store).malicious_slash_bps, reason)

    def slash_fault(self, ctx: Context, operator: bytes, reason: str) -> int:
        """Slash params.fault_slash_bps (non-malicious fault, e.g. an expired job); returns the amount burned."""
        return self.slash(ctx, operator, self.get_params(ctx.store).fault_slash_bps, reason)

    # ------------------------------------------------------------------ totals

    def total_staked(self, store) -> int:
        """Sum of every bond and unbonding entry (equals the module account's bond_denom balance)."""
        bonds = sum(amount for _, amount in self.iterate_bonds(store))
        return bonds + sum(int(entry.amount) for _, entry in self.iterate_unbonding(store))
