from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HostStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HOST_STATUS_UNSPECIFIED: _ClassVar[HostStatus]
    HOST_STATUS_ACTIVE: _ClassVar[HostStatus]
    HOST_STATUS_INACTIVE: _ClassVar[HostStatus]
    HOST_STATUS_BANNED: _ClassVar[HostStatus]
HOST_STATUS_UNSPECIFIED: HostStatus
HOST_STATUS_ACTIVE: HostStatus
HOST_STATUS_INACTIVE: HostStatus
HOST_STATUS_BANNED: HostStatus

class Host(_message.Message):
    __slots__ = ("operator", "consensus_pubkey", "worker_pubkey", "endpoint", "moniker", "weight", "status", "banned_until")
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    CONSENSUS_PUBKEY_FIELD_NUMBER: _ClassVar[int]
    WORKER_PUBKEY_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    MONIKER_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BANNED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    operator: str
    consensus_pubkey: bytes
    worker_pubkey: bytes
    endpoint: str
    moniker: str
    weight: int
    status: HostStatus
    banned_until: int
    def __init__(self, operator: _Optional[str] = ..., consensus_pubkey: _Optional[bytes] = ..., worker_pubkey: _Optional[bytes] = ..., endpoint: _Optional[str] = ..., moniker: _Optional[str] = ..., weight: _Optional[int] = ..., status: _Optional[_Union[HostStatus, str]] = ..., banned_until: _Optional[int] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("hosts",)
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    hosts: _containers.RepeatedCompositeFieldContainer[Host]
    def __init__(self, hosts: _Optional[_Iterable[_Union[Host, _Mapping]]] = ...) -> None: ...
