from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class QueryStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryStatusResponse(_message.Message):
    __slots__ = ("chain_id", "height", "app_hash", "block_time")
    CHAIN_ID_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    APP_HASH_FIELD_NUMBER: _ClassVar[int]
    BLOCK_TIME_FIELD_NUMBER: _ClassVar[int]
    chain_id: str
    height: int
    app_hash: bytes
    block_time: int
    def __init__(self, chain_id: _Optional[str] = ..., height: _Optional[int] = ..., app_hash: _Optional[bytes] = ..., block_time: _Optional[int] = ...) -> None: ...
