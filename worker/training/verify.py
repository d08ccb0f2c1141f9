"""The committee's check (docs/training.md §7): re-execute an interval and measure the distance.

    distance = sqrt(sum_i v_i (w_hat_i - w_i)^2) / max(sqrt(sum_i v_i (w_hat_i - w_start_i)^2), 1e-30)

over every weight element i, float64 accumulation, reported x 10^6; ``w_hat`` is the verifier's
re-executed end, ``w`` the claimed end, ``v`` the verifier's re-executed ``exp_avg_sq`` at the end of
the interval. 0 is an exact match; a skipped interval (claimed end = start) gives exactly 10^6.

Why weight by Adam's second moment ``v`` (a running estimate of the diagonal of the Fisher
information): Adam divides each gradient by its own running RMS, so in the first steps of a job
every element moves by ~lr whatever the size of its gradient, and elements whose gradient is below
a kernel's rounding noise move in a direction chosen by that noise -- a different one in bf16 and
fp32, on CPU and on GPU. The key part of every attention bias is the extreme case: its true
gradient is exactly zero (softmax ignores a constant added to a row of scores), so all its movement
is noise. Unweighted, these elements made an honest bf16 prover 3-10% away from an fp32 verifier,
as far as a stale-gradient cheat. Weighted by ``v`` they count as much as they matter to the loss:
honest pairs measure <= ~1.9% and every cheat >= ~2.9% (tolerance.py has the numbers).

So that nothing hides in low-``v`` elements, every claimed weight must be finite and lie within
``4 * max_i |w_hat_i - w_start_i|`` of the re-execution (an honest run's elements differ by at most
about twice one run's largest move); otherwise the distance is MAX_DISTANCE_PPM.
"""

from __future__ import annotations

import math

import torch
from safetensors.torch import load as st_load

from worker.inference.weights import WeightsError, load_safetensors
from worker.training.state import load_state, optim_bytes, weights_bytes
from worker.training.trainer import train_interval

MAX_DISTANCE_PPM = 10**15  # a claimed end that does not fit the model, is non-finite or out of bounds
ELEMENT_BOUND = 4  # claimed elements within ELEMENT_BOUND x the re-execution's largest move


class Reexecuted(bytes):
    """The re-executed end weights blob, with the re-executed optimizer blob attached as ``optim``
    (the distance's weights come from it)."""

    optim: bytes

    def __new__(cls, weights: bytes, optim: bytes):
        obj = super().__new__(cls, weights)
        obj.optim = optim
        return obj


def reexecute_interval(config, start_weights: bytes, start_optim: bytes | None, data: bytes, data_seed, hyper,
                       interval: int, precision: str = "fp32", device="cpu") -> Reexecuted:
    """The end weights blob of ``interval`` re-run honestly from the revealed start state (a bytes
    object; ``.optim`` holds the end optimizer blob).

    WeightsError when the start state is not a well-formed state of the model (the prover's fault).
    """
    model, optimizer = load_state(config, start_weights, start_optim, hyper, device)
    train_interval(model, optimizer, data, data_seed, hyper, interval, precision)
    return Reexecuted(weights_bytes(model), optim_bytes(model, optimizer))


def _max_abs(t: torch.Tensor) -> float:
    return float(t.abs().max()) if t.numel() else 0.0


def _fits(mine: dict, claimed: dict, bound: float) -> bool:
    """Same names and shapes, finite, each element within ``bound`` of the re-execution."""
    if set(claimed) != set(mine) or any(claimed[k].shape != mine[k].shape for k in mine):
        return False
    return all(bool(torch.isfinite(claimed[k]).all()) and _max_abs(claimed[k] - mine[k]) <= bound
               for k in mine)


def _weighted_sq(v: dict, a: dict, b: dict) -> float:
    """sum_i v_i (a_i - b_i)^2 over every tensor, in float64."""
    return sum(float((v[k].double() * (a[k].double() - b[k].double()).square()).sum()) for k in sorted(a))


def _second_moments(optim: bytes, names) -> dict[str, torch.Tensor]:
    tensors = st_load(bytes(optim))
    return {k: tensors["exp_avg_sq." + k] for k in names}


def distance_ppm(start_weights: bytes, reexec_end: bytes, claimed_end: bytes, reexec_optim: bytes | None = None) -> int:
    """The §7 distance x 10^6 (rounded), capped at MAX_DISTANCE_PPM (also returned for a claimed
    blob that is malformed, has other tensors, non-finite values or elements out of bounds).

    ``reexec_optim``: the re-execution's end optimizer blob (default: ``reexec_end.optim``, set by
    ``reexecute_interval``).
    """
    optim = reexec_optim if reexec_optim is not None else getattr(reexec_end, "optim", None)
    if optim is None:
        raise ValueError("distance_ppm needs the re-executed optimizer blob (pass reexecute_interval's result)")
    start, mine = load_safetensors(start_weights), load_safetensors(reexec_end)
    if set(start) != set(mine) or any(start[k].shape != mine[k].shape for k in mine):
        raise WeightsError("start weights and re-executed weights have different tensors")
    try:
        claimed = load_safetensors(claimed_end)
    except WeightsError:
        return MAX_DISTANCE_PPM
    largest_move = max(_max_abs(mine[k] - start[k]) for k in mine)
    if not _fits(mine, claimed, ELEMENT_BOUND * largest_move + 1e-6):
        return MAX_DISTANCE_PPM
    v = _second_moments(optim, mine)
    num = math.sqrt(_weighted_sq(v, mine, claimed))
    den = max(math.sqrt(_weighted_sq(v, mine, start)), 1e-30)
    value = num / den * 1_000_000
    return MAX_DISTANCE_PPM if not math.isfinite(value) else min(MAX_DISTANCE_PPM, int(round(value)))
