from sprint.reputation.v1 import reputation_pb2 as _reputation_pb2
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
    params: _reputation_pb2.Params
    def __init__(self, params: _Optional[_Union[_reputation_pb2.Params, _Mapping]] = ...) -> None: ...

class QueryHostRequest(_message.Message):
    __slots__ = ("host",)
    HOST_FIELD_NUMBER: _ClassVar[int]
    host: str
    def __init__(self, host: _Optional[str] = ...) -> None: ...

class QueryHostResponse(_message.Message):
    __slots__ = ("reputation", "volume")
    REPUTATION_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    reputation: _reputation_pb2.HostReputation
    volume: int
    def __init__(self, reputation: _Optional[_Union[_reputation_pb2.HostReputation, _Mapping]] = ..., volume: _Optional[int] = ...) -> None: ...

class QueryHostsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryHostsResponse(_message.Message):
    __slots__ = ("hosts",)
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    hosts: _containers.RepeatedCompositeFieldContainer[_reputation_pb2.HostReputation]
    def __init__(self, hosts: _Optional[_Iterable[_Union[_reputation_pb2.HostReputation, _Mapping]]] = ...) -> None: ...
