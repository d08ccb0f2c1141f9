"""Settlement: tally each prover's votes, slash rejected provers, set weights and validator powers.

Runs at the end of the last validation block of an epoch. For each host that revealed (PENDING):
- no nonces submitted: ACCEPTED with weight 0 (nothing to check);
- no eligible validators (eligible_weight 0, e.g. the only host with weight: the bootstrap rule):
  ACCEPTED, weight = its distinct nonce count;
- approve_weight * 2 > eligible_weight: ACCEPTED, weight = its distinct nonce count;
- reject_weight * 2 > eligible_weight: REJECTED, weight 0, slashed slash_fraction_bps of its bond;
- otherwise INCONCLUSIVE, weight 0, no slash.
Every other host (did not take part, excluded) gets weight 0.

Power: cap = max(1, total settled weight * max_power_bps // 10000); power = min(weight, cap), and 0
for a BANNED host or one below minimum collateral. When the total power would be 0 the previous
weights and powers are all kept (a chain must not lose its validator set) and a
`sprint_power_unchanged` event says so. Validator updates are (consensus pubkey, power) for every
host whose power changed (0 removes it), sorted by pubkey.
"""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED
from sprint.sprint.v1.sprint_pb2 import (
    PROOF_STATUS_ACCEPTED, PROOF_STATUS_INCONCLUSIVE, PROOF_STATUS_PENDING, PROOF_STATUS_REJECTED, Params,
    ProofStatus, ProofSummary,
)

from chain.context import Context
from chain.modules.sprint.params import BPS
from chain.tx.crypto import decode_address

SLASH_REASON = "sprint proof rejected"


def tally(summary: ProofSummary) -> tuple[int, int]:
    """(ProofStatus, settled weight) of one revealed host from its nonce count and votes."""
    if summary.nonce_count == 0:
        return PROOF_STATUS_ACCEPTED, 0
    if summary.eligible_weight == 0 or summary.approve_weight * 2 > summary.eligible_weight:
        return PROOF_STATUS_ACCEPTED, summary.nonce_count
    if summary.reject_weight * 2 > summary.eligible_weight:
        return PROOF_STATUS_REJECTED, 0
    return PROOF_STATUS_INCONCLUSIVE, 0


def power_cap(total_weight: int, max_power_bps: int) -> int:
    return max(1, total_weight * max_power_bps // BPS)


def settle(ctx: Context, keepers, params: Params, epoch: int) -> list[tuple[bytes, int]]:
    """Settle `epoch`; returns the CometBFT validator updates."""
    sprint = keepers.sprint
    settled: dict[bytes, int] = {}
    summaries = sprint.summaries(ctx.store, epoch)
    for operator, summary in summaries:
        if summary.status != PROOF_STATUS_PENDING:
            continue
        summary.status, summary.settled_weight = tally(summary)
        sprint.set_summary(ctx.store, epoch, operator, summary)
        settled[operator] = summary.settled_weight
        ctx.emit("sprint_settlement", ("epoch", str(epoch)), ("host", summary.host),
                 ("status", ProofStatus.Name(summary.status)), ("nonces", str(summary.nonce_count)),
                 ("approve_weight", str(summary.approve_weight)), ("reject_weight", str(summary.reject_weight)),
                 ("eligible_weight", str(summary.eligible_weight)), ("weight", str(summary.settled_weight)))
        if summary.status == PROOF_STATUS_REJECTED:
            amount = keepers.staking.slash(ctx, operator, params.slash_fraction_bps, SLASH_REASON)
            ctx.emit("sprint_slash", ("epoch", str(epoch)), ("host", summary.host),
                     ("fraction_bps", str(params.slash_fraction_bps)), ("amount", str(amount)),
                     ("reason", SLASH_REASON))
    record_missed_validations(ctx, keepers, epoch, summaries)
    return apply_weights(ctx, keepers, params, epoch, settled)


def record_missed_validations(ctx: Context, keepers, epoch: int, summaries) -> None:
    """Count, per validator, every assignment it did not vote on."""
    sprint = keepers.sprint
    for prover, summary in summaries:
        for validator in summary.validators:
            operator = decode_address(validator)
            if sprint.get_vote(ctx.store, epoch, prover, operator) is None:
                count = sprint.add_missed_validation(ctx.store, operator)
                ctx.emit("sprint_missed_validation", ("epoch", str(epoch)), ("validator", validator),
                         ("prover", summary.host), ("missed_total", str(count)))


def new_powers(ctx: Context, keepers, params: Params, settled: dict[bytes, int]) -> list[tuple[bytes, object, int, int]]:
    """(operator, Host, new weight, new power) for every host, ascending by operator."""
    hosts = list(keepers.hosts.iterate_hosts(ctx.store))
    total = sum(settled.get(operator, 0) for operator, _ in hosts)
    cap = power_cap(total, params.max_power_bps)
    rows = []
    for operator, host in hosts:
        weight = settled.get(operator, 0)
        power = min(weight, cap)
        if power and (host.status == HOST_STATUS_BANNED
                      or not keepers.staking.meets_min_collateral(ctx.store, operator)):
            power = 0
        rows.append((operator, host, weight, power))
    return rows


def apply_weights(ctx: Context, keepers, params: Params, epoch: int,
                  settled: dict[bytes, int]) -> list[tuple[bytes, int]]:
    """Store new weights and powers unless the total power would be 0; return the updates."""
    rows = new_powers(ctx, keepers, params, settled)
    if not rows:  # no hosts at all (a plain devnet): CometBFT keeps its own validator set
        return []
    if sum(power for _, _, _, power in rows) == 0:
        ctx.emit("sprint_power_unchanged", ("epoch", str(epoch)),
                 ("reason", "the total power would be 0; previous weights and powers are kept"))
        return []
    updates: list[tuple[bytes, int]] = []
    for operator, host, weight, power in rows:
        if host.weight != weight:
            host.weight = weight
            keepers.hosts.set_host(ctx.store, host)
        updates.extend(_power_change(ctx, keepers, epoch, operator, host, power))
    return sorted(updates)


def _power_change(ctx: Context, keepers, epoch: int, operator: bytes, host, power: int) -> list[tuple[bytes, int]]:
    previous, old_pubkey = keepers.sprint.get_power(ctx.store, operator)
    pubkey = host.consensus_pubkey
    changes: list[tuple[bytes, int]] = []
    if previous and old_pubkey != pubkey:  # the consensus key changed: remove the old one
        changes.append((old_pubkey, 0))
        previous = 0
    if previous != power:
        changes.append((pubkey, power))
    if changes:
        keepers.sprint.set_power(ctx.store, operator, power, pubkey)
        ctx.emit("sprint_validator_update", ("epoch", str(epoch)), ("host", host.operator),
                 ("pubkey", pubkey.hex()), ("power", str(power)), ("previous_power", str(previous)))
    return changes
