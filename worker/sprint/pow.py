"""SprintFunction: distances of nonces for one (sprint seed, config), and the batched nonce search.

distance(nonce) = || permute(y / ||y||) - target || in float64, where y is the model's last output
vector (computed in the function's dtype, then cast up); distance_micro = floor(distance * 10^6).
A nonce is valid when distance_micro < threshold_micro. docs/sprint-pow.md §6.

Low-precision search (bfloat16/float16) is confirmed: every nonce whose low-precision distance is
below threshold + confirm_guard_micro is recomputed by a float32 copy of the model on the same
device, and only float32-valid nonces are reported, with their float32 distances (§9: this keeps
an honest prover's mismatch rate at the float32-vs-float32 level).

Only the input seeds (SHA-256) are computed on the CPU; tokens, permutations, the forward pass and
the distances run on the function's device. On CUDA the next batch's hashing overlaps the current
batch's kernels (results come back through pinned memory and an event).
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

import torch

from worker.sprint.config import PowConfig, recommended
from worker.sprint.inputs import MAX_NONCE, input_keys, permutations, target_vector, tokens
from worker.sprint.model import SprintTransformer, generate_weights

MICRO = 1_000_000
LOW_PRECISION = (torch.bfloat16, torch.float16)


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
        weights: dict[str, torch.Tensor] | None = None,
    ):
        self.seed, self.config, self.device, self.dtype = bytes(seed), config, str(device), dtype
        weights = weights if weights is not None else generate_weights(self.seed, config)
        self.model = SprintTransformer.from_weights(config, weights, device=device, dtype=dtype)
        self.target = target_vector(self.seed, config.d_model)
        self._target_dev = self.target.to(device)
        self.confirmer: SprintFunction | None = None
        if dtype in LOW_PRECISION:
            self.confirmer = SprintFunction(self.seed, config, device=device, dtype=torch.float32, weights=weights)
        guard = recommended(config.name).confirm_guard_micro if confirm_guard_micro is None else confirm_guard_micro
        self.confirm_guard_micro = guard

    def distances(self, host_pubkey: bytes, nonces: Sequence[int], batch_size: int | None = None) -> list[int]:
        """distance x 10^6 (floored) of each nonce, in order, computed in this function's dtype."""
        out: list[int] = []
        for _, micro in self._stream(host_pubkey, nonces, batch_size):
            out += micro.tolist()
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
        found: list[tuple[int, int]] = []
        done = 0
        for nonces, micro in self._stream(host_pubkey, range(start_nonce, start_nonce + count), batch_size):
            batch_found = self._valid(host_pubkey, nonces, micro, threshold)
            found += batch_found
            done += len(nonces)
            if progress is not None:
                progress(done, batch_found)
        return found

    def _valid(self, host_pubkey: bytes, nonces, micro: torch.Tensor, threshold: int) -> list[tuple[int, int]]:
        """(nonce, distance_micro) of the valid nonces of one batch, confirmed in float32 if needed."""
        if self.confirmer is None:
            return [(nonces[j], int(micro[j])) for j in torch.nonzero(micro < threshold).flatten().tolist()]
        candidates = [nonces[j] for j in torch.nonzero(micro < threshold + self.confirm_guard_micro).flatten().tolist()]
        if not candidates:
            return []
        confirmed = self.confirmer.distances(host_pubkey, candidates)
        return [(n, d) for n, d in zip(candidates, confirmed) if d < threshold]

    def _stream(self, host_pubkey: bytes, nonces: Sequence[int], batch_size: int | None) -> Iterator[tuple]:
        """(batch nonces, int64 CPU distance_micro) per batch, one batch in flight ahead."""
        batch = batch_size or default_batch_size(self.config, self.device)
        pending = None
        for i in range(0, len(nonces), batch):
            chunk = nonces[i : i + batch]
            launched = (chunk, *self._launch(host_pubkey, chunk))
            if pending is not None:
                yield _collect(pending)
            pending = launched
        if pending is not None:
            yield _collect(pending)

    def _launch(self, host_pubkey: bytes, nonces: Sequence[int]) -> tuple[torch.Tensor, object]:
        """Queue one batch on the device; returns (result tensor, CUDA event or None)."""
        tok_keys, perm_keys = input_keys(self.seed, host_pubkey, nonces)
        toks = tokens(tok_keys.to(self.device), self.config.seq_len, self.config.vocab)
        perms = permutations(perm_keys.to(self.device), self.config.d_model)
        with torch.inference_mode():
            y = self.model(toks).to(torch.float64)
            micro = distance_micro(y, perms, self._target_dev)
        if not self.device.startswith("cuda"):
            return micro, None
        host = torch.empty(micro.shape, dtype=torch.int64, pin_memory=True)
        host.copy_(micro, non_blocking=True)
        event = torch.cuda.Event()
        event.record()
        return host, event


def _collect(pending: tuple) -> tuple:
    nonces, micro, event = pending
    if event is not None:
        event.synchronize()
    return nonces, micro


def distance_micro(y: torch.Tensor, perms: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """floor(10^6 * || (y / ||y||)[perm] - target ||), all float64; y (B, d), perms (B, d)."""
    u = y / torch.linalg.vector_norm(y, dim=1, keepdim=True)
    p = torch.gather(u, 1, perms)
    dist = torch.linalg.vector_norm(p - target, dim=1)
    return torch.floor(dist * MICRO).to(torch.int64)
