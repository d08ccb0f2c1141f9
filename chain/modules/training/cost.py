"""Load, cost and segment layout of a training job (docs/training.md §1, §2): pure integer functions.

    P          = sum of the element counts of the model's tensor layout
    load_gflop = ceil(6 * P * total_steps * batch_size * seq_len / 10^9), at least 1
    train_cost = price_per_gflop * load_gflop
    verify_cost = ceil(train_cost * sample_ppm * committee_size / 10^6)
    G = R      = train_cost // intervals (gain of cheating one interval = per-interval reward)
"""

from __future__ import annotations

from genesis.model_layout import tensor_layout

GFLOP = 1_000_000_000
PPM = 1_000_000
FLOPS_PER_PARAM_TOKEN = 6


def param_count(model_config) -> int:
    """The parameter count of a model: a sprint.inference.v1 ModelConfig proto, a
    genesis.model_layout.ModelConfig or a dict of its six fields (ValueError if invalid)."""
    total = 0
    for spec in tensor_layout(model_config):
        n = 1
        for dim in spec.shape:
            n *= dim
        total += n
    return total


def load_gflop(param_count: int, hyper) -> int:
    """Estimated training load in GFLOP (6 x params x tokens, rounded up, at least 1).
    `hyper` is a Hyperparams proto (or any object with total_steps, batch_size, seq_len)."""
    flops = FLOPS_PER_PARAM_TOKEN * param_count * int(hyper.total_steps) * int(hyper.batch_size) \
        * int(hyper.seq_len)
    return max(1, -(-flops // GFLOP))


def job_costs(params, load_gflop: int, sample_ppm: int, committee_size: int) -> tuple[int, int]:
    """(train_cost, verify_cost) of a job with this load, from `params.price_per_gflop`."""
    train_cost = int(params.price_per_gflop) * load_gflop
    verify_cost = -(-train_cost * sample_ppm * committee_size // PPM)
    return train_cost, verify_cost


def interval_gain(train_cost: int, intervals: int) -> int:
    """G = R = train_cost // intervals: the gain of cheating one interval and its reward (§2)."""
    if intervals < 1:
        raise ValueError(f"a job has at least one interval, got {intervals}")
    return train_cost // intervals


def segment_layout(intervals: int, intervals_per_segment: int) -> list[tuple[int, int]]:
    """[(first interval, interval count)] of every segment: segment s holds
    [s * ips, min((s + 1) * ips, intervals))."""
    if intervals < 1 or intervals_per_segment < 1:
        raise ValueError(f"need intervals >= 1 and intervals_per_segment >= 1, got {intervals}, "
                         f"{intervals_per_segment}")
    return [(first, min(intervals_per_segment, intervals - first))
            for first in range(0, intervals, intervals_per_segment)]
