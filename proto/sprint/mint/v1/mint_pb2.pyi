from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class KpiTarget(_message.Message):
    __slots__ = ("weight_ppm", "floor", "ceiling", "midpoint_epoch", "steepness_ppm")
    WEIGHT_PPM_FIELD_NUMBER: _ClassVar[int]
    FLOOR_FIELD_NUMBER: _ClassVar[int]
    CEILING_FIELD_NUMBER: _ClassVar[int]
    MIDPOINT_EPOCH_FIELD_NUMBER: _ClassVar[int]
    STEEPNESS_PPM_FIELD_NUMBER: _ClassVar[int]
    weight_ppm: int
    floor: int
    ceiling: int
    midpoint_epoch: int
    steepness_ppm: int
    def __init__(self, weight_ppm: _Optional[int] = ..., floor: _Optional[int] = ..., ceiling: _Optional[int] = ..., midpoint_epoch: _Optional[int] = ..., steepness_ppm: _Optional[int] = ...) -> None: ...

class Params(_message.Message):
    __slots__ = ("schedule", "min_epoch_mint", "max_epoch_mint", "supply_cap", "fee_reward_ppm", "compute_target", "providers_target", "fee_growth_target", "success_target", "high_reputation_ppm", "fee_window_epochs", "dummy_max_jobs_per_epoch", "dummy_max_jobs_per_host", "dummy_idle_jobs", "dummy_demand_requests", "dummy_model", "dummy_max_tokens", "dummy_budget_bps")
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    MIN_EPOCH_MINT_FIELD_NUMBER: _ClassVar[int]
    MAX_EPOCH_MINT_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_CAP_FIELD_NUMBER: _ClassVar[int]
    FEE_REWARD_PPM_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TARGET_FIELD_NUMBER: _ClassVar[int]
    PROVIDERS_TARGET_FIELD_NUMBER: _ClassVar[int]
    FEE_GROWTH_TARGET_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_TARGET_FIELD_NUMBER: _ClassVar[int]
    HIGH_REPUTATION_PPM_FIELD_NUMBER: _ClassVar[int]
    FEE_WINDOW_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    DUMMY_MAX_JOBS_PER_EPOCH_FIELD_NUMBER: _ClassVar[int]
    DUMMY_MAX_JOBS_PER_HOST_FIELD_NUMBER: _ClassVar[int]
    DUMMY_IDLE_JOBS_FIELD_NUMBER: _ClassVar[int]
    DUMMY_DEMAND_REQUESTS_FIELD_NUMBER: _ClassVar[int]
    DUMMY_MODEL_FIELD_NUMBER: _ClassVar[int]
    DUMMY_MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    DUMMY_BUDGET_BPS_FIELD_NUMBER: _ClassVar[int]
    schedule: str
    min_epoch_mint: int
    max_epoch_mint: int
    supply_cap: int
    fee_reward_ppm: int
    compute_target: KpiTarget
    providers_target: KpiTarget
    fee_growth_target: KpiTarget
    success_target: KpiTarget
    high_reputation_ppm: int
    fee_window_epochs: int
    dummy_max_jobs_per_epoch: int
    dummy_max_jobs_per_host: int
    dummy_idle_jobs: int
    dummy_demand_requests: int
    dummy_model: str
    dummy_max_tokens: int
    dummy_budget_bps: int
    def __init__(self, schedule: _Optional[str] = ..., min_epoch_mint: _Optional[int] = ..., max_epoch_mint: _Optional[int] = ..., supply_cap: _Optional[int] = ..., fee_reward_ppm: _Optional[int] = ..., compute_target: _Optional[_Union[KpiTarget, _Mapping]] = ..., providers_target: _Optional[_Union[KpiTarget, _Mapping]] = ..., fee_growth_target: _Optional[_Union[KpiTarget, _Mapping]] = ..., success_target: _Optional[_Union[KpiTarget, _Mapping]] = ..., high_reputation_ppm: _Optional[int] = ..., fee_window_epochs: _Optional[int] = ..., dummy_max_jobs_per_epoch: _Optional[int] = ..., dummy_max_jobs_per_host: _Optional[int] = ..., dummy_idle_jobs: _Optional[int] = ..., dummy_demand_requests: _Optional[int] = ..., dummy_model: _Optional[str] = ..., dummy_max_tokens: _Optional[int] = ..., dummy_budget_bps: _Optional[int] = ...) -> None: ...

class KpiValue(_message.Message):
    __slots__ = ("name", "value", "target", "distance_ppm", "weight_ppm")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_PPM_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: int
    target: int
    distance_ppm: int
    weight_ppm: int
    def __init__(self, name: _Optional[str] = ..., value: _Optional[int] = ..., target: _Optional[int] = ..., distance_ppm: _Optional[int] = ..., weight_ppm: _Optional[int] = ...) -> None: ...

class EpochKpis(_message.Message):
    __slots__ = ("epoch", "kpis", "distance_ppm", "kpi_rate", "schedule", "supply_start", "supply_end", "minted", "burned", "net_inflation_ppm", "sprint_mflop", "inference_mflop", "training_mflop", "jobs_succeeded", "jobs_failed", "fee_revenue", "fee_moving_average", "dummy_jobs", "vault_inflow")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    KPIS_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    KPI_RATE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_START_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_END_FIELD_NUMBER: _ClassVar[int]
    MINTED_FIELD_NUMBER: _ClassVar[int]
    BURNED_FIELD_NUMBER: _ClassVar[int]
    NET_INFLATION_PPM_FIELD_NUMBER: _ClassVar[int]
    SPRINT_MFLOP_FIELD_NUMBER: _ClassVar[int]
    INFERENCE_MFLOP_FIELD_NUMBER: _ClassVar[int]
    TRAINING_MFLOP_FIELD_NUMBER: _ClassVar[int]
    JOBS_SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    JOBS_FAILED_FIELD_NUMBER: _ClassVar[int]
    FEE_REVENUE_FIELD_NUMBER: _ClassVar[int]
    FEE_MOVING_AVERAGE_FIELD_NUMBER: _ClassVar[int]
    DUMMY_JOBS_FIELD_NUMBER: _ClassVar[int]
    VAULT_INFLOW_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    kpis: _containers.RepeatedCompositeFieldContainer[KpiValue]
    distance_ppm: int
    kpi_rate: int
    schedule: str
    supply_start: int
    supply_end: int
    minted: int
    burned: int
    net_inflation_ppm: int
    sprint_mflop: int
    inference_mflop: int
    training_mflop: int
    jobs_succeeded: int
    jobs_failed: int
    fee_revenue: int
    fee_moving_average: int
    dummy_jobs: int
    vault_inflow: int
    def __init__(self, epoch: _Optional[int] = ..., kpis: _Optional[_Iterable[_Union[KpiValue, _Mapping]]] = ..., distance_ppm: _Optional[int] = ..., kpi_rate: _Optional[int] = ..., schedule: _Optional[str] = ..., supply_start: _Optional[int] = ..., supply_end: _Optional[int] = ..., minted: _Optional[int] = ..., burned: _Optional[int] = ..., net_inflation_ppm: _Optional[int] = ..., sprint_mflop: _Optional[int] = ..., inference_mflop: _Optional[int] = ..., training_mflop: _Optional[int] = ..., jobs_succeeded: _Optional[int] = ..., jobs_failed: _Optional[int] = ..., fee_revenue: _Optional[int] = ..., fee_moving_average: _Optional[int] = ..., dummy_jobs: _Optional[int] = ..., vault_inflow: _Optional[int] = ...) -> None: ...

class EpochAccumulator(_message.Message):
    __slots__ = ("epoch", "supply_start", "minted", "inference_flop", "training_flop", "jobs_succeeded", "jobs_failed", "job_fees", "dummy_jobs", "vault_inflow")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SUPPLY_START_FIELD_NUMBER: _ClassVar[int]
    MINTED_FIELD_NUMBER: _ClassVar[int]
    INFERENCE_FLOP_FIELD_NUMBER: _ClassVar[int]
    TRAINING_FLOP_FIELD_NUMBER: _ClassVar[int]
    JOBS_SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    JOBS_FAILED_FIELD_NUMBER: _ClassVar[int]
    JOB_FEES_FIELD_NUMBER: _ClassVar[int]
    DUMMY_JOBS_FIELD_NUMBER: _ClassVar[int]
    VAULT_INFLOW_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    supply_start: int
    minted: int
    inference_flop: int
    training_flop: int
    jobs_succeeded: int
    jobs_failed: int
    job_fees: int
    dummy_jobs: int
    vault_inflow: int
    def __init__(self, epoch: _Optional[int] = ..., supply_start: _Optional[int] = ..., minted: _Optional[int] = ..., inference_flop: _Optional[int] = ..., training_flop: _Optional[int] = ..., jobs_succeeded: _Optional[int] = ..., jobs_failed: _Optional[int] = ..., job_fees: _Optional[int] = ..., dummy_jobs: _Optional[int] = ..., vault_inflow: _Optional[int] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: Params
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ...) -> None: ...
