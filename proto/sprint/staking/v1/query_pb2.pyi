from sprint.staking.v1 import staking_pb2 as _staking_pb2
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
    params: _staking_pb2.Params
    def __init__(self, params: _Optional[_Union[_staking_pb2.Params, _Mapping]] = ...) -> None: ...

class QueryStakeRequest(_message.Message):
    __slots__ = ("operator",)
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    operator: str
    def __init__(self, operator: _Optional[str] = ...) -> None: ...

class QueryStakeResponse(_message.Message):
    __slots__ = ("bonded", "unbonding", "locks", "unlocked")
    BONDED_FIELD_NUMBER: _ClassVar[int]
    UNBONDING_FIELD_NUMBER: _ClassVar[int]
    LOCKS_FIELD_NUMBER: _ClassVar[int]
    UNLOCKED_FIELD_NUMBER: _ClassVar[int]
    bonded: str
    unbonding: _containers.RepeatedCompositeFieldContainer[_staking_pb2.UnbondingEntry]
    locks: _containers.RepeatedCompositeFieldContainer[_staking_pb2.StakeLock]
    unlocked: str
    def __init__(self, bonded: _Optional[str] = ..., unbonding: _Optional[_Iterable[_Union[_staking_pb2.UnbondingEntry, _Mapping]]] = ..., locks: _Optional[_Iterable[_Union[_staking_pb2.StakeLock, _Mapping]]] = ..., unlocked: _Optional[str] = ...) -> None: ...
