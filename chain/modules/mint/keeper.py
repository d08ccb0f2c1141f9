"""MintKeeper: the only code that touches the mint prefixes 0x90-0x94 (see keys.py).

It decides each block's issuance for the rewards module (`take_block_issuance`): under the "decay"
schedule the rewards module's per-block reward, under "kpi" the block's share of the epoch rate
rho set by the previous epoch's KPIs (rho_m when none was measured); both stop at the supply cap,
and issuance already minted for dummy tasks is held back from the next blocks. It also splits gas
fees (q to rewards, the rest to the community vault) and keeps the open epoch's measurements.
"""

from __future__ import annotations

from sprint.mint.v1.mint_pb2 import EpochAccumulator, EpochKpis, Params

from chain.context import Context
from chain.modules.mint import formula, keys
from chain.modules.mint.expected_keepers import BankKeeper, SprintKeeper
from chain.modules.mint.params import PPM, SCHEDULE_KPI, default_params
from chain.modules.rewards.params import block_reward
from chain.modules.sprint.epochs import bounds, epoch_number
from chain.modules.sprint.params import epoch_length

U64_MAX = (1 << 64) - 1


class MintKeeper:
    """Params, measured epochs, the open epoch's accumulator, active providers and the dummy debt."""

    def __init__(self, bank: BankKeeper, sprint: SprintKeeper):
        self.bank = bank
        self.sprint = sprint

    # --- params ----------------------------------------------------------------------------------

    def get_params(self, store) -> Params:
        """Stored params (the defaults for a store initialised before mint existed)."""
        raw = store.get(keys.PARAMS_KEY)
        return Params.FromString(raw) if raw is not None else default_params()

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())

    # --- measured epochs and the open accumulator ------------------------------------------------

    def get_kpis(self, store, epoch: int) -> EpochKpis | None:
        raw = store.get(keys.kpis_key(epoch))
        return EpochKpis.FromString(raw) if raw is not None else None

    def set_kpis(self, store, record: EpochKpis) -> None:
        store.set(keys.kpis_key(record.epoch), record.SerializeToString())

    def get_accumulator(self, store, epoch: int) -> EpochAccumulator | None:
        raw = store.get(keys.accumulator_key(epoch))
        return EpochAccumulator.FromString(raw) if raw is not None else None

    def set_accumulator(self, store, acc: EpochAccumulator) -> None:
        store.set(keys.accumulator_key(acc.epoch), acc.SerializeToString())

    def delete_accumulator(self, store, epoch: int) -> None:
        store.delete(keys.accumulator_key(epoch))

    def open_accumulator(self, store, epoch: int, denom: str) -> EpochAccumulator:
        """The accumulator of `epoch`, new (supply_start = the supply now) when there is none."""
        acc = self.get_accumulator(store, epoch)
        return acc if acc is not None else EpochAccumulator(epoch=epoch, supply_start=self.bank.supply(store, denom))

    def add_active(self, store, epoch: int, operator: bytes, jobs: int = 1) -> None:
        """Count `jobs` settled user jobs of `operator` in `epoch`."""
        key = keys.active_key(epoch, operator)
        store.set(key, keys.u64(keys.read_u64(store.get(key)) + jobs))

    def active(self, store, epoch: int) -> list[tuple[bytes, int]]:
        """(operator, settled user jobs) of `epoch`, ascending operator."""
        return [(keys.split_active_key(k), keys.read_u64(v)) for k, v in store.iterate(keys.active_prefix(epoch))]

    def clear_active(self, store, epoch: int) -> None:
        for key in [k for k, _ in store.iterate(keys.active_prefix(epoch))]:
            store.delete(key)

    def dummy_debt(self, store) -> int:
        return keys.read_u64(store.get(keys.DUMMY_DEBT_KEY))

    def set_dummy_debt(self, store, amount: int) -> None:
        if amount:
            store.set(keys.DUMMY_DEBT_KEY, keys.u64(amount))
        else:
            store.delete(keys.DUMMY_DEBT_KEY)

    # --- issuance --------------------------------------------------------------------------------

    def epoch_rate(self, store, epoch: int) -> int:
        """rho of `epoch` under the KPI schedule: set by epoch - 1's KPIs, rho_m without them."""
        previous = self.get_kpis(store, epoch - 1) if epoch > 0 else None
        return previous.kpi_rate if previous is not None else self.get_params(store).min_epoch_mint

    def scheduled_block_issuance(self, store, rewards_params, height: int) -> int:
        """Issuance of block `height` by the schedule in force (before the cap and the dummy debt)."""
        if self.get_params(store).schedule != SCHEDULE_KPI:
            return block_reward(rewards_params, height)
        sprint_params = self.sprint.get_params(store)
        epoch = epoch_number(sprint_params, height)
        offset = max(height, 1) - bounds(sprint_params, epoch).start
        return formula.epoch_share(self.epoch_rate(store, epoch), epoch_length(sprint_params), offset)

    def epoch_issuance(self, store, rewards_params, epoch: int) -> int:
        """What `epoch` issues in total by the schedule in force (before the cap and the debt)."""
        if self.get_params(store).schedule == SCHEDULE_KPI:
            return self.epoch_rate(store, epoch)
        b = bounds(self.sprint.get_params(store), epoch)
        return sum(block_reward(rewards_params, height) for height in range(b.start, b.end + 1))

    def block_issuance(self, store, rewards_params, height: int) -> int:
        """Issuance of block `height`, stopped at the supply cap (the dummy debt not deducted)."""
        amount = self.scheduled_block_issuance(store, rewards_params, height)
        supply = self.bank.supply(store, rewards_params.denom)
        return formula.capped(amount, supply, self.get_params(store).supply_cap)

    def take_block_issuance(self, ctx: Context, rewards_params) -> int:
        """The amount the rewards module mints in this block: block_issuance less what is still held
        back for dummy tasks already funded; recorded as minted in the epoch's accumulator."""
        store, height = ctx.store, ctx.block.height
        amount = self.block_issuance(store, rewards_params, height)
        debt = self.dummy_debt(store)
        held = min(debt, amount)
        self.set_dummy_debt(store, debt - held)
        amount -= held
        if amount:
            self.record_minted(store, epoch_number(self.sprint.get_params(store), height), rewards_params.denom, amount)
        return amount

    def record_minted(self, store, epoch: int, denom: str, amount: int) -> None:
        acc = self.open_accumulator(store, epoch, denom)
        acc.minted = min(acc.minted + amount, U64_MAX)
        self.set_accumulator(store, acc)

    def fund_dummy_tasks(self, ctx: Context, epoch: int, denom: str, amount: int) -> None:
        """Mint `amount` into the dummy-task account out of issuance: the next blocks' issuance is
        held back by the same amount (the dummy debt)."""
        if amount <= 0:
            return
        self.bank.mint_to_module(ctx, keys.DUMMY_MODULE, [(denom, amount)])
        self.set_dummy_debt(ctx.store, self.dummy_debt(ctx.store) + amount)
        self.record_minted(ctx.store, epoch, denom, amount)

    # --- fees ------------------------------------------------------------------------------------

    def fee_split(self, store, fees: int) -> tuple[int, int]:
        """(to the rewards pools, to the community vault) of `fees`: q x fees floored, and the rest."""
        to_rewards = fees * self.get_params(store).fee_reward_ppm // PPM
        return to_rewards, fees - to_rewards
