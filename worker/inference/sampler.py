"""The seeded sampler every executor must use and every checker re-runs (docs/inference.md §3).

For output step t (from 0): u_t = H64("sprint/inference/u/v1" || sampling_seed || be64(t)) / 2^64.
Keep the ``top_k`` largest logits (ties: lower token id first; 0 = all), divide by
temperature_milli / 1000, softmax, order the kept tokens by ascending id and pick the first whose
cumulative probability exceeds u_t. Temperature 0 is argmax (lowest id on ties). All arithmetic
here is float64 on the CPU, whatever precision produced the logits.
"""

from __future__ import annotations

import hashlib

import torch

U_TAG = b"sprint/inference/u/v1"


def uniform(sampling_seed: bytes, t: int) -> float:
    """u_t in [0, 1): the first 8 bytes of the step's hash as a big-endian integer over 2^64."""
    digest = hashlib.sha256(U_TAG + bytes(sampling_seed) + t.to_bytes(8, "big")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def kept_tokens(logits_row: torch.Tensor, top_k: int) -> torch.Tensor:
    """Ascending ids of the ``top_k`` largest logits (ties: lower id first); all ids when top_k is 0."""
    n = logits_row.shape[-1]
    if top_k <= 0 or top_k >= n:
        return torch.arange(n)
    order = torch.sort(logits_row, descending=True, stable=True).indices[:top_k]
    return order.sort().values


def distribution(logits_row: torch.Tensor, sampling) -> tuple[torch.Tensor, torch.Tensor]:
    """(kept ids ascending, their tempered probabilities in float64) for temperature_milli > 0."""
    row = logits_row.detach().to("cpu", torch.float64)
    ids = kept_tokens(row, int(sampling.top_k))
    probs = torch.softmax(row[ids] * (1000.0 / int(sampling.temperature_milli)), dim=0)
    return ids, probs


def greedy(logits_row: torch.Tensor) -> int:
    """argmax, lowest id on ties."""
    return int(torch.argmax(logits_row.detach().to("cpu", torch.float64)))


def pick(logits_row: torch.Tensor, t: int, sampling_seed: bytes, sampling) -> int:
    """The token the seeded sampler picks at output step ``t`` from one row of logits."""
    if int(sampling.temperature_milli) == 0:
        return greedy(logits_row)
    ids, probs = distribution(logits_row, sampling)
    cdf = torch.cumsum(probs, dim=0)
    idx = int(torch.searchsorted(cdf, torch.tensor([uniform(sampling_seed, t)], dtype=torch.float64), right=True))
    return int(ids[min(idx, len(ids) - 1)])


def cdf_interval(logits_row: torch.Tensor, token: int, sampling) -> tuple[float, float] | None:
    """[lo, hi): the u values for which ``token`` is picked (temperature > 0); None if not kept."""
    ids, probs = distribution(logits_row, sampling)
    where = (ids == token).nonzero()
    if len(where) == 0:
        return None
    i = int(where[0, 0])
    cdf = torch.cumsum(probs, dim=0)
    lo = float(cdf[i - 1]) if i > 0 else 0.0
    hi = 1.0 if i == len(ids) - 1 else float(cdf[i])
    return lo, hi


def exclusion_margin(logits_row: torch.Tensor, token: int, sampling) -> float:
    """How far (in logits) ``token`` is from being eligible: for greedy, max - its logit; for a
    top-k it is not in, the k-th largest logit - its logit; 0 when it is eligible."""
    row = logits_row.detach().to("cpu", torch.float64)
    if int(sampling.temperature_milli) == 0:
        return float(row.max() - row[token])
    ids = kept_tokens(row, int(sampling.top_k))
    if bool((ids == token).any()):
        return 0.0
    return float(row[ids].min() - row[token])
