from sprint.hosts.v1 import hosts_pb2 as _hosts_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QueryHostRequest(_message.Message):
    __slots__ = ("operator",)
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    operator: str
    def __init__(self, operator: _Optional[str] = ...) -> None: ...

class QueryHostResponse(_message.Message):
    __slots__ = ("host",)
    HOST_FIELD_NUMBER: _ClassVar[int]
    host: _hosts_pb2.Host
    def __init__(self, host: _Optional[_Union[_hosts_pb2.Host, _Mapping]] = ...) -> None: ...

class QueryHostsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryHostsResponse(_message.Message):
    __slots__ = ("hosts",)
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    hosts: _containers.RepeatedCompositeFieldContainer[_hosts_pb2.Host]
    def __init__(self, hosts: _Optional[_Iterable[_Union[_hosts_pb2.Host, _Mapping]]] = ...) -> None: ...
