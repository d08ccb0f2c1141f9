"""The DiLoCo part of the training end block (docs/diloco.md), after single-prover verification and
before completion: for every TRAINING or VERIFYING DiLoCo job (ascending id): (1) active workers
whose host is banned (fraud elsewhere) leave without a fault; (2) round checks (diloco_checks);
(3) the current round's barrier or deadline (diloco_rounds.progress). Work per job is bounded by
its rounds (<= max_intervals) and workers (<= max_workers)."""

from __future__ import annotations

from sprint.hosts.v1.hosts_pb2 import HOST_STATUS_BANNED

from chain.context import Context
from chain.modules.training import diloco_checks, diloco_rounds
from chain.modules.training import diloco_state as ds
from chain.modules.training.diloco_submit import is_diloco
from chain.tx.crypto import decode_address


def drop_banned_workers(ctx: Context, deps, job) -> bool:
    changed = False
    for worker in ds.active_workers(job):
        host = deps.hosts.get_host(ctx.store, decode_address(worker.host))
        if host is not None and host.status == HOST_STATUS_BANNED:
            ds.leave(ctx, deps, job, worker, "banned")
            changed = True
    return changed


def diloco_end_block(ctx: Context, deps) -> None:
    """The three steps of the module docstring for every active DiLoCo job."""
    for job_id in deps.training.active_job_ids(ctx.store):
        job = deps.training.get_job(ctx.store, job_id)
        if job is None or not is_diloco(job):
            continue
        changed = drop_banned_workers(ctx, deps, job)
        checks = diloco_checks.end_block(ctx, deps, job)
        if checks == diloco_checks.DONE:
            continue  # a rollback stored the job
        changed = diloco_rounds.progress(ctx, deps, job) or changed or checks == diloco_checks.CHANGED
        if changed:
            deps.training.set_job(ctx.store, job)
