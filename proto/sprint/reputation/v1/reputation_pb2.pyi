from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Params(_message.Message):
    __slots__ = ("full_reputation_epochs", "min_validation_ppm", "low_volume", "high_volume", "success_alpha_ppm", "work_alpha_ppm", "success_weight_ppm", "work_weight_ppm", "stake_weight_ppm", "expired_rating_ppm", "inactivity_epochs")
    FULL_REPUTATION_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    MIN_VALIDATION_PPM_FIELD_NUMBER: _ClassVar[int]
    LOW_VOLUME_FIELD_NUMBER: _ClassVar[int]
    HIGH_VOLUME_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_ALPHA_PPM_FIELD_NUMBER: _ClassVar[int]
    WORK_ALPHA_PPM_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_WEIGHT_PPM_FIELD_NUMBER: _ClassVar[int]
    WORK_WEIGHT_PPM_FIELD_NUMBER: _ClassVar[int]
    STAKE_WEIGHT_PPM_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_RATING_PPM_FIELD_NUMBER: _ClassVar[int]
    INACTIVITY_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    full_reputation_epochs: int
    min_validation_ppm: int
    low_volume: int
    high_volume: int
    success_alpha_ppm: int
    work_alpha_ppm: int
    success_weight_ppm: int
    work_weight_ppm: int
    stake_weight_ppm: int
    expired_rating_ppm: int
    inactivity_epochs: int
    def __init__(self, full_reputation_epochs: _Optional[int] = ..., min_validation_ppm: _Optional[int] = ..., low_volume: _Optional[int] = ..., high_volume: _Optional[int] = ..., success_alpha_ppm: _Optional[int] = ..., work_alpha_ppm: _Optional[int] = ..., success_weight_ppm: _Optional[int] = ..., work_weight_ppm: _Optional[int] = ..., stake_weight_ppm: _Optional[int] = ..., expired_rating_ppm: _Optional[int] = ..., inactivity_epochs: _Optional[int] = ...) -> None: ...

class HostReputation(_message.Message):
    __slots__ = ("host", "honest_epochs", "last_active_epoch", "success_rate_ppm", "work_value_ema", "jobs_completed", "jobs_expired", "frauds", "duties_done", "duties_missed", "validation_ppm", "score_ppm", "has_record")
    HOST_FIELD_NUMBER: _ClassVar[int]
    HONEST_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVE_EPOCH_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_PPM_FIELD_NUMBER: _ClassVar[int]
    WORK_VALUE_EMA_FIELD_NUMBER: _ClassVar[int]
    JOBS_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    JOBS_EXPIRED_FIELD_NUMBER: _ClassVar[int]
    FRAUDS_FIELD_NUMBER: _ClassVar[int]
    DUTIES_DONE_FIELD_NUMBER: _ClassVar[int]
    DUTIES_MISSED_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_PPM_FIELD_NUMBER: _ClassVar[int]
    SCORE_PPM_FIELD_NUMBER: _ClassVar[int]
    HAS_RECORD_FIELD_NUMBER: _ClassVar[int]
    host: str
    honest_epochs: int
    last_active_epoch: int
    success_rate_ppm: int
    work_value_ema: int
    jobs_completed: int
    jobs_expired: int
    frauds: int
    duties_done: int
    duties_missed: int
    validation_ppm: int
    score_ppm: int
    has_record: bool
    def __init__(self, host: _Optional[str] = ..., honest_epochs: _Optional[int] = ..., last_active_epoch: _Optional[int] = ..., success_rate_ppm: _Optional[int] = ..., work_value_ema: _Optional[int] = ..., jobs_completed: _Optional[int] = ..., jobs_expired: _Optional[int] = ..., frauds: _Optional[int] = ..., duties_done: _Optional[int] = ..., duties_missed: _Optional[int] = ..., validation_ppm: _Optional[int] = ..., score_ppm: _Optional[int] = ..., has_record: bool = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params", "hosts")
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    params: Params
    hosts: _containers.RepeatedCompositeFieldContainer[HostReputation]
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ..., hosts: _Optional[_Iterable[_Union[HostReputation, _Mapping]]] = ...) -> None: ...
