"""`--data-parallel N`: a host's DiLoCo inner steps over N local processes (worker/diloco/ddp.py).

On CUDA each process drives one local GPU (nccl); on the CPU the N processes are gloo processes
sharing the cores. The flag is checked without importing torch into the CLI path until the device
is known; the plan is handed to DilocoCompute, which spawns the processes per inner round.
"""

from __future__ import annotations

from dataclasses import dataclass

# An inner round that has not finished within this many seconds is given up (the processes are
# killed); the agent logs the failure and the round is missed like any failed task.
DEFAULT_TIMEOUT_S = 1_800.0


@dataclass(frozen=True)
class DataParallel:
    """How a host runs its inner steps: `ranks` local processes over `backend` (ranks 1 = one process)."""

    ranks: int = 1
    backend: str = "gloo"
    threads_per_rank: int = 1
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def enabled(self) -> bool:
        return self.ranks > 1

    def splits(self, batch_size: int) -> bool:
        """True when every batch splits into equal row slices over the ranks."""
        return batch_size % self.ranks == 0


def plan_data_parallel(ranks: int, device: str, cuda_devices: int, cpu_threads: int,
                       timeout_s: float = DEFAULT_TIMEOUT_S) -> DataParallel:
    """The plan for `--data-parallel ranks` on `device` ('cpu' or 'cuda'); ValueError (one line)
    for ranks < 1 or, on CUDA, more ranks than local GPUs. CPU threads are shared out evenly."""
    if ranks < 1:
        raise ValueError(f"--data-parallel {ranks}: must be at least 1")
    if device.startswith("cuda"):
        if ranks > cuda_devices:
            raise ValueError(f"--data-parallel {ranks}: only {cuda_devices} CUDA device(s) on this host")
        return DataParallel(ranks, "nccl", 1, timeout_s)
    return DataParallel(ranks, "gloo", max(1, cpu_threads // ranks), timeout_s)


def plan_for_host(ranks: int, device: str) -> DataParallel:
    """plan_data_parallel with this host's CUDA device count and torch CPU threads (imports torch)."""
    import torch

    cuda = torch.cuda.device_count() if device.startswith("cuda") else 0
    return plan_data_parallel(ranks, device, cuda, torch.get_num_threads())
