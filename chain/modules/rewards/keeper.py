"""RewardsKeeper: issuance, gas-fee sweep, per-epoch pools and accruals, and epoch settlement.

Everything accrued and not yet released sits in the "rewards" module account. Per block
(`end_block`, run last): the issuance the mint module decides (its schedule: block_reward(h) by
default) is minted into "rewards", the fee_collector balance is swept, q of it into "rewards" and
the rest into "community_vault" (mint's fee_split; q = 1 by default), and issuance + q fees is
split: proposer_bps to the proposer host's accrual, validator_bps and the rest to
the epoch's validator and executor pools (an unknown proposer's share joins the executor pool).
At settlement (`settle_epoch`) the pools are shared out, then every host's accruals are released,
withheld (missed work or duties) or forfeited (caught); whatever is not paid out is burned, so the
module account always holds exactly the unsettled accruals and pools.

An epoch settles once. Issuance, proposer shares and accruals addressed to an epoch that has
already settled go to the next unsettled epoch (e.g. the last block of an epoch whose settlement ran
in the inference end_block before this one).
"""

from __future__ import annotations

from typing import Protocol

from sprint.rewards.v1.rewards_pb2 import Accrual, EpochPool, HostOutcome, Params

from chain.context import Context
from chain.modules.bank.keys import FEE_COLLECTOR, module_address
from chain.modules.rewards import keys
from chain.modules.rewards.expected_keepers import BankKeeper, HostsKeeper, MintSource, ScoreTable, SettlementSources
from chain.modules.rewards.params import BPS, block_reward, default_params
from chain.modules.sprint.epochs import bounds, epoch_number
from chain.tx.crypto import encode_address

VAULT_MODULE = "community_vault"  # (1 - q) of gas fees; only governance spends it
ACCRUAL_FIELDS = ("proposer_rewards", "executor_fees", "validator_fees", "bounty", "executor_pool_share",
                  "validator_pool_share")
DEFAULT_BOUNTY_BPS = 5000
PPM = 1_000_000


def accrual_total(accrual: Accrual) -> int:
    """Sum of every field of an accrual."""
    return sum(getattr(accrual, name) for name in ACCRUAL_FIELDS)


def release_amount(total: int, outcome: dict) -> int:
    """total x work_ratio x duty_ratio, floored: work_ratio = jobs_done / jobs_assigned (1 when none
    assigned), duty_ratio = duties_done / duties_drawn (1 when none drawn); ratios capped at 1."""
    assigned, drawn = outcome.get("jobs_assigned", 0), outcome.get("duties_drawn", 0)
    done = min(outcome.get("jobs_done", 0), assigned)
    duties = min(outcome.get("duties_done", 0), drawn)
    numerator, denominator = total, 1
    if assigned:
        numerator, denominator = numerator * done, denominator * assigned
    if drawn:
        numerator, denominator = numerator * duties, denominator * drawn
    return numerator // denominator


def proportional_shares(amount: int, weights: list[tuple[bytes, int]]) -> list[tuple[bytes, int]]:
    """amount x w_i / sum(w), floored, for every (operator, w) with w > 0 (empty when sum is 0)."""
    total = sum(w for _, w in weights)
    if total == 0 or amount == 0:
        return []
    return [(operator, amount * w // total) for operator, w in weights if w > 0]


class EndBlockSources(Protocol):
    """What the end-of-block settlement reads: epoch params, scores and inference params."""

    sprint: object
    reputation: ScoreTable | None
    inference: object
    mint: MintSource


class RewardsKeeper:
    """The only code that touches the rewards prefixes (0x70-0x77, see keys.py)."""

    def __init__(self, bank: BankKeeper, hosts: HostsKeeper, reputation: ScoreTable | None = None):
        self.bank = bank
        self.hosts = hosts
        self.reputation = reputation
        self.module_address = module_address(keys.MODULE_NAME)

    # --- params ----------------------------------------------------------------------------------

    def get_params(self, store) -> Params:
        """Stored params (the defaults for a store initialised before rewards existed)."""
        raw = store.get(keys.PARAMS_KEY)
        return Params.FromString(raw) if raw is not None else default_params()

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())

    @staticmethod
    def block_reward(params: Params, height: int) -> int:
        """Issuance of block `height` (see params.block_reward)."""
        return block_reward(params, height)

    # --- pools, accruals, outcomes, bounty claims -----------------------------------------------

    def get_pool(self, store, epoch: int) -> EpochPool:
        raw = store.get(keys.pool_key(epoch))
        return EpochPool.FromString(raw) if raw is not None else EpochPool(epoch=epoch)

    def has_pool(self, store, epoch: int) -> bool:
        return store.get(keys.pool_key(epoch)) is not None

    def set_pool(self, store, pool: EpochPool) -> None:
        store.set(keys.pool_key(pool.epoch), pool.SerializeToString())

    def get_accrual(self, store, epoch: int, operator: bytes) -> Accrual | None:
        raw = store.get(keys.accrual_key(epoch, operator))
        return Accrual.FromString(raw) if raw is not None else None

    def set_accrual(self, store, epoch: int, operator: bytes, accrual: Accrual) -> None:
        store.set(keys.accrual_key(epoch, operator), accrual.SerializeToString())

    def accruals(self, store, epoch: int) -> list[tuple[bytes, Accrual]]:
        """(operator, accrual) of `epoch`, ascending by operator."""
        prefix = keys.epoch_prefix(keys.ACCRUAL_PREFIX, epoch)
        return [(keys.after(prefix, key), Accrual.FromString(raw)) for key, raw in store.iterate(prefix)]

    def all_accruals(self, store) -> list[tuple[int, bytes, Accrual]]:
        """(epoch, operator, accrual) of every unsettled accrual, by epoch then operator."""
        return [keys.split_epoch_operator(keys.ACCRUAL_PREFIX, key) + (Accrual.FromString(raw),)
                for key, raw in store.iterate(keys.ACCRUAL_PREFIX)]

    def get_outcome(self, store, epoch: int, operator: bytes) -> HostOutcome | None:
        raw = store.get(keys.outcome_key(epoch, operator))
        return HostOutcome.FromString(raw) if raw is not None else None

    def outcomes(self, store, epoch: int) -> list[HostOutcome]:
        prefix = keys.epoch_prefix(keys.OUTCOME_PREFIX, epoch)
        return [HostOutcome.FromString(raw) for _, raw in store.iterate(prefix)]

    def last_outcome(self, store, operator: bytes) -> HostOutcome | None:
        raw = store.get(keys.last_outcome_key(operator))
        return self.get_outcome(store, int.from_bytes(raw, "big"), operator) if raw is not None else None

    def _set_outcome(self, store, operator: bytes, outcome: HostOutcome) -> None:
        store.set(keys.outcome_key(outcome.epoch, operator), outcome.SerializeToString())
        store.set(keys.last_outcome_key(operator), keys.be64(outcome.epoch))

    def bounty_claim(self, store, epoch: int, executor: bytes) -> tuple[int, list[bytes]] | None:
        """(cap, confirmers) recorded by record_fraud for `executor` in `epoch`, or None."""
        raw = store.get(keys.bounty_key(epoch, executor))
        return keys.decode_bounty(raw) if raw is not None else None

    def bounty_claims(self, store, epoch: int) -> list[tuple[bytes, int, list[bytes]]]:
        prefix = keys.epoch_prefix(keys.BOUNTY_PREFIX, epoch)
        return [(keys.after(prefix, key),) + keys.decode_bounty(raw) for key, raw in store.iterate(prefix)]

    def is_settled(self, store, epoch: int) -> bool:
        return store.get(keys.settled_key(epoch)) is not None

    def open_epoch(self, store, epoch: int) -> int:
        """The first epoch >= `epoch` that has not settled yet."""
        while self.is_settled(store, epoch):
            epoch += 1
        return epoch

    def unsettled_total(self, store) -> int:
        """Sum of every unsettled accrual plus the pools of unsettled epochs: what the module holds."""
        total = sum(accrual_total(a) for _, _, a in self.all_accruals(store))
        for _, raw in store.iterate(keys.POOL_PREFIX):
            pool = EpochPool.FromString(raw)
            if not self.is_settled(store, pool.epoch):
                total += pool.executor_pool + pool.validator_pool
        return total

    # --- accrual entry points --------------------------------------------------------------------

    def _add(self, store, epoch: int, operator: bytes, field: str, amount: int) -> None:
        accrual = self.get_accrual(store, epoch, operator) or Accrual(host=encode_address(operator), epoch=epoch)
        setattr(accrual, field, getattr(accrual, field) + amount)
        self.set_accrual(store, epoch, operator, accrual)

    def accrue(self, ctx: Context, epoch: int, operator: bytes, field: str, amount: int) -> int:
        """Credit `amount` to `operator`'s accrual `field` of `epoch` (or of the next unsettled epoch
        when `epoch` has settled); returns the epoch credited. The coins must already be in the
        "rewards" module account (callers move them there first)."""
        if field not in ACCRUAL_FIELDS:
            raise ValueError(f"unknown accrual field {field!r}")
        if amount < 0:
            raise ValueError(f"accrual amount must be >= 0, got {amount}")
        epoch = self.open_epoch(ctx.store, epoch)
        if amount:
            self._add(ctx.store, epoch, operator, field, amount)
        return epoch

    def record_fraud(self, ctx: Context, epoch: int, executor: bytes, confirmers: list[bytes], cap: int) -> int:
        """Mark `executor` caught in `epoch` (the next unsettled one if it settled): all its accruals
        of that epoch are forfeited at settlement, and a bounty of at most the accumulated `cap` is paid
        to the accumulated confirmers. Returns the epoch recorded."""
        epoch = self.open_epoch(ctx.store, epoch)
        previous = self.bounty_claim(ctx.store, epoch, executor)
        old_cap, old = previous if previous is not None else (0, [])
        merged = {c: True for c in old}
        for confirmer in confirmers:
            if confirmer != executor:
                merged[confirmer] = True
        ctx.store.set(keys.bounty_key(epoch, executor), keys.encode_bounty(old_cap + cap, sorted(merged)))
        ctx.emit("rewards_fraud_recorded", ("epoch", str(epoch)), ("host", encode_address(executor)),
                 ("confirmers", str(len(merged))), ("cap", str(old_cap + cap)))
        return epoch

    def penalize_heartbeat(self, ctx: Context, epoch: int, operator: bytes, bps: int) -> int:
        """A missed training heartbeat (docs/training.md §9, Delta_hb): withhold `bps` more of what
        `operator` is released for `epoch` (the next unsettled epoch if it settled), applied at
        settlement and burned like other withheld rewards. Returns the epoch recorded."""
        epoch = self.open_epoch(ctx.store, epoch)
        key = keys.heartbeat_key(epoch, operator)
        total = int.from_bytes(ctx.store.get(key) or b"", "big") + bps
        ctx.store.set(key, min(total, BPS).to_bytes(4, "big"))
        ctx.emit("rewards_heartbeat_penalty", ("epoch", str(epoch)), ("host", encode_address(operator)),
                 ("bps", str(min(total, BPS))))
        return epoch

    def _heartbeat_cut(self, store, epoch: int, operator: bytes, released: int) -> int:
        """The part of `released` withheld for missed heartbeats (the record is deleted)."""
        key = keys.heartbeat_key(epoch, operator)
        raw = store.get(key)
        if raw is None:
            return 0
        store.delete(key)
        return released * int.from_bytes(raw, "big") // BPS

    # --- per block -------------------------------------------------------------------------------

    def end_block(self, ctx: Context, keepers: EndBlockSources) -> None:
        """Mint this block's issuance, sweep gas fees, split them; settle the epoch at its last block
        when the inference settlement has not already done so. `keepers` gives the epoch params
        (sprint), the scores (reputation) and bounty_bps (inference)."""
        store, height = ctx.store, ctx.block.height
        sprint_params = keepers.sprint.get_params(store)
        current = epoch_number(sprint_params, height)
        self.collect_block(ctx, self.open_epoch(store, current), keepers.mint)
        if height == bounds(sprint_params, current).end and not self.is_settled(store, current):
            sources = SettlementSources(reputation=keepers.reputation, inference=keepers.inference)
            self.settle_epoch(ctx, sources, current, {})

    def collect_block(self, ctx: Context, epoch: int, mint: MintSource | None = None) -> None:
        """Mint the block's issuance into "rewards" (mint's decision; block_reward without mint),
        sweep fee_collector's denom balance (q to "rewards", the rest to the community vault), split
        issuance + q fees into the proposer's accrual and `epoch`'s pools."""
        params = self.get_params(ctx.store)
        denom = params.denom
        issued = mint.take_block_issuance(ctx, params) if mint is not None else block_reward(params, ctx.block.height)
        if issued:
            self.bank.mint_to_module(ctx, keys.MODULE_NAME, [(denom, issued)])
        fees = self.bank.balance(ctx.store, module_address(FEE_COLLECTOR), denom)
        kept, vault = mint.fee_split(ctx.store, fees) if mint is not None else (fees, 0)
        if kept:
            self.bank.send_module_to_module(ctx, FEE_COLLECTOR, keys.MODULE_NAME, [(denom, kept)])
        if vault:
            self.bank.send_module_to_module(ctx, FEE_COLLECTOR, VAULT_MODULE, [(denom, vault)])
        total = issued + kept
        if total == 0 and fees == 0:
            return
        proposer_cut = total * params.proposer_bps // BPS
        validator_cut = total * params.validator_bps // BPS
        executor_cut = total - proposer_cut - validator_cut
        proposer = self.hosts.operator_by_consensus_address(ctx.store, ctx.block.proposer) \
            if ctx.block.proposer else None
        if proposer is None:
            executor_cut += proposer_cut
        elif proposer_cut:
            self._add(ctx.store, epoch, proposer, "proposer_rewards", proposer_cut)
        pool = self.get_pool(ctx.store, epoch)
        pool.issued += issued
        pool.gas_fees += fees
        pool.vault_fees += vault
        pool.executor_pool += executor_cut
        pool.validator_pool += validator_cut
        self.set_pool(ctx.store, pool)

    # --- settlement ------------------------------------------------------------------------------

    def settle_epoch(self, ctx: Context, sources: SettlementSources, epoch: int,
                     outcomes: dict[bytes, dict]) -> list[HostOutcome]:
        """Share out `epoch`'s pools, then release / withhold / forfeit every host's accruals of the
        epoch (see the module docstring); returns the HostOutcomes written. A second call for the
        same epoch does nothing and returns []. `sources` may also be any object with the fields of
        SettlementSources (reputation, optionally inference)."""
        if not isinstance(sources, SettlementSources):
            sources = SettlementSources(**vars(sources))  # an unknown field is a TypeError, never ignored
        store = ctx.store
        if self.is_settled(store, epoch):
            return []
        params = self.get_params(store)
        burn = self._share_pools(ctx, sources, epoch, outcomes)
        operators = {operator: True for operator, _ in self.accruals(store, epoch)}
        for operator in outcomes:
            operators[operator] = True
        for executor, _, _ in self.bounty_claims(store, epoch):
            operators[executor] = True
        bounty_bps = self._bounty_bps(store, sources)
        written = []
        for operator in sorted(operators):
            outcome, burned = self._settle_host(ctx, params, epoch, operator, outcomes.get(operator, {}), bounty_bps)
            burn += burned
            written.append(outcome)
        for key in [key for key, _ in store.iterate(keys.epoch_prefix(keys.HEARTBEAT_PREFIX, epoch))]:
            store.delete(key)  # penalties of hosts with nothing to release this epoch
        if burn:
            self.bank.burn_from_module(ctx, keys.MODULE_NAME, [(params.denom, burn)])
        store.set(keys.settled_key(epoch), b"\x01")
        ctx.emit("rewards_settled", ("epoch", str(epoch)), ("hosts", str(len(written))), ("burned", str(burn)))
        return written

    @staticmethod
    def _bounty_bps(store, sources: SettlementSources) -> int:
        """The inference params' bounty_bps; DEFAULT_BOUNTY_BPS without an inference source."""
        if sources.inference is None:
            return DEFAULT_BOUNTY_BPS
        return sources.inference.get_params(store).bounty_bps

    def _scores(self, store, sources: SettlementSources, operators: list[bytes]) -> list[int]:
        """Reputation scheduling score (ppm) of each operator; 10^6 each without a reputation keeper."""
        reputation = sources.reputation or self.reputation
        if reputation is None:
            return [PPM for _ in operators]
        table = reputation.scores(store)
        return [table.get(operator, 0) for operator in operators]

    def _share_pools(self, ctx: Context, sources: SettlementSources, epoch: int, outcomes: dict[bytes, dict]) -> int:
        """Credit pool shares to the hosts' accruals of `epoch`; returns the undistributed rest."""
        store = ctx.store
        pool = self.get_pool(store, epoch)
        executor_pool, validator_pool = pool.executor_pool, pool.validator_pool
        duties = [(operator, outcomes[operator].get("duties_done", 0)) for operator in sorted(outcomes)]
        if sum(d for _, d in duties) == 0:
            executor_pool, validator_pool = executor_pool + validator_pool, 0
        eligible = [(operator, host.weight) for operator, host in self.hosts.eligible_hosts(store)]
        scores = self._scores(store, sources, [operator for operator, _ in eligible])
        scored = [(operator, weight * score) for (operator, weight), score in zip(eligible, scores)]
        if sum(w for _, w in scored) == 0:
            scored = eligible
        paid = 0
        for field, shares in (("executor_pool_share", proportional_shares(executor_pool, scored)),
                              ("validator_pool_share", proportional_shares(validator_pool, duties))):
            for operator, amount in shares:
                if amount:
                    self._add(store, epoch, operator, field, amount)
                    paid += amount
        return executor_pool + validator_pool - paid

    def _settle_host(self, ctx: Context, params: Params, epoch: int, operator: bytes, outcome: dict,
                     bounty_bps: int) -> tuple[HostOutcome, int]:
        """Pay out or forfeit one host's accruals of `epoch`; returns (its HostOutcome, amount to burn)."""
        store, host = ctx.store, encode_address(operator)
        accrual = self.get_accrual(store, epoch, operator)
        total = accrual_total(accrual) if accrual is not None else 0
        store.delete(keys.accrual_key(epoch, operator))
        claim = self.bounty_claim(store, epoch, operator)
        result = HostOutcome(host=host, epoch=epoch, caught=claim is not None,
                             jobs_assigned=outcome.get("jobs_assigned", 0), jobs_done=outcome.get("jobs_done", 0),
                             duties_drawn=outcome.get("duties_drawn", 0), duties_done=outcome.get("duties_done", 0))
        burned = 0
        if claim is not None:
            result.forfeited = total
            burned = total - self._pay_bounty(ctx, params, epoch, operator, total, claim, bounty_bps)
            ctx.emit("rewards_forfeited", ("epoch", str(epoch)), ("host", host), ("amount", str(total)))
        else:
            released = release_amount(total, outcome)
            result.released = released - self._heartbeat_cut(store, epoch, operator, released)
            result.withheld = burned = total - result.released
            if result.released:
                self.bank.send_from_module(ctx, keys.MODULE_NAME, operator, [(params.denom, result.released)])
            ctx.emit("rewards_released", ("epoch", str(epoch)), ("host", host), ("amount", str(result.released)))
            if result.withheld:
                ctx.emit("rewards_withheld", ("epoch", str(epoch)), ("host", host), ("amount", str(result.withheld)))
        self._set_outcome(store, operator, result)
        return result, burned

    def _pay_bounty(self, ctx: Context, params: Params, epoch: int, executor: bytes, forfeited: int,
                    claim: tuple[int, list[bytes]], bounty_bps: int) -> int:
        """Pay min(forfeited x bounty_bps / 10^4, cap) in equal floored parts to the confirmers;
        returns the amount paid."""
        cap, confirmers = claim
        if not confirmers:
            return 0
        each = min(forfeited * bounty_bps // BPS, cap) // len(confirmers)
        if each == 0:
            return 0
        for confirmer in confirmers:
            self.bank.send_from_module(ctx, keys.MODULE_NAME, confirmer, [(params.denom, each)])
            ctx.emit("rewards_bounty", ("epoch", str(epoch)), ("host", encode_address(confirmer)),
                     ("executor", encode_address(executor)), ("amount", str(each)))
        return each * len(confirmers)
