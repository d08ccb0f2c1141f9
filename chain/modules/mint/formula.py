"""The KPI-adaptive mint formula (docs/economics.md §2), pure integer functions.

target_i(t) = floor + (ceiling - floor) x sigmoid(k (t - t0)); delta_i = max(0, (target - value) /
target) (0 for a zero target, at most 1); delta = sum w_i delta_i; rho = rho_m + (rho_M - rho_m)
(1 - delta). All in ppm, each division floored."""

from __future__ import annotations

from dataclasses import dataclass

from sprint.mint.v1.mint_pb2 import KpiTarget, KpiValue, Params

from chain.modules.mint.fixedpoint import sigmoid_ppm
from chain.modules.mint.params import PPM

KPI_NAMES = ("verified_compute_mflop", "active_high_rep_providers", "fee_growth_ppm", "job_success_ppm")
TARGETS = dict(zip(KPI_NAMES, ("compute_target", "providers_target", "fee_growth_target", "success_target")))
MAX_FEE_RATIO_PPM = 10 * PPM  # fee revenue counts at most 10x its moving average


@dataclass(frozen=True)
class Evaluation:
    """The KPIs of one epoch against their targets and the rate they give."""

    kpis: list[KpiValue]
    distance_ppm: int
    rate: int


def target(curve: KpiTarget, epoch: int) -> int:
    """theta*_t = floor + (ceiling - floor) x sigmoid(steepness x (t - midpoint)), floored."""
    x_ppm = curve.steepness_ppm * (epoch - curve.midpoint_epoch)
    return curve.floor + (curve.ceiling - curve.floor) * sigmoid_ppm(x_ppm) // PPM


def distance_ppm(value: int, goal: int) -> int:
    """delta_i x 10^6 = max(0, (goal - value) / goal), floored; 0 when goal is 0."""
    if goal <= 0 or value >= goal:
        return 0
    return (goal - value) * PPM // goal


def rate(params: Params, delta_ppm: int) -> int:
    """rho = rho_m + (rho_M - rho_m) x (1 - delta), floored; delta clamped to [0, 1]."""
    delta_ppm = min(max(delta_ppm, 0), PPM)
    span = params.max_epoch_mint - params.min_epoch_mint
    return params.min_epoch_mint + span * (PPM - delta_ppm) // PPM


def evaluate(params: Params, epoch: int, values: dict[str, int]) -> Evaluation:
    """Targets, distances, delta and rho for the KPI `values` (by KPI_NAMES) measured in `epoch`."""
    kpis, weighted = [], 0
    for name in KPI_NAMES:
        curve = getattr(params, TARGETS[name])
        goal = target(curve, epoch)
        d = distance_ppm(values[name], goal)
        weighted += curve.weight_ppm * d
        kpis.append(KpiValue(name=name, value=values[name], target=goal, distance_ppm=d, weight_ppm=curve.weight_ppm))
    delta = weighted // PPM
    return Evaluation(kpis, delta, rate(params, delta))


def fee_ratio_ppm(revenue: int, history: list[int]) -> tuple[int, int]:
    """(revenue / moving average x 10^6, the moving average): the average of `history` (earlier
    epochs' revenue, floored); no history or a zero average counts as flat (10^6) when revenue is 0
    and as the maximum otherwise; capped at MAX_FEE_RATIO_PPM."""
    average = sum(history) // len(history) if history else 0
    if average == 0:
        return (PPM if revenue == 0 else MAX_FEE_RATIO_PPM), average
    return min(revenue * PPM // average, MAX_FEE_RATIO_PPM), average


def success_ppm(succeeded: int, failed: int) -> int:
    """Jobs completed without fraud or expiry over all finished jobs, x 10^6 (10^6 with none)."""
    total = succeeded + failed
    return PPM if total == 0 else succeeded * PPM // total


def epoch_share(amount: int, length: int, offset: int) -> int:
    """Block `offset` (0-based) of an epoch of `length` blocks issues floor(amount (i+1) / L) -
    floor(amount i / L): the blocks of an epoch add up to exactly `amount`."""
    return amount * (offset + 1) // length - amount * offset // length


def capped(amount: int, supply: int, cap: int) -> int:
    """`amount`, lowered so that supply never passes `cap` (0: no cap)."""
    if cap == 0:
        return amount
    return max(0, min(amount, cap - supply))


def net_inflation_ppm(supply_start: int, supply_end: int) -> int:
    """(supply_end - supply_start) / supply_start x 10^6, truncated toward zero (0 without supply)."""
    if supply_start == 0:
        return 0
    change = supply_end - supply_start
    magnitude = abs(change) * PPM // supply_start
    return magnitude if change >= 0 else -magnitude
