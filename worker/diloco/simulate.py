"""A DiLoCo job with every worker in one process (tests and bench/diloco.py).

Round u: each worker present runs ``run_inner_round`` from theta_u with its own inner AdamW state
(a cheater with its test-only cheat), then the exact outer step of the contributions in rank order
gives theta_{u+1} and m_{u+1} -- what the chain would agree. Records per round the theta/momentum
hashes, every contribution, the held-out loss and where the time went.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from worker.diloco.evaluate import heldout_loss, heldout_windows
from worker.diloco.inner import InnerResult, run_inner_round
from worker.diloco.outer import outer_step
from worker.training.cheats import Cheat
from worker.training.hyper import Hyper
from worker.training.state import sha256_hex

DILOCO_LR_NANO = 700_000_000  # DiLoCo's outer lr 0.7
DILOCO_MOMENTUM_NANO = 900_000_000  # and Nesterov momentum 0.9


@dataclass
class SimResult:
    """A simulated job: ``theta_hashes[u]`` / ``momentum_hashes[u]`` after round u, held-out loss
    before round 0 and after each round, the contributions {rank: InnerResult} per round, the final
    theta and momentum blobs, the last round's start pair (theta_u, m_u), and seconds spent in inner
    steps / outer steps / evaluation."""

    theta_hashes: list[str] = field(default_factory=list)
    momentum_hashes: list[str] = field(default_factory=list)
    heldout: list[float] = field(default_factory=list)
    contributions: list[dict[int, InnerResult]] = field(default_factory=list)
    theta: bytes = b""
    momentum: bytes = b""
    last_start: tuple[bytes, bytes] = (b"", b"")
    seconds: dict[str, float] = field(default_factory=lambda: {"inner": 0.0, "outer": 0.0, "eval": 0.0})


def _cheat(spec, round_index: int) -> Cheat | None:
    """A cheater's cheat this round: spec is a mode/Cheat (every round) or {round: mode/Cheat}."""
    if isinstance(spec, dict):
        spec = spec.get(round_index)
    return spec if isinstance(spec, Cheat) or spec is None else Cheat.parse(spec)


def simulate(config, base_weights: bytes, data: bytes, data_seed, workers: int, rounds: int, inner_steps: int,
             hyper, outer_lr_nano: int = DILOCO_LR_NANO, outer_momentum_nano: int = DILOCO_MOMENTUM_NANO,
             cheaters: dict | None = None, absent: dict[int, set] | None = None, fresh: dict[int, set] | None = None,
             heldout: bytes | None = None, job_id: int = 0, precision: str = "fp32") -> SimResult:
    """Run ``rounds`` rounds of ``workers`` workers with ``inner_steps`` inner steps each.

    ``cheaters``: {rank: cheat mode or Cheat (every round), or {round: mode or Cheat}}; ``absent``:
    {round: ranks that contribute nothing that round} (stragglers keep their optimizer state; a
    worker that left or was excluded is absent from then on); ``fresh``: {round: ranks that start
    that round with a fresh optimizer} (a replacement taking the rank); ``heldout``: text to measure
    the held-out loss on (skipped when None). A job rolled back to round v and continued without a
    cheater is the same call with the cheater absent from round v on.
    """
    h, cheaters, absent, fresh = Hyper.of(hyper), cheaters or {}, absent or {}, fresh or {}
    windows = heldout_windows(heldout, h.seq_len) if heldout is not None else None
    res, theta, momentum, optims = SimResult(), base_weights, b"", {r: b"" for r in range(workers)}
    _eval(res, config, theta, windows)
    for u in range(rounds):
        t0 = time.perf_counter()
        optims.update({r: b"" for r in fresh.get(u, ())})
        contrib = {r: run_inner_round(config, theta, optims[r], data, data_seed, r, h, u, inner_steps,
                                      precision, _cheat(cheaters.get(r), u), job_id)
                   for r in range(workers) if r not in absent.get(u, ())}
        t1 = time.perf_counter()
        res.last_start = (theta, momentum)
        theta, momentum = outer_step(theta, momentum, [contrib[r].delta for r in sorted(contrib)],
                                     outer_lr_nano, outer_momentum_nano)
        res.seconds["inner"] += t1 - t0
        res.seconds["outer"] += time.perf_counter() - t1
        for r, c in contrib.items():
            optims[r] = c.end_optim
        res.contributions.append(contrib)
        res.theta_hashes.append(sha256_hex(theta))
        res.momentum_hashes.append(sha256_hex(momentum))
        _eval(res, config, theta, windows)
    res.theta, res.momentum = theta, momentum
    return res


def _eval(res: SimResult, config, theta: bytes, windows) -> None:
    if windows is None:
        return
    t = time.perf_counter()
    res.heldout.append(heldout_loss(config, theta, windows))
    res.seconds["eval"] += time.perf_counter() - t
