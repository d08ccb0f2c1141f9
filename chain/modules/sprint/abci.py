"""sprint block hooks: the end-of-block work, at three phase boundaries of the epoch containing the block:

- end of the last reveal block: seed = randomness.sprint_seed(block hash, reveals); hosts that
  committed but did not reveal become EXCLUDED (event `sprint_excluded`, missed-reveal counter);
- end of the last proof block: validation_seed = randomness.validation_seed(seed, block hash);
  every prover (a host with >= 1 nonce, ascending operator order) gets validators drawn by
  randomness.draw_validators from the eligible hosts (current weight > 0, not BANNED, not the
  prover); the draw is stored both ways and the eligible weight in the prover's summary;
- end of the last validation block: settlement.settle (returns the validator updates).
"""

from __future__ import annotations

from sprint.sprint.v1.sprint_pb2 import PROOF_STATUS_EXCLUDED, Params

from chain.context import Context
from chain.modules.sprint import randomness
from chain.modules.sprint.epochs import bounds, epoch_number
from chain.modules.sprint.settlement import settle
from chain.tx.crypto import encode_address


def end_block(ctx: Context, keepers) -> list[tuple[bytes, int]]:
    """Run the sprint boundary work due at ctx.block.height; returns CometBFT validator updates."""
    params = keepers.sprint.get_params(ctx.store)
    height = ctx.block.height
    b = bounds(params, epoch_number(params, height))
    if height == b.reveal_end:
        fix_seed(ctx, keepers, b.number)
    elif height == b.proof_end:
        assign_validators(ctx, keepers, params, b.number)
    elif height == b.validation_end:
        return settle(ctx, keepers, params, b.number)
    return []


def fix_seed(ctx: Context, keepers, epoch: int) -> bytes:
    sprint = keepers.sprint
    reveals = sprint.reveals(ctx.store, epoch)
    seed = randomness.sprint_seed(ctx.block.hash, reveals)
    sprint.set_seed(ctx.store, epoch, seed)
    for operator, summary in sprint.summaries(ctx.store, epoch):
        if summary.committed and not summary.revealed:
            summary.status = PROOF_STATUS_EXCLUDED
            sprint.set_summary(ctx.store, epoch, operator, summary)
            count = sprint.add_missed_reveal(ctx.store, operator)
            ctx.emit("sprint_excluded", ("epoch", str(epoch)), ("host", summary.host),
                     ("reason", "committed a seed but did not reveal it"), ("missed_reveals", str(count)))
    ctx.emit("sprint_seed", ("epoch", str(epoch)), ("seed", seed.hex()), ("reveals", str(len(reveals))),
             ("block_hash", ctx.block.hash.hex()))
    return seed


def eligible_validators(ctx: Context, keepers) -> list[tuple[bytes, int]]:
    """(operator, current weight) of every eligible host (HostsKeeper.eligible_hosts)."""
    return [(operator, host.weight) for operator, host in keepers.hosts.eligible_hosts(ctx.store)]


def assign_validators(ctx: Context, keepers, params: Params, epoch: int) -> None:
    sprint = keepers.sprint
    vseed = randomness.validation_seed(sprint.get_seed(ctx.store, epoch), ctx.block.hash)
    sprint.set_validation_seed(ctx.store, epoch, vseed)
    ctx.emit("sprint_validation_seed", ("epoch", str(epoch)), ("validation_seed", vseed.hex()))
    candidates = eligible_validators(ctx, keepers)
    for prover, summary in sprint.summaries(ctx.store, epoch):
        if summary.nonce_count == 0:
            continue
        pool = [(operator, weight) for operator, weight in candidates if operator != prover]
        drawn = randomness.draw_validators(vseed, prover, pool, params.assignment_weight_bps)
        summary.eligible_weight = sum(weight for _, weight in pool)
        summary.validators.extend(encode_address(operator) for operator in drawn)
        sprint.set_summary(ctx.store, epoch, prover, summary)
        for validator in drawn:
            sprint.assign(ctx.store, epoch, validator, prover)
        ctx.emit("sprint_assignment", ("epoch", str(epoch)), ("prover", summary.host),
                 ("validators", ",".join(summary.validators)), ("eligible_weight", str(summary.eligible_weight)))
