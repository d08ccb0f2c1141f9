"""Multi-host DiLoCo jobs on the worker (docs/diloco.md).

Modules: ``shard`` (§1 per-rank data seeds), ``delta`` (§2 Delta blobs, optional bf16 exchange),
``fp32`` (exact rational -> binary32 conversion), ``outer`` (§4 the exact outer Nesterov step),
``inner`` (a worker's k inner steps, leaves and root; the committee's re-execution and distance),
``ddp`` (a host's inner steps data-parallel over its local accelerators), ``evaluate`` (held-out
loss), ``simulate`` (every worker of a job in one process, for tests and the benchmark).
"""
