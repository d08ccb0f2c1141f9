"""ReputationKeeper: per-host reputation records, request counters, validation probability and
scheduling score; the only code that touches 0x60-0x62. Formulas: chain.modules.reputation.formulas."""

from __future__ import annotations

from sprint.reputation.v1.reputation_pb2 import HostReputation, Params

from chain.context import Context
from chain.modules.reputation import formulas, keys
from chain.modules.reputation.expected_keepers import HostsKeeper, StakingKeeper
from chain.modules.reputation.params import PPM, default_params
from chain.tx.crypto import decode_address, encode_address

_DERIVED = ("validation_ppm", "score_ppm", "has_record")


class ReputationLevels:
    """Read-only reputation records and params: what staking needs (`level`), with no dependencies
    of its own (the full keeper reads bonds, so staking gets this narrow view)."""

    def get_params(self, store) -> Params:
        """Stored params (the defaults for a store initialised before reputation existed)."""
        raw = store.get(keys.PARAMS_KEY)
        return Params.FromString(raw) if raw is not None else default_params()

    def get(self, store, operator: bytes) -> HostReputation | None:
        """The stored record (derived fields unset), or None for a host without one."""
        raw = store.get(keys.host_key(operator))
        return HostReputation.FromString(raw) if raw is not None else None

    def iterate(self, store):
        """(operator, stored record) in ascending operator order."""
        for key, raw in store.iterate(keys.HOST_PREFIX):
            yield keys.split_host_key(key), HostReputation.FromString(raw)

    def level(self, store, operator: bytes) -> tuple[int, int]:
        """(honest_epochs, full_reputation_epochs): the reputation level staking scales lock-ups by."""
        rep = self.get(store, operator)
        return (rep.honest_epochs if rep else 0), self.get_params(store).full_reputation_epochs


class ReputationKeeper(ReputationLevels):
    """Honesty record of each host (epochs of honest work, success and work-value EMAs, counters).

    `staking` gives the bonds of the stake share; `hosts` the host list for batch scores."""

    def __init__(self, staking: StakingKeeper, hosts: HostsKeeper):
        self.staking = staking
        self.hosts = hosts

    def set_params(self, store, params: Params) -> None:
        store.set(keys.PARAMS_KEY, params.SerializeToString())

    def set(self, store, rep: HostReputation) -> None:
        """Store a record by rep.host; derived fields are not stored."""
        stored = HostReputation()
        stored.CopyFrom(rep)
        for name in _DERIVED:
            stored.ClearField(name)
        store.set(keys.host_key(decode_address(rep.host)), stored.SerializeToString())

    def _get_or_new(self, store, operator: bytes) -> HostReputation:
        return self.get(store, operator) or HostReputation(host=encode_address(operator))

    # ------------------------------------------------------------------ request volume

    def record_request(self, store, epoch: int) -> None:
        """Count one inference request in `epoch`."""
        store.set(keys.requests_key(epoch), (self.requests(store, epoch) + 1).to_bytes(8, "big"))

    def requests(self, store, epoch: int) -> int:
        raw = store.get(keys.requests_key(epoch))
        return int.from_bytes(raw, "big") if raw else 0

    def volume(self, store, epoch: int) -> int:
        """Request volume V (docs/protocol.md §4): max(requests of epoch - 1, requests of epoch)."""
        previous = self.requests(store, epoch - 1) if epoch > 0 else 0
        return max(previous, self.requests(store, epoch))

    # ------------------------------------------------------------------ derived values

    def validation_ppm(self, store, operator: bytes, epoch: int) -> int:
        """Probability (ppm) that a job executed by `operator` now is checked (docs/protocol.md §4):
        p = 10^6 - (10^6 - vmin(volume)) x min(h, N) // N."""
        rep = self.get(store, operator)
        return formulas.validation_ppm(self.get_params(store), rep.honest_epochs if rep else 0,
                                       self.volume(store, epoch))

    def _totals(self, store) -> tuple[dict[bytes, int], int, int]:
        """({operator: L}, sum L over records, sum of all bonds)."""
        logs = {op: formulas.ilog2_fixed(1 + rep.work_value_ema) for op, rep in self.iterate(store)}
        bonds = sum(amount for _, amount in self.staking.iterate_bonds(store))
        return logs, sum(logs.values()), bonds

    def score_ppm(self, store, operator: bytes) -> int:
        """Scheduling score (docs/protocol.md §5, ppm): w1 x success + w2 x L_i / sum L + w3 x bond_i / sum bond,
        L = ilog2_fixed(1 + work_value_ema) (16 fractional bits), each term floor-divided."""
        logs, log_total, bond_total = self._totals(store)
        return self._score(store, operator, logs, log_total, bond_total)

    def scores(self, store) -> dict[bytes, int]:
        """score_ppm of every registered host (one pass over records and bonds)."""
        logs, log_total, bond_total = self._totals(store)
        return {op: self._score(store, op, logs, log_total, bond_total) for op, _ in self.hosts.iterate_hosts(store)}

    def _score(self, store, operator: bytes, logs: dict, log_total: int, bond_total: int) -> int:
        rep = self.get(store, operator)
        return formulas.score_ppm(self.get_params(store), rep.success_rate_ppm if rep else 0, logs.get(operator, 0),
                                  log_total, self.staking.bonded(store, operator), bond_total)

    def view(self, store, operator: bytes, epoch: int) -> HostReputation:
        """The record with derived fields (a zero record with has_record False when there is none)."""
        rep = self.get(store, operator)
        out = rep if rep is not None else HostReputation(host=encode_address(operator))
        out.has_record = rep is not None
        out.validation_ppm = self.validation_ppm(store, operator, epoch)
        out.score_ppm = self.score_ppm(store, operator)
        return out

    # ------------------------------------------------------------------ updates

    def record_job(self, store, operator: bytes, epoch: int, rating_ppm: int, work_value: int,
                   completed: bool | None = None) -> HostReputation:
        """One finished job of `operator`: success EMA with rating r (10^6 completed,
        params.expired_rating_ppm expired; the first job sets it), work-value EMA with the job's
        value (completed jobs only; the first sets it), jobs_completed / jobs_expired,
        last_active_epoch. `completed` defaults to rating_ppm == 10^6."""
        params = self.get_params(store)
        completed = rating_ppm >= PPM if completed is None else completed
        rep = self._get_or_new(store, operator)
        first_job = rep.jobs_completed + rep.jobs_expired == 0
        rep.success_rate_ppm = rating_ppm if first_job else formulas.ema(rep.success_rate_ppm, rating_ppm,
                                                                         params.success_alpha_ppm)
        if completed:
            rep.work_value_ema = work_value if rep.jobs_completed == 0 else formulas.ema(
                rep.work_value_ema, work_value, params.work_alpha_ppm)
            rep.jobs_completed += 1
        else:
            rep.jobs_expired += 1
        rep.last_active_epoch = max(rep.last_active_epoch, epoch)
        self.set(store, rep)
        return rep

    def record_fraud(self, ctx: Context, operator: bytes) -> HostReputation:
        """Confirmed fraud: honest_epochs = 0, success EMA updated with r = 0, frauds += 1; emits
        "reputation_reset"."""
        params = self.get_params(ctx.store)
        rep = self._get_or_new(ctx.store, operator)
        rep.honest_epochs = 0
        rep.success_rate_ppm = formulas.ema(rep.success_rate_ppm, 0, params.success_alpha_ppm)
        rep.frauds += 1
        self.set(ctx.store, rep)
        ctx.emit("reputation_reset", ("host", rep.host), ("frauds", str(rep.frauds)),
                 ("success_rate_ppm", str(rep.success_rate_ppm)))
        return rep

    def scale_success(self, ctx: Context, operator: bytes, keep_ppm: int, reason: str) -> HostReputation:
        """Multiply the success rate by keep_ppm / 10^6 (floor; e.g. the training fraud hit 1 - Phi,
        docs/training.md §8); emits "reputation_hit"."""
        rep = self._get_or_new(ctx.store, operator)
        rep.success_rate_ppm = rep.success_rate_ppm * max(0, min(keep_ppm, PPM)) // PPM
        return self._store_hit(ctx, rep, reason)

    def drop_success(self, ctx: Context, operator: bytes, drop_ppm: int, reason: str) -> HostReputation:
        """Lower the success rate by drop_ppm (at least 0 remains): one reputation step (a training
        fault or a verifier vote against a confirmed outcome); emits "reputation_hit"."""
        rep = self._get_or_new(ctx.store, operator)
        rep.success_rate_ppm = max(0, rep.success_rate_ppm - drop_ppm)
        return self._store_hit(ctx, rep, reason)

    def _store_hit(self, ctx: Context, rep: HostReputation, reason: str) -> HostReputation:
        self.set(ctx.store, rep)
        ctx.emit("reputation_hit", ("host", rep.host), ("success_rate_ppm", str(rep.success_rate_ppm)),
                 ("reason", reason))
        return rep

    def record_duties(self, store, operator: bytes, done: int, missed: int) -> None:
        """Add an epoch's validation duties done and missed."""
        if done == 0 and missed == 0:
            return
        rep = self._get_or_new(store, operator)
        rep.duties_done += done
        rep.duties_missed += missed
        self.set(store, rep)

    def end_epoch(self, ctx: Context, epoch: int, active: list[bytes], caught: list[bytes]) -> None:
        """Close `epoch`: honest_epochs += 1 and last_active_epoch = epoch for every active host not
        caught (a record is created when missing); caught hosts keep honest_epochs = 0. Then delete
        every record inactive for more than inactivity_epochs (it restarts from 0)."""
        params = self.get_params(ctx.store)
        caught_set = {bytes(op) for op in caught}
        for operator in sorted({bytes(op) for op in active}):
            rep = self._get_or_new(ctx.store, operator)
            if operator in caught_set:
                rep.honest_epochs = 0
            else:
                rep.honest_epochs += 1
            rep.last_active_epoch = max(rep.last_active_epoch, epoch)
            self.set(ctx.store, rep)
        stale = [op for op, rep in self.iterate(ctx.store) if epoch - rep.last_active_epoch > params.inactivity_epochs]
        for operator in stale:
            ctx.store.delete(keys.host_key(operator))
            ctx.emit("reputation_expired", ("host", encode_address(operator)), ("epoch", str(epoch)))
        ctx.emit("reputation_epoch", ("epoch", str(epoch)), ("active", str(len(active))),
                 ("caught", str(len(caught_set))), ("expired", str(len(stale))))
