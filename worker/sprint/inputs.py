"""Seed-derived values of one sprint: the target vector and, per nonce, tokens and permutation.

docs/sprint-pow.md §4 is the normative text; every function here names its step there.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch

from worker.sprint.generator import U24, as_int64, derive, key64, splitmix64, splitmix64_py

INPUT_TAG = "sprint/input/v1"
TARGET_TAG = "sprint/target/v1"
MAX_NONCE = (1 << 64) - 1


def input_seed(sprint_seed: bytes, host_pubkey: bytes, nonce: int) -> bytes:
    """input_seed = SHA-256("sprint/input/v1" || sprint_seed || host_pubkey || nonce as 8 bytes BE)."""
    if not 0 <= nonce <= MAX_NONCE:
        raise ValueError(f"nonce {nonce} is not a uint64")
    return derive(INPUT_TAG, sprint_seed, host_pubkey, nonce.to_bytes(8, "big"))


def input_keys(sprint_seed: bytes, host_pubkey: bytes, nonces: Sequence[int]) -> tuple[torch.Tensor, torch.Tensor]:
    """(token keys, permutation keys): bytes 0..7 and 8..15 of each input seed as uint64 (BE)."""
    tok, perm = [], []
    for nonce in nonces:
        s = input_seed(sprint_seed, host_pubkey, nonce)
        tok.append(key64(s))
        perm.append(key64(s[8:16]))
    return as_int64(tok), as_int64(perm)


def tokens(token_keys: torch.Tensor, seq_len: int, vocab: int) -> torch.Tensor:
    """(batch, seq_len) int64: token_i = (top24(splitmix64(token_key, i)) * vocab) >> 24."""
    z = splitmix64(token_keys[:, None], torch.arange(seq_len, dtype=torch.int64, device=token_keys.device)[None, :])
    return z.bitwise_right_shift(40).bitwise_and_(U24 - 1).mul_(vocab).bitwise_right_shift_(24)


def permutations(perm_keys: torch.Tensor, d_model: int) -> torch.Tensor:
    """(batch, d_model) int64: the stable ascending argsort of splitmix64(perm_key, j) >>> 1."""
    z = splitmix64(perm_keys[:, None], torch.arange(d_model, dtype=torch.int64, device=perm_keys.device)[None, :])
    sort_keys = z.bitwise_right_shift(1).bitwise_and_((1 << 63) - 1)
    return torch.argsort(sort_keys, dim=1, stable=True)


def target_vector(sprint_seed: bytes, d_model: int) -> torch.Tensor:
    """float64 (d_model,): the zero-mean unit target, computed with exact integers then one division.

    v_j = 2*top24(splitmix64(K, j)) + 1 - 2^24, K = key64(SHA-256("sprint/target/v1" || seed));
    w_j = d*v_j - sum(v); t_j = w_j / sqrt(sum(w^2)) (float64, correctly rounded sqrt and division).
    """
    key = key64(derive(TARGET_TAG, sprint_seed))
    v = [2 * (splitmix64_py(key, j) >> 40) + 1 - U24 for j in range(d_model)]
    total = sum(v)
    w = [d_model * x - total for x in v]
    norm = math.sqrt(float(sum(x * x for x in w)))
    return torch.tensor([x / norm for x in w], dtype=torch.float64)
