"""SprintFunction: distances of nonces for one (sprint seed, config), and the batched nonce search.

distance(nonce) = || permute(y / ||y||) - target || in float64, where y is the model's last output
vector (computed in the function's dtype, then cast up); distance_micro = floor(distance * 10^6).
A nonce is valid when distance_micro < threshold_micro. docs/sprint-pow.md §6.

Low-precision search (bfloat16/float16) is confirmed: every nonce whose low-precision distance is
below threshold + confirm_guard_micro is recomputed by a float32 copy of the model on the same
device, and only float32-valid nonces are reported, with their float32 distances (§9: this keeps
an honest prover's mismatch rate at the float32-vs-float32 level).
"""

from __future__ import annotations

from typing import Callable, Sequence

import torch

from worker.sprint.config import PowConfig, recommended
from worker.sprint.inputs import MAX_NONCE, input_keys, permutations, target_vector, tokens
from worker.sprint.model import SprintTransformer

MICRO = 1_000_000


def default_batch_size(config: PowConfig, device: str) -> int:
    """Nonces per forward pass: enough rows (batch * seq_len) to keep the matmuls compute-bound."""
    return 4096 if str(device).startswith("cuda") else 256


class SprintFunction:
    """The PoW function of one sprint. CPU (float32/float64/bfloat16) or CUDA (bfloat16 advised)."""

    def __init__(
        self,
        seed: bytes,
        config: PowConfig,
        device: str = "cpu",
        dtype: torch.dtype = torch.float32,
        confirm_guard_micro: int | None = None,
    ):
        self.seed, self.config, self.device, self.dtype = bytes(seed), config, device, dtype
        self.model = SprintTransformer.from_seed(self.seed, config, device=device, dtype=dtype)
        self.target = target_vector(self.seed, config.d_model)
        self.confirmer: SprintFunction | None = None
        if dtype not in (torch.float32, torch.float64):
            self.confirmer = SprintFunction(self.seed, config, device=device, dtype=torch.float32)
        guard = recommended(config.name).confirm_guard_micro if confirm_guard_micro is None else confirm_guard_micro
        self.confirm_guard_micro = guard

    def distances(self, host_pubkey: bytes, nonces: Sequence[int], batch_size: int | None = None) -> list[int]:
        """distance x 10^6 (floored) of each nonce, in order."""
        batch = batch_size or default_batch_size(self.config, self.device)
        out: list[int] = []
        for i in range(0, len(nonces), batch):
            out += self._distance_micro(host_pubkey, nonces[i : i + batch]).tolist()
        return out

    def search(
        self,
        host_pubkey: bytes,
        start_nonce: int,
        count: int,
        batch_size: int | None = None,
        threshold_micro: int | None = None,
        progress: Callable[[int, list[tuple[int, int]]], None] | None = None,
    ) -> list[tuple[int, int]]:
        """Valid (nonce, distance_micro) for nonces start_nonce .. start_nonce + count - 1, ascending.

        ``threshold_micro`` overrides the config's (the chain's params carry the threshold);
        ``progress(done, found_in_batch)`` is called after each batch.
        """
        if start_nonce < 0 or count < 0 or start_nonce + count - 1 > MAX_NONCE:
            raise ValueError("nonce range must lie within uint64")
        threshold = self.config.threshold_micro if threshold_micro is None else threshold_micro
        batch = batch_size or default_batch_size(self.config, self.device)
        found: list[tuple[int, int]] = []
        for first in range(start_nonce, start_nonce + count, batch):
            nonces = range(first, min(first + batch, start_nonce + count))
            batch_found = self._valid(host_pubkey, nonces, threshold)
            found += batch_found
            if progress is not None:
                progress(first + len(nonces) - start_nonce, batch_found)
        return found

    def _valid(self, host_pubkey: bytes, nonces: Sequence[int], threshold: int) -> list[tuple[int, int]]:
        """(nonce, distance_micro) of the valid nonces of one batch, confirmed in float32 if needed."""
        micro = self._distance_micro(host_pubkey, nonces)
        if self.confirmer is None:
            return [(nonces[j], int(micro[j])) for j in torch.nonzero(micro < threshold).flatten().tolist()]
        candidates = [nonces[j] for j in torch.nonzero(micro < threshold + self.confirm_guard_micro).flatten().tolist()]
        if not candidates:
            return []
        confirmed = self.confirmer._distance_micro(host_pubkey, candidates).tolist()
        return [(n, d) for n, d in zip(candidates, confirmed) if d < threshold]

    def _distance_micro(self, host_pubkey: bytes, nonces: Sequence[int]) -> torch.Tensor:
        """int64 (len(nonces),) distance_micro on the CPU."""
        tok_keys, perm_keys = input_keys(self.seed, host_pubkey, nonces)
        toks = tokens(tok_keys, self.config.seq_len, self.config.vocab)
        perms = permutations(perm_keys, self.config.d_model)
        with torch.inference_mode():
            y = self.model(toks.to(self.device)).to(device="cpu", dtype=torch.float64)
        return distance_micro(y, perms, self.target)


def distance_micro(y: torch.Tensor, perms: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """floor(10^6 * || (y / ||y||)[perm] - target ||), all float64; y (B, d), perms (B, d)."""
    u = y / torch.linalg.vector_norm(y, dim=1, keepdim=True)
    p = torch.gather(u, 1, perms)
    dist = torch.linalg.vector_norm(p - target, dim=1)
    return torch.floor(dist * MICRO).to(torch.int64)
