from sprint.rewards.v1 import rewards_pb2 as _rewards_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QueryParamsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryParamsResponse(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: _rewards_pb2.Params
    def __init__(self, params: _Optional[_Union[_rewards_pb2.Params, _Mapping]] = ...) -> None: ...

class QueryPendingRequest(_message.Message):
    __slots__ = ("host",)
    HOST_FIELD_NUMBER: _ClassVar[int]
    host: str
    def __init__(self, host: _Optional[str] = ...) -> None: ...

class QueryPendingResponse(_message.Message):
    __slots__ = ("accruals", "total", "last_outcome", "block_reward")
    ACCRUALS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    LAST_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    BLOCK_REWARD_FIELD_NUMBER: _ClassVar[int]
    accruals: _containers.RepeatedCompositeFieldContainer[_rewards_pb2.Accrual]
    total: int
    last_outcome: _rewards_pb2.HostOutcome
    block_reward: int
    def __init__(self, accruals: _Optional[_Iterable[_Union[_rewards_pb2.Accrual, _Mapping]]] = ..., total: _Optional[int] = ..., last_outcome: _Optional[_Union[_rewards_pb2.HostOutcome, _Mapping]] = ..., block_reward: _Optional[int] = ...) -> None: ...

class QueryPoolRequest(_message.Message):
    __slots__ = ("epoch",)
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    def __init__(self, epoch: _Optional[int] = ...) -> None: ...

class QueryPoolResponse(_message.Message):
    __slots__ = ("pool",)
    POOL_FIELD_NUMBER: _ClassVar[int]
    pool: _rewards_pb2.EpochPool
    def __init__(self, pool: _Optional[_Union[_rewards_pb2.EpochPool, _Mapping]] = ...) -> None: ...

class QueryOutcomesRequest(_message.Message):
    __slots__ = ("epoch",)
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    def __init__(self, epoch: _Optional[int] = ...) -> None: ...

class QueryOutcomesResponse(_message.Message):
    __slots__ = ("outcomes",)
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    outcomes: _containers.RepeatedCompositeFieldContainer[_rewards_pb2.HostOutcome]
    def __init__(self, outcomes: _Optional[_Iterable[_Union[_rewards_pb2.HostOutcome, _Mapping]]] = ...) -> None: ...

class QueryVaultRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryVaultResponse(_message.Message):
    __slots__ = ("address", "denom", "balance")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    DENOM_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    address: str
    denom: str
    balance: int
    def __init__(self, address: _Optional[str] = ..., denom: _Optional[str] = ..., balance: _Optional[int] = ...) -> None: ...
