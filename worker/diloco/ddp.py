"""A host with several accelerators runs its inner steps data-parallel (torch.distributed DDP).

Each of the host's ``L`` local processes takes an equal slice of every batch's rows (the worker's
batch of docs/training.md §3 split in row order), computes the mean loss of its slice, and DDP
all-reduces the gradients (mean over processes = the gradient of the whole batch's mean loss, since
the slices are equal). Every process then takes the same AdamW step, so all hold the same state;
local rank 0 returns the round's ``InnerResult``. The result matches a single-process run of the same
batch up to summation order (tests/unit/worker/diloco/test_ddp.py states the tolerance), far inside
the outer tolerance -- DDP is a local speed-up, not a different computation.

Backends: ``gloo`` (CPU processes; the tests) or ``nccl`` (one CUDA device per local rank).
Rendezvous is TCP on 127.0.0.1 only.
"""

from __future__ import annotations

import pickle
import socket
import tempfile
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

from worker.training.data import make_batch
from worker.training.steps import train_step


def row_slice(batch_size: int, local_rank: int, local_ranks: int) -> slice:
    """This process's rows of every batch (equal contiguous slices; ValueError when uneven)."""
    if batch_size % local_ranks:
        raise ValueError(f"batch_size {batch_size} does not split evenly over {local_ranks} local ranks")
    per = batch_size // local_ranks
    return slice(local_rank * per, (local_rank + 1) * per)


def _global_mean(loss: float, device) -> float:
    """The whole batch's loss: the mean of the processes' slice losses (equal slices)."""
    if not dist.is_initialized():
        return loss
    t = torch.tensor([loss], dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return float(t.item()) / dist.get_world_size()


def train_interval_rows(model, optimizer, data: bytes, data_seed, hyper, interval: int, precision: str,
                        rows: slice) -> list[float]:
    """train_interval over this process's ``rows`` of each batch; returns the whole batch's losses."""
    device = next(model.parameters()).device
    losses = []
    for t in hyper.steps_of(interval):
        x, y = make_batch(data, data_seed, t, hyper, device)
        losses.append(_global_mean(train_step(model, optimizer, x[rows], y[rows], precision), device))
    return losses


def free_port() -> int:
    """An unused TCP port on 127.0.0.1 (for the rendezvous)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _process(local_rank: int, world: int, port: int, backend: str, threads: int, job: dict, out: str) -> None:
    from datetime import timedelta

    from worker.diloco.inner import run_inner_round
    from worker.training.hyper import Hyper

    torch.set_num_threads(threads)
    dist.init_process_group(backend, init_method=f"tcp://127.0.0.1:{port}", rank=local_rank,
                            world_size=world, timeout=timedelta(seconds=job.pop("timeout_s")))
    try:
        device = torch.device("cuda", local_rank) if backend == "nccl" else torch.device("cpu")
        ids = [local_rank] if device.type == "cuda" else None
        rows = row_slice(Hyper.of(job["hyper"]).batch_size, local_rank, world)
        result = run_inner_round(**job, device=device, batch_rows=rows,
                                 model_wrap=lambda m: DistributedDataParallel(m, device_ids=ids))
        if local_rank == 0:
            Path(out, "result.pkl").write_bytes(pickle.dumps(result))
    finally:
        dist.destroy_process_group()


def run_inner_round_ddp(config, theta_u: bytes, optim: bytes | None, data: bytes, data_seed, rank: int, hyper,
                        round_index: int, inner_steps: int, local_ranks: int = 2, backend: str = "gloo",
                        precision: str = "fp32", job_id: int = 0, threads_per_rank: int = 1,
                        timeout_s: float = 120.0):
    """worker/diloco/inner.run_inner_round over ``local_ranks`` DDP processes (spawned, bounded by
    ``timeout_s``: TimeoutError after killing them; RuntimeError when one fails)."""
    job = dict(config=config, theta_u=theta_u, optim=optim, data=data, data_seed=data_seed, rank=rank,
               hyper=hyper, round_index=round_index, inner_steps=inner_steps, precision=precision,
               job_id=job_id, timeout_s=timeout_s)
    with tempfile.TemporaryDirectory(prefix="sprint-ddp-") as out:
        ctx = mp.start_processes(_process, args=(local_ranks, free_port(), backend, threads_per_rank, job, out),
                                 nprocs=local_ranks, join=False, start_method="spawn")
        _join(ctx, time.monotonic() + timeout_s)
        return pickle.loads(Path(out, "result.pkl").read_bytes())


def _join(ctx, deadline: float) -> None:
    try:
        while not ctx.join(timeout=max(0.1, min(1.0, deadline - time.monotonic()))):
            if time.monotonic() > deadline:
                raise TimeoutError("DDP inner round did not finish in time")
    except mp.ProcessRaisedException as err:
        raise RuntimeError(f"a DDP process failed: {err}") from None
    finally:
        for p in ctx.processes:
            if p.is_alive():
                p.kill()
                p.join(5)
