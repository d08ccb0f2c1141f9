"""mint params: defaults and validation (see proto sprint.mint.v1.Params and docs/economics.md).

`validate_params` is what genesis and a governance param change (submission and enactment) run.
The defaults keep the chain's behaviour from before mint existed: the decaying schedule, every gas
fee to the rewards pools (q = 1) and no dummy tasks; governance turns each on."""

from __future__ import annotations

from sprint.mint.v1.mint_pb2 import KpiTarget, Params

from chain.errors import ErrInvalidRequest

PPM = 1_000_000
BPS = 10_000
SCHEDULE_DECAY = "decay"
SCHEDULE_KPI = "kpi"
SCHEDULES = (SCHEDULE_DECAY, SCHEDULE_KPI)
TARGET_FIELDS = ("compute_target", "providers_target", "fee_growth_target", "success_target")
MAX_EPOCH_MINT = 10**18
MAX_STEEPNESS_PPM = 100 * PPM
MAX_FEE_WINDOW = 1_000
MAX_DUMMY_JOBS = 10_000


def _target(weight: int, floor: int, ceiling: int, midpoint: int, steepness: int) -> KpiTarget:
    return KpiTarget(weight_ppm=weight, floor=floor, ceiling=ceiling, midpoint_epoch=midpoint,
                     steepness_ppm=steepness)


def default_params() -> Params:
    return Params(
        schedule=SCHEDULE_DECAY,
        min_epoch_mint=6_000_000,  # rho_m: a quarter of the decay schedule's first epochs (24 blocks x 10^6)
        max_epoch_mint=24_000_000,  # rho_M
        supply_cap=0,
        fee_reward_ppm=PPM,
        compute_target=_target(250_000, 1_000, 100_000_000, 2_000, 5_000),  # MFLOP per epoch
        providers_target=_target(250_000, 1, 100, 2_000, 5_000),  # hosts
        fee_growth_target=_target(250_000, PPM, 1_050_000, 2_000, 5_000),  # revenue / moving average, ppm
        success_target=_target(250_000, 950_000, 990_000, 2_000, 5_000),  # ppm
        high_reputation_ppm=800_000,
        fee_window_epochs=10,
        dummy_max_jobs_per_epoch=0,
        dummy_max_jobs_per_host=2,
        dummy_idle_jobs=1,
        dummy_demand_requests=10,
        dummy_model="",
        dummy_max_tokens=16,
        dummy_budget_bps=1_000,
    )


def _check_target(name: str, target: KpiTarget) -> None:
    if target.ceiling < target.floor:
        raise ErrInvalidRequest(f"mint params: {name}.ceiling must be >= {name}.floor")
    if target.steepness_ppm > MAX_STEEPNESS_PPM:
        raise ErrInvalidRequest(f"mint params: {name}.steepness_ppm must be <= {MAX_STEEPNESS_PPM}")
    if target.weight_ppm > PPM:
        raise ErrInvalidRequest(f"mint params: {name}.weight_ppm must be <= {PPM}")


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest (one sentence naming the field) when a param is out of range."""
    if params.schedule not in SCHEDULES:
        raise ErrInvalidRequest(f"mint params: schedule must be one of {', '.join(SCHEDULES)}, got {params.schedule!r}")
    if params.max_epoch_mint > MAX_EPOCH_MINT:
        raise ErrInvalidRequest(f"mint params: max_epoch_mint must be <= {MAX_EPOCH_MINT}")
    if params.min_epoch_mint > params.max_epoch_mint:
        raise ErrInvalidRequest("mint params: min_epoch_mint (rho_m) must be <= max_epoch_mint (rho_M)")
    if params.fee_reward_ppm > PPM:
        raise ErrInvalidRequest(f"mint params: fee_reward_ppm (q) must be <= {PPM}")
    for name in TARGET_FIELDS:
        _check_target(name, getattr(params, name))
    if sum(getattr(params, name).weight_ppm for name in TARGET_FIELDS) != PPM:
        raise ErrInvalidRequest(f"mint params: the four KPI weight_ppm must sum to {PPM}")
    if params.high_reputation_ppm > PPM:
        raise ErrInvalidRequest(f"mint params: high_reputation_ppm must be <= {PPM}")
    if not 1 <= params.fee_window_epochs <= MAX_FEE_WINDOW:
        raise ErrInvalidRequest(f"mint params: fee_window_epochs must be within 1..{MAX_FEE_WINDOW}")
    _check_dummy(params)


def _check_dummy(params: Params) -> None:
    if params.dummy_max_jobs_per_epoch > MAX_DUMMY_JOBS:
        raise ErrInvalidRequest(f"mint params: dummy_max_jobs_per_epoch must be <= {MAX_DUMMY_JOBS}")
    if params.dummy_budget_bps > BPS:
        raise ErrInvalidRequest(f"mint params: dummy_budget_bps must be <= {BPS}")
    if params.dummy_max_jobs_per_epoch and (params.dummy_max_tokens < 1 or params.dummy_max_jobs_per_host < 1):
        raise ErrInvalidRequest("mint params: dummy tasks need dummy_max_tokens >= 1 and dummy_max_jobs_per_host >= 1")
