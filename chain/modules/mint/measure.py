"""KPI measurement (docs/economics.md §1): the open epoch's accumulator is fed every block from
the end-block events of the modules that run before mint, and an epoch is measured once, at the
first block of the next epoch (every module has finished with it by then).

Per block: `inference_settled` (a user job: its FLOPs, a success, its cost as fee revenue, one job
for its executor), `inference_expired` (a user job: a failure), `training_segment_passed` (the
segment's FLOPs, read from the training job). Dummy jobs are left out of every KPI.
At measurement: accepted Sprint weight (state), confirmed frauds of the epoch (state: failures),
the epoch's gas fees (rewards pool), reputation records (high-reputation providers).
"""

from __future__ import annotations

from sprint.mint.v1.mint_pb2 import EpochAccumulator, EpochKpis

from chain.context import Context
from chain.modules.mint import flops, formula
from chain.modules.mint.expected_keepers import MintDeps
from chain.modules.mint.keeper import U64_MAX
from chain.tx.crypto import decode_address

MFLOP = 10**6


def _add(value: int, amount: int) -> int:
    return min(value + amount, U64_MAX)  # saturate rather than halt the chain


def scan_events(ctx: Context, deps: MintDeps, acc: EpochAccumulator, events) -> None:
    """Fold this block's end-block `events` (so far) into `acc`."""
    for event in events:
        if event.type == "inference_settled":
            _settled(ctx, deps, acc, dict(event.attributes))
        elif event.type == "inference_expired":
            job = deps.inference.get_job(ctx.store, int(dict(event.attributes).get("job_id", "0")))
            if job is not None and not job.dummy:
                acc.jobs_failed += 1
        elif event.type == "training_segment_passed" and deps.training is not None:
            acc.training_flop = _add(acc.training_flop, _segment_flops(ctx.store, deps, dict(event.attributes)))


def _settled(ctx: Context, deps: MintDeps, acc: EpochAccumulator, attributes: dict) -> None:
    job = deps.inference.get_job(ctx.store, int(attributes.get("job_id", "0")))
    if job is None or job.dummy:
        return
    model = deps.inference.get_model(ctx.store, job.model)
    if model is not None:
        work = flops.inference_flops(model.config, job.prompt_size, job.output_token_count)
        acc.inference_flop = _add(acc.inference_flop, work)
    acc.jobs_succeeded += 1
    acc.job_fees = _add(acc.job_fees, job.cost)
    deps.mint.add_active(ctx.store, acc.epoch, decode_address(job.executor))


def _segment_flops(store, deps: MintDeps, attributes: dict) -> int:
    job = deps.training.get_job(store, int(attributes.get("job_id", "0")))
    if job is None:
        return 0
    index = int(attributes.get("segment", "0"))
    segments = [s for s in job.segments_log if s.index == index]
    if not segments:
        return 0
    return flops.training_flops(job.load_gflop, segments[-1].interval_count, job.intervals)


def kpi_values(store, deps: MintDeps, epoch: int, acc: EpochAccumulator) -> tuple[dict[str, int], dict[str, int]]:
    """({KPI name: value}, raw measurements) of `epoch` from its accumulator and the state."""
    params = deps.mint.get_params(store)
    sprint_params = deps.sprint.get_params(store)
    weight = sum(summary.settled_weight for _, summary in deps.sprint.summaries(store, epoch))
    sprint_flop = flops.sprint_flops(sprint_params.pow_config, weight)
    providers = 0
    for operator, _ in deps.mint.active(store, epoch):
        rep = deps.reputation.get(store, operator)
        if rep is not None and rep.success_rate_ppm >= params.high_reputation_ppm:
            providers += 1
    pool = deps.rewards.get_pool(store, epoch)
    revenue = pool.gas_fees + acc.job_fees
    start = max(0, epoch - params.fee_window_epochs)
    history = [r.fee_revenue for r in (deps.mint.get_kpis(store, e) for e in range(start, epoch)) if r is not None]
    ratio, average = formula.fee_ratio_ppm(revenue, history)
    failed = acc.jobs_failed + len(deps.inference.verification.caught(store, epoch))
    values = {"verified_compute_mflop": min((sprint_flop + acc.inference_flop + acc.training_flop) // MFLOP, U64_MAX),
              "active_high_rep_providers": providers, "fee_growth_ppm": ratio,
              "job_success_ppm": formula.success_ppm(acc.jobs_succeeded, failed)}
    raw = {"sprint_mflop": min(sprint_flop // MFLOP, U64_MAX), "inference_mflop": acc.inference_flop // MFLOP,
           "training_mflop": acc.training_flop // MFLOP, "jobs_succeeded": acc.jobs_succeeded, "jobs_failed": failed,
           "fee_revenue": revenue, "fee_moving_average": average, "vault_inflow": pool.vault_fees}
    return values, raw


def measure_epoch(ctx: Context, deps: MintDeps, epoch: int, denom: str) -> EpochKpis:
    """Measure `epoch` (its window ends now), store its EpochKpis, drop its accumulator."""
    store, mint = ctx.store, deps.mint
    params = mint.get_params(store)
    acc = mint.open_accumulator(store, epoch, denom)
    values, raw = kpi_values(store, deps, epoch, acc)
    evaluation = formula.evaluate(params, epoch, values)
    supply_end = deps.bank.supply(store, denom)
    change = supply_end - acc.supply_start
    record = EpochKpis(epoch=epoch, kpis=evaluation.kpis, distance_ppm=evaluation.distance_ppm,
                       kpi_rate=evaluation.rate, schedule=params.schedule, supply_start=acc.supply_start,
                       supply_end=supply_end, minted=acc.minted, burned=max(0, acc.minted - change),
                       net_inflation_ppm=formula.net_inflation_ppm(acc.supply_start, supply_end),
                       dummy_jobs=acc.dummy_jobs, **raw)
    mint.set_kpis(store, record)
    mint.delete_accumulator(store, epoch)
    ctx.emit("mint_epoch", ("epoch", str(epoch)), ("distance_ppm", str(record.distance_ppm)),
             ("kpi_rate", str(record.kpi_rate)), ("schedule", record.schedule), ("minted", str(record.minted)),
             ("burned", str(record.burned)), ("net_inflation_ppm", str(record.net_inflation_ppm)),
             *((kpi.name, f"{kpi.value}/{kpi.target}") for kpi in record.kpis))
    return record
