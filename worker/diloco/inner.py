"""A worker's inner round (docs/diloco.md §2) and the committee's check of it (§5).

Rank ``r`` in round ``u`` starts from the agreed ``theta_u`` and its own inner AdamW state, runs the
global inner steps ``[u*k, (u+1)*k)`` on its shard (worker/training's §3 batches with the seed
``shard_seed(data_seed, r)``), one checkpoint interval at a time, and commits the hash of
``Delta = theta_end - theta_u``, its end optimizer state, the Merkle root over the round's interval
leaves (docs/training.md §4, interval index = global step / checkpoint_interval) and the losses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from chain.modules.training.merkle import leaf_hash, merkle_root
from worker.diloco.ddp import train_interval_rows
from worker.diloco.delta import apply_delta, delta_bytes
from worker.diloco.shard import shard_seed
from worker.inference.weights import WeightsError
from worker.training.cheats import Cheat
from worker.training.hyper import Hyper
from worker.training.job_runner import Leaf
from worker.training.state import load_state, optim_bytes, sha256_hex, weights_bytes
from worker.training.trainer import loss_micro, train_interval
from worker.training.verify import MAX_DISTANCE_PPM, Reexecuted, distance_ppm


@dataclass(frozen=True)
class InnerResult:
    """One worker's round: end state blobs, its Delta blob, the interval leaves, root and losses."""

    end_weights: bytes
    end_optim: bytes
    delta: bytes
    leaves: list[Leaf]
    root: bytes
    losses: list[int]  # per interval, x 10^6 (the commit's losses_micro)
    # (weights, optim) blobs at the end of each interval but the last (that one is end_weights /
    # end_optim): what a sampled-interval check asks the worker to reveal (docs/diloco.md §5).
    states: tuple = ()

    @property
    def delta_sha256(self) -> str:
        """The hash committed in MsgCommitDilocoRound."""
        return sha256_hex(self.delta)

    @property
    def optim_sha256(self) -> str:
        """The end optimizer state's hash."""
        return sha256_hex(self.end_optim)

    def commit_fields(self) -> dict:
        """The MsgCommitDilocoRound fields this round fills (worker, job_id and round are the caller's)."""
        return {"delta_sha256": self.delta_sha256, "delta_size": len(self.delta),
                "end_optim_sha256": self.optim_sha256, "end_optim_size": len(self.end_optim),
                "root": self.root, "losses_micro": list(self.losses)}


def round_intervals(hyper, round_index: int, inner_steps: int) -> range:
    """Checkpoint intervals of round ``round_index``: steps [u*k, (u+1)*k) in intervals of c steps."""
    c = Hyper.of(hyper).checkpoint_interval
    if inner_steps < 1 or inner_steps % c:
        raise ValueError(f"inner_steps {inner_steps} must be a positive multiple of checkpoint_interval {c}")
    per = inner_steps // c
    return range(round_index * per, (round_index + 1) * per)


def run_inner_round(config, theta_u: bytes, optim: bytes | None, data: bytes, data_seed, rank: int, hyper,
                    round_index: int, inner_steps: int, precision: str = "fp32", cheat: Cheat | None = None,
                    job_id: int = 0, device="cpu", model_wrap: Callable | None = None,
                    batch_rows: slice | None = None) -> InnerResult:
    """Run rank ``rank``'s ``inner_steps`` steps of round ``round_index`` from ``theta_u`` and ``optim``
    (None or b"" = a fresh AdamW) and return what it commits.

    ``model_wrap`` / ``batch_rows``: the data-parallel hooks of worker/diloco/ddp.py (the model
    wrapped for gradient all-reduce, and this process's rows of each batch). A ``cheat`` (test-only)
    runs instead of the honest steps on the intervals it applies to (picked by the shard seed).
    """
    h, seed = Hyper.of(hyper), shard_seed(data_seed, rank)
    model, opt = load_state(config, theta_u, optim, h, device)
    trained = model_wrap(model) if model_wrap is not None else model
    leaves, states, last = [], [], 0
    for k in round_intervals(h, round_index, inner_steps):
        losses = _interval(trained, opt, data, seed, h, k, precision, cheat, batch_rows)
        last = loss_micro(losses) if losses else last
        w_blob, o_blob = weights_bytes(model), optim_bytes(model, opt)
        ws, os_ = sha256_hex(w_blob), sha256_hex(o_blob)
        leaves.append(Leaf(k, ws, os_, last, leaf_hash(job_id, k, ws, os_, last)))
        states.append((w_blob, o_blob))
    end_w, end_o = states.pop()
    return InnerResult(end_w, end_o, delta_bytes(theta_u, end_w), leaves,
                       merkle_root([leaf.hash for leaf in leaves]), [leaf.loss_micro for leaf in leaves],
                       tuple(states))


def _interval(model, opt, data, seed, h, k, precision, cheat, batch_rows):
    if batch_rows is None:
        return train_interval(model, opt, data, seed, h, k, precision, cheat)
    if cheat is not None:
        raise ValueError("cheats run in a single process only (no batch_rows)")
    return train_interval_rows(model, opt, data, seed, h, k, precision, batch_rows)


def reexecute_round(config, theta_u: bytes, start_optim: bytes | None, data: bytes, data_seed, rank: int, hyper,
                    round_index: int, inner_steps: int, precision: str = "fp32", device="cpu") -> Reexecuted:
    """The committee's honest re-execution of a contribution: its end weights (``.optim``: the end
    optimizer blob, whose second moments weight the distance). WeightsError for a bad start state."""
    h, seed = Hyper.of(hyper), shard_seed(data_seed, rank)
    model, opt = load_state(config, theta_u, start_optim, h, device)
    for k in round_intervals(h, round_index, inner_steps):
        train_interval(model, opt, data, seed, h, k, precision)
    return Reexecuted(weights_bytes(model), optim_bytes(model, opt))


def round_distance_ppm(theta_u: bytes, reexec: Reexecuted, claimed_delta: bytes) -> int:
    """docs/diloco.md §5: distance(theta_u, theta_u + Delta_hat, theta_u + Delta) x 10^6 (the §7
    distance of docs/training.md); MAX_DISTANCE_PPM for a Delta that is not an F32 blob of the layout."""
    try:
        claimed = apply_delta(theta_u, claimed_delta)
    except WeightsError:
        return MAX_DISTANCE_PPM
    mine = apply_delta(theta_u, delta_bytes(theta_u, reexec))
    return distance_ppm(theta_u, mine, claimed, reexec.optim)


def interval_distance_ppm(config, start: tuple[bytes, bytes | None], claimed_end: bytes, data: bytes, data_seed,
                          rank: int, hyper, interval: int, device="cpu") -> int:
    """A sampled-interval check (docs/diloco.md §5): re-execute global ``interval`` of rank ``rank``
    in fp32 from the revealed ``start`` (weights, optim) and measure the docs/training.md §7 distance
    to ``claimed_end``; MAX_DISTANCE_PPM when the start is not a well-formed state of the model."""
    from worker.training.verify import reexecute_interval

    try:
        mine = reexecute_interval(config, start[0], start[1] or None, data, shard_seed(data_seed, rank),
                                  Hyper.of(hyper), interval, precision="fp32", device=device)
    except WeightsError:
        return MAX_DISTANCE_PPM
    return distance_ppm(start[0], mine, claimed_end)
