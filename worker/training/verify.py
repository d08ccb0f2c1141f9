"""The committee's check (docs/training.md §7): re-execute an interval and measure the distance.

``distance = ||w_hat_end - w_end|| / max(||w_hat_end - w_start||, 1e-12)`` over all weights except
the key part of each attention bias, float64 accumulation, reported x 10^6: 0 for an exact match,
~10^6 when the claimed end is the start (a skipped interval) or as far from the re-execution as the
whole interval's update.

Why the key bias is left out: adding a vector to every key adds the same q.b_k to a whole row of
attention scores, which the softmax ignores, so its true gradient is exactly zero. What a machine
computes is rounding noise, which Adam divides by its own tiny running RMS and turns into full-size
(~lr) steps in a random direction -- a different one per kernel and precision. Those elements
carried >95% of the bf16-vs-fp32 distance (0.10 of 0.102 at interval 10 of a tiny-lm fine-tune) and
cannot change the model's outputs; without them the honest bf16 distance is ~0.5% and the weakest
cheat's ~8% (tolerance.py has the numbers). So that nothing can hide there (huge values still break
the softmax numerically), every claimed weight must be finite and each left-out element must lie
within twice the re-execution's largest elementwise move ``max|w_hat_end - w_start|`` of its
re-executed value; otherwise the distance is MAX_DISTANCE_PPM.
"""

from __future__ import annotations

import math

import torch

from worker.inference.weights import WeightsError, load_safetensors
from worker.training.state import load_state, weights_bytes
from worker.training.trainer import train_interval

MAX_DISTANCE_PPM = 10**15  # reported for a claimed end that does not fit the model (or is non-finite)


def reexecute_interval(config, start_weights: bytes, start_optim: bytes | None, data: bytes, data_seed, hyper,
                       interval: int, precision: str = "fp32", device="cpu") -> bytes:
    """The end weights blob of ``interval`` re-run honestly from the revealed start state.

    WeightsError when the start state is not a well-formed state of the model (the prover's fault).
    """
    model, optimizer = load_state(config, start_weights, start_optim, hyper, device)
    train_interval(model, optimizer, data, data_seed, hyper, interval, precision)
    return weights_bytes(model)


def _is_qkv_bias(name: str, t: torch.Tensor) -> bool:
    return name.startswith("blocks.") and name.endswith(".attn.qkv.bias") and t.dim() == 1


def comparable(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The weights the distance is taken over: every tensor, with the key slice [d, 2d) of each
    ``blocks.{i}.attn.qkv.bias`` removed (see the module docstring)."""
    out = {}
    for name, t in tensors.items():
        if _is_qkv_bias(name, t):
            d = t.shape[0] // 3
            t = torch.cat([t[:d], t[2 * d:]])
        out[name] = t
    return out


def _left_out_ok(start, mine, claimed) -> bool:
    """Claimed weights finite, and each key-bias element within 2 max|w_hat - w_start| of w_hat."""
    if not all(bool(torch.isfinite(t).all()) for t in claimed.values()):
        return False
    bound = 2 * max(float((mine[k] - start[k]).abs().max()) for k in mine if mine[k].numel())
    for name, t in mine.items():
        if _is_qkv_bias(name, t):
            d = t.shape[0] // 3
            if float((claimed[name][d:2 * d] - t[d:2 * d]).abs().max()) > bound:
                return False
    return True


def _sq_dist(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    """Sum over tensors of ||a - b||^2 in float64."""
    return sum(float((a[k].double() - b[k].double()).square().sum()) for k in sorted(a))


def distance_ppm(start_weights: bytes, reexec_end: bytes, claimed_end: bytes) -> int:
    """The §7 distance x 10^6 (rounded); MAX_DISTANCE_PPM when ``claimed_end`` has other tensors or
    shapes than the re-execution, or is not a well-formed F32 blob."""
    start, mine = load_safetensors(start_weights), load_safetensors(reexec_end)
    try:
        claimed = load_safetensors(claimed_end)
    except WeightsError:
        return MAX_DISTANCE_PPM
    if set(claimed) != set(mine) or any(claimed[k].shape != mine[k].shape for k in mine):
        return MAX_DISTANCE_PPM
    if set(start) != set(mine) or any(start[k].shape != mine[k].shape for k in mine):
        raise WeightsError("start weights and re-executed weights have different tensors")
    if not _left_out_ok(start, mine, claimed):
        return MAX_DISTANCE_PPM
    start, mine, claimed = comparable(start), comparable(mine), comparable(claimed)
    num = math.sqrt(_sq_dist(mine, claimed))
    den = max(math.sqrt(_sq_dist(mine, start)), 1e-12)
    value = num / den * 1_000_000
    return MAX_DISTANCE_PPM if not math.isfinite(value) else min(MAX_DISTANCE_PPM, int(round(value)))
