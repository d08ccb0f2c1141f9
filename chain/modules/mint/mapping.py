"""The rewards mapping of docs/economics.md §4 (the source paper's Rewards Mapping), as a pure function.

R_infl(i) = gamma_X v_t w_i / sum_j w_j and R_fees(i) = q Phi_t w_i / sum_j w_j with
w_i = Rep(i) x Contribution(i) x Stake(i). Rep and Stake are ppm; Contribution is a FLOP count
(the normalisation by the total cancels in the ratio). Every division floors.
"""

from __future__ import annotations

from dataclasses import dataclass

PPM = 1_000_000


@dataclass(frozen=True)
class Actor:
    name: str
    rep_ppm: int
    flops: int
    stake_ppm: int

    @property
    def weight(self) -> int:
        return self.rep_ppm * self.flops * self.stake_ppm


def inflation_reward(issuance: int, gamma_ppm: int, actor: Actor, actors: list[Actor]) -> int:
    """gamma_X x v_t x w_i / sum w (0 when every weight is 0)."""
    total = sum(a.weight for a in actors)
    return issuance * gamma_ppm * actor.weight // (PPM * total) if total else 0


def fee_reward(fees: int, q_ppm: int, actor: Actor, actors: list[Actor]) -> int:
    """F_t x w_i / sum w with F_t = q x Phi_t (floored first)."""
    total = sum(a.weight for a in actors)
    pool = fees * q_ppm // PPM
    return pool * actor.weight // total if total else 0


def total_reward(issuance: int, gamma_ppm: int, fees: int, q_ppm: int, actor: Actor, actors: list[Actor]) -> int:
    """Rewards(i, t) = R_infl(i, t) + R_fees(i, t)."""
    return inflation_reward(issuance, gamma_ppm, actor, actors) + fee_reward(fees, q_ppm, actor, actors)
