from sprint.common.v1 import coin_pb2 as _coin_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MsgRegisterHost(_message.Message):
    __slots__ = ("operator", "consensus_pubkey", "worker_pubkey", "endpoint", "moniker", "collateral")
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    CONSENSUS_PUBKEY_FIELD_NUMBER: _ClassVar[int]
    WORKER_PUBKEY_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    MONIKER_FIELD_NUMBER: _ClassVar[int]
    COLLATERAL_FIELD_NUMBER: _ClassVar[int]
    operator: str
    consensus_pubkey: bytes
    worker_pubkey: bytes
    endpoint: str
    moniker: str
    collateral: _coin_pb2.Coin
    def __init__(self, operator: _Optional[str] = ..., consensus_pubkey: _Optional[bytes] = ..., worker_pubkey: _Optional[bytes] = ..., endpoint: _Optional[str] = ..., moniker: _Optional[str] = ..., collateral: _Optional[_Union[_coin_pb2.Coin, _Mapping]] = ...) -> None: ...

class MsgUpdateHost(_message.Message):
    __slots__ = ("operator", "worker_pubkey", "endpoint", "moniker")
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    WORKER_PUBKEY_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    MONIKER_FIELD_NUMBER: _ClassVar[int]
    operator: str
    worker_pubkey: bytes
    endpoint: str
    moniker: str
    def __init__(self, operator: _Optional[str] = ..., worker_pubkey: _Optional[bytes] = ..., endpoint: _Optional[str] = ..., moniker: _Optional[str] = ...) -> None: ...
