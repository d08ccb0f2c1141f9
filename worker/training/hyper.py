"""Hyper: a training job's hyperparameters as Python numbers (the proto stores them fixed point)."""

from __future__ import annotations

from dataclasses import dataclass

NANO = 10**9


@dataclass(frozen=True)
class Hyper:
    """AdamW and batch settings of one job (docs/training.md §3). Floats are ``*_nano / 10^9``."""

    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float
    batch_size: int
    seq_len: int
    total_steps: int
    checkpoint_interval: int

    @classmethod
    def of(cls, hyper) -> "Hyper":
        """A Hyper from a Hyper, a ``Hyperparams`` proto or a dict of its fields (``*_nano`` ints)."""
        if isinstance(hyper, cls):
            return hyper
        get = hyper.__getitem__ if isinstance(hyper, dict) else lambda k: getattr(hyper, k)
        return cls(
            lr=int(get("lr_nano")) / NANO, beta1=int(get("beta1_nano")) / NANO,
            beta2=int(get("beta2_nano")) / NANO, eps=int(get("eps_nano")) / NANO,
            weight_decay=int(get("weight_decay_nano")) / NANO, batch_size=int(get("batch_size")),
            seq_len=int(get("seq_len")), total_steps=int(get("total_steps")),
            checkpoint_interval=int(get("checkpoint_interval")),
        )

    @property
    def intervals(self) -> int:
        """Checkpoint intervals of the job (total_steps / checkpoint_interval)."""
        return self.total_steps // self.checkpoint_interval

    def steps_of(self, interval: int) -> range:
        """Global step numbers of ``interval``: [k*c, (k+1)*c)."""
        c = self.checkpoint_interval
        return range(interval * c, (interval + 1) * c)


def fine_tune_hyper(total_steps: int = 64, checkpoint_interval: int = 8, batch_size: int = 8,
                    seq_len: int = 64, lr: float = 1e-3) -> Hyper:
    """Realistic fine-tune settings used by tests and the benchmark (betas 0.9/0.999, eps 1e-8, wd 0.01)."""
    return Hyper(lr=lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01, batch_size=batch_size,
                 seq_len=seq_len, total_steps=total_steps, checkpoint_interval=checkpoint_interval)
