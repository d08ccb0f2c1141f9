from sprint.mint.v1 import mint_pb2 as _mint_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QueryParamsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryParamsResponse(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: _mint_pb2.Params
    def __init__(self, params: _Optional[_Union[_mint_pb2.Params, _Mapping]] = ...) -> None: ...

class QueryKpisRequest(_message.Message):
    __slots__ = ("epoch",)
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    def __init__(self, epoch: _Optional[int] = ...) -> None: ...

class QueryKpisResponse(_message.Message):
    __slots__ = ("kpis", "current_epoch", "schedule", "current_epoch_issuance")
    KPIS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_EPOCH_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_EPOCH_ISSUANCE_FIELD_NUMBER: _ClassVar[int]
    kpis: _mint_pb2.EpochKpis
    current_epoch: int
    schedule: str
    current_epoch_issuance: int
    def __init__(self, kpis: _Optional[_Union[_mint_pb2.EpochKpis, _Mapping]] = ..., current_epoch: _Optional[int] = ..., schedule: _Optional[str] = ..., current_epoch_issuance: _Optional[int] = ...) -> None: ...
