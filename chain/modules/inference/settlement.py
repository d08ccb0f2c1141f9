"""Epoch audits and the inference settlement of an epoch (docs/inference.md §4 and §6).

Audit snapshot: at the first block of epoch e (or the first block run without one) the EpochAudit
of e records the eligible hosts (weight > 0, not BANNED, ascending operator) and their weights;
its seed is filled from the sprint keeper once the sprint has fixed S_e.

Settlement, at the end of the last block of epoch e (before rewards.settle_epoch):
1. every job indexed under an audit epoch <= e: COMPLETED -> paid and SETTLED; REVERIFYING ->
   deferred to e + 1; anything else (FRAUD, ...) leaves the index;
2. paying a job: its PENDING checks become PROVEN (the host's revealed secret of the job's audit
   epoch draws it) or FORGED; training_fund_bps of the cost goes to "training_fund"; the rest is
   split equally between the executor and every PROVEN checker with a VALID verdict (remainder to
   the executor), moved to "rewards" and accrued (executor_fees / validator_fees) for epoch e;
3. duties of each paid job: every snapshot host of its audit epoch except the executor with a
   revealed secret is drawn or not; drawn with no check on the job is a missed duty. A snapshot
   host that did not reveal is charged ceil(sum of its thresholds / 2^64) duties, none done;
4. outcomes per host {jobs_assigned, jobs_done, duties_drawn, duties_done}, with jobs counted from
   its reputation record's completed/expired counters since the epoch began; then
   reputation.record_duties, reputation.end_epoch(active, caught) and rewards.settle_epoch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sprint.inference.v1.inference_pb2 import (
    DRAW_PROOF_FORGED, DRAW_PROOF_PENDING, DRAW_PROOF_PROVEN, JOB_STATUS_COMPLETED, JOB_STATUS_REVERIFYING,
    JOB_STATUS_SETTLED, REVERIFY_OUTCOME_INCONCLUSIVE, VERDICT_VALID, EpochAudit, HostWeight, Job,
)

from chain.context import Context
from chain.modules.inference import duties, keys, reverification
from chain.modules.rewards.expected_keepers import SettlementSources
from chain.tx.crypto import decode_address, encode_address

BPS = 10_000
TRAINING_FUND = "training_fund"
REWARDS = "rewards"


# --- audit snapshots ---------------------------------------------------------------------------


def ensure_audit(ctx: Context, keepers, epoch: int) -> EpochAudit:
    """The EpochAudit of `epoch`, snapshotting the eligible hosts when it does not exist yet."""
    record = keepers.inference.verification.get_audit(ctx.store, epoch)
    if record is not None:
        return record
    record = EpochAudit(epoch=epoch)
    for _, host in keepers.hosts.eligible_hosts(ctx.store):
        record.weights.append(HostWeight(host=host.operator, weight=host.weight))
    _count_requests(ctx.store, keepers, record)
    keepers.inference.verification.set_audit(ctx.store, record)
    _ensure_baselines(ctx.store, keepers, epoch)
    ctx.emit("inference_audit_snapshot", ("epoch", str(epoch)), ("hosts", str(len(record.weights))),
             ("total_weight", str(sum(w.weight for w in record.weights))))
    return record


def fill_seed(ctx: Context, keepers, epoch: int) -> None:
    """Copy the sprint seed of `epoch` into its audit once the sprint has fixed it."""
    record = keepers.inference.verification.get_audit(ctx.store, epoch)
    if record is None or record.seed:
        return
    seed = keepers.sprint.get_seed(ctx.store, epoch)
    if seed:
        record.seed = seed
        _count_requests(ctx.store, keepers, record)
        keepers.inference.verification.set_audit(ctx.store, record)
        ctx.emit("inference_audit_seed", ("epoch", str(epoch)), ("seed", seed.hex()))


def _count_requests(store, keepers, record: EpochAudit) -> None:
    record.requests = keepers.reputation.requests(store, record.epoch)
    record.volume = keepers.reputation.volume(store, record.epoch)


def snapshot_weights(record: EpochAudit | None) -> list[tuple[bytes, int]]:
    return [(decode_address(w.host), w.weight) for w in record.weights] if record is not None else []


# --- job-count baselines -----------------------------------------------------------------------


def _ensure_baselines(store, keepers, epoch: int) -> None:
    """Remember every reputation record's job counters as `epoch` begins (kept when already set)."""
    for operator, rep in keepers.reputation.iterate(store):
        if keepers.inference.verification.get_baseline(store, epoch, operator) is None:
            keepers.inference.verification.set_baseline(store, epoch, operator, rep.jobs_completed, rep.jobs_expired)


def _job_counts(store, keepers, epoch: int) -> dict[bytes, tuple[int, int]]:
    """operator -> (jobs finished in `epoch` (result or expiry), jobs completed in `epoch`)."""
    counts = {}
    for operator, rep in keepers.reputation.iterate(store):
        completed0, expired0 = keepers.inference.verification.get_baseline(store, epoch, operator) or (0, 0)
        done = max(0, rep.jobs_completed - completed0)
        expired = max(0, rep.jobs_expired - expired0)
        if done or expired:
            counts[operator] = (done + expired, done)
    return counts


# --- settlement --------------------------------------------------------------------------------


@dataclass
class DutyInputs:
    """What proves checks and draws duties for jobs of one audit epoch."""

    weights: list[tuple[bytes, int]]
    seed: bytes
    secrets: dict[bytes, bytes]


@dataclass
class Tally:
    drawn: dict[bytes, int] = field(default_factory=dict)
    done: dict[bytes, int] = field(default_factory=dict)
    unrevealed: dict[bytes, int] = field(default_factory=dict)  # operator -> sum of thresholds

    def add(self, table: dict[bytes, int], operator: bytes, amount: int) -> None:
        table[operator] = table.get(operator, 0) + amount


def duty_inputs(store, vstore, epoch: int) -> DutyInputs:
    record = vstore.get_audit(store, epoch)
    secrets = {operator: rec.secret for operator, rec in vstore.secrets(store, epoch) if rec.secret}
    return DutyInputs(snapshot_weights(record), record.seed if record is not None else b"", secrets)


def settle(ctx: Context, keepers, epoch: int) -> dict[bytes, dict]:
    """Settle audit epoch `epoch` (see the module docstring); returns the outcomes handed to rewards."""
    record = ensure_audit(ctx, keepers, epoch)
    inputs: dict[int, DutyInputs] = {}
    tally = Tally()
    settled = 0
    for audit_epoch, job_id in keepers.inference.audit_jobs_up_to(ctx.store, epoch):
        keepers.inference.remove_audit(ctx.store, audit_epoch, job_id)
        job = keepers.inference.get_job(ctx.store, job_id)
        if job is None:
            continue
        if job.status == JOB_STATUS_REVERIFYING and not keepers.inference.verification.is_open(
                ctx.store, job.reverification.deadline_height, job_id):
            reverification.close(ctx, keepers, job, REVERIFY_OUTCOME_INCONCLUSIVE)  # lost its record (import)
        if job.status == JOB_STATUS_REVERIFYING:
            keepers.inference.add_audit(ctx.store, epoch + 1, job_id)
        elif job.status == JOB_STATUS_COMPLETED:
            if job.audit_epoch not in inputs:
                inputs[job.audit_epoch] = duty_inputs(ctx.store, keepers.inference.verification, job.audit_epoch)
            settle_job(ctx, keepers, epoch, job, inputs[job.audit_epoch], tally)
            settled += 1
    outcomes = build_outcomes(ctx.store, keepers, epoch, tally)
    finish_epoch(ctx, keepers, epoch, outcomes)
    _count_requests(ctx.store, keepers, record)
    record.settled = True
    keepers.inference.verification.set_audit(ctx.store, record)
    ctx.emit("inference_epoch_settled", ("epoch", str(epoch)), ("jobs", str(settled)),
             ("hosts", str(len(outcomes))))
    return outcomes


def prove_checks(job: Job, executor: bytes, inputs: DutyInputs) -> None:
    """PENDING checks -> PROVEN when the checker's revealed secret draws it for the job, else FORGED."""
    for check in job.checks:
        if check.draw != DRAW_PROOF_PENDING:
            continue
        operator = decode_address(check.validator)
        secret = inputs.secrets.get(operator)
        threshold = duties.host_threshold(inputs.weights, executor, operator, job.validation_ppm)
        drawn = secret is not None and duties.is_drawn(secret, inputs.seed, job.id, threshold)
        check.draw = DRAW_PROOF_PROVEN if drawn else DRAW_PROOF_FORGED


def settle_job(ctx: Context, keepers, epoch: int, job: Job, inputs: DutyInputs, tally: Tally) -> None:
    """Prove the job's checks, pay its cost, count its duties and mark it SETTLED."""
    executor = decode_address(job.executor)
    prove_checks(job, executor, inputs)
    shares = pay_job(ctx, keepers, epoch, job, executor)
    count_duties(job, executor, inputs, tally)
    job.status = JOB_STATUS_SETTLED
    keepers.inference.set_job(ctx.store, job)
    forged = [c.validator for c in job.checks if c.draw == DRAW_PROOF_FORGED]
    ctx.emit("inference_settled", ("job_id", str(job.id)), ("executor", job.executor), ("epoch", str(epoch)),
             ("cost", str(job.cost)), ("shares", ",".join(f"{encode_address(op)}:{amt}" for op, amt in shares)),
             ("forged", ",".join(forged)))


def pay_job(ctx: Context, keepers, epoch: int, job: Job, executor: bytes) -> list[tuple[bytes, int]]:
    """Move the job's cost out of the escrow (training fund, then the executor/checker split into rewards);
    returns (operator, amount) accrued, the executor first."""
    params = keepers.inference.get_params(ctx.store)
    denom, bank = params.fee_denom, keepers.bank
    fund = job.cost * params.training_fund_bps // BPS
    rest = job.cost - fund
    if fund:
        bank.send_module_to_module(ctx, keys.MODULE_NAME, TRAINING_FUND, [(denom, fund)])
    if rest:
        bank.send_module_to_module(ctx, keys.MODULE_NAME, REWARDS, [(denom, rest)])
    checkers = [decode_address(c.validator) for c in job.checks
                if c.draw == DRAW_PROOF_PROVEN and c.verdict == VERDICT_VALID]
    share = rest // (len(checkers) + 1)
    shares = [(executor, rest - share * len(checkers))] + [(operator, share) for operator in checkers]
    keepers.rewards.accrue(ctx, epoch, executor, "executor_fees", shares[0][1])
    for operator, amount in shares[1:]:
        keepers.rewards.accrue(ctx, epoch, operator, "validator_fees", amount)
    return shares


def count_duties(job: Job, executor: bytes, inputs: DutyInputs, tally: Tally) -> None:
    """Add the job's drawn and done duties (and unrevealed hosts' thresholds) to the tally."""
    checked = {decode_address(c.validator) for c in job.checks}
    others = duties.others_weight(inputs.weights, executor)
    for operator, weight in inputs.weights:
        threshold = 0 if operator == executor else duties.duty_threshold(job.validation_ppm, weight, others)
        if threshold == 0:
            continue
        secret = inputs.secrets.get(operator)
        if secret is None:
            tally.add(tally.unrevealed, operator, threshold)
        elif duties.is_drawn(secret, inputs.seed, job.id, threshold):
            tally.add(tally.drawn, operator, 1)
            tally.add(tally.done, operator, 1 if operator in checked else 0)


def build_outcomes(store, keepers, epoch: int, tally: Tally) -> dict[bytes, dict]:
    """operator -> {jobs_assigned, jobs_done, duties_drawn, duties_done}, ascending operator order."""
    jobs = _job_counts(store, keepers, epoch)
    for operator, thresholds in tally.unrevealed.items():
        tally.add(tally.drawn, operator, duties.expected_duties(thresholds))
    operators = sorted(set(jobs) | set(tally.drawn) | {op for op, _ in snapshot_weights(keepers.inference.verification.get_audit(store, epoch))})
    return {operator: {"jobs_assigned": jobs.get(operator, (0, 0))[0], "jobs_done": jobs.get(operator, (0, 0))[1],
                       "duties_drawn": tally.drawn.get(operator, 0), "duties_done": tally.done.get(operator, 0)}
            for operator in operators}


def finish_epoch(ctx: Context, keepers, epoch: int, outcomes: dict[bytes, dict]) -> None:
    """Reputation duties and honest epochs, rewards settlement, next epoch's job baselines."""
    reputation = keepers.reputation
    active = {operator: True for operator, summary in keepers.sprint.summaries(ctx.store, epoch)
              if summary.settled_weight > 0}
    for operator, outcome in outcomes.items():
        drawn, done = outcome["duties_drawn"], outcome["duties_done"]
        reputation.record_duties(ctx.store, operator, done, drawn - done)
        if outcome["jobs_done"] or done:
            active[operator] = True
    reputation.end_epoch(ctx, epoch, sorted(active), keepers.inference.verification.caught(ctx.store, epoch))
    keepers.rewards.settle_epoch(ctx, SettlementSources(reputation=keepers.reputation, inference=keepers.inference),
                                 epoch, outcomes)
    keepers.inference.verification.clear_baselines(ctx.store, epoch)
    _ensure_baselines(ctx.store, keepers, epoch + 1)
