"""mint block hook, at the end of every block (after inference and every module that settles, before
rewards, which mints what mint decides):

1. at the first block of epoch E >= 1: measure epoch E-1 (its KPIs, distance, the rate rho of E,
   its supply accounting; event `mint_epoch`), then issue E's dummy tasks to idle hosts;
2. fold this block's end-block events into E's accumulator (measure.py).
"""

from __future__ import annotations

from chain.context import Context
from chain.modules.inference import dummy
from chain.modules.mint import measure
from chain.modules.mint.expected_keepers import MintDeps
from chain.modules.sprint.epochs import bounds, epoch_number


def end_block(ctx: Context, deps: MintDeps) -> None:
    """Measure the epoch that just ended (first block of an epoch), dummy tasks, then accumulate."""
    store, mint = ctx.store, deps.mint
    sprint_params = deps.sprint.get_params(store)
    epoch = epoch_number(sprint_params, ctx.block.height)
    denom = deps.rewards.get_params(store).denom
    events = list(ctx.events)  # this block's end-block events before mint's own
    first_block = epoch >= 1 and ctx.block.height == bounds(sprint_params, epoch).start
    if first_block and mint.get_kpis(store, epoch - 1) is None:
        measure.measure_epoch(ctx, deps, epoch - 1, denom)
        mint.set_accumulator(store, mint.open_accumulator(store, epoch, denom))
        settled = dict(mint.active(store, epoch - 1))
        mint.clear_active(store, epoch - 1)
        jobs = dummy.issue_for_epoch(ctx, deps, epoch, settled)
        if jobs:
            acc = mint.open_accumulator(store, epoch, denom)
            acc.dummy_jobs += len(jobs)
            mint.set_accumulator(store, acc)
    acc = mint.open_accumulator(store, epoch, denom)
    measure.scan_events(ctx, deps, acc, events)
    mint.set_accumulator(store, acc)
