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

class SubscribeBlocksRequest(_message.Message):
    __slots__ = ("from_height",)
    FROM_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    from_height: int
    def __init__(self, from_height: _Optional[int] = ...) -> None: ...

class BlockCommitted(_message.Message):
    __slots__ = ("height", "app_hash", "block_time", "chain_id")
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    APP_HASH_FIELD_NUMBER: _ClassVar[int]
    BLOCK_TIME_FIELD_NUMBER: _ClassVar[int]
    CHAIN_ID_FIELD_NUMBER: _ClassVar[int]
    height: int
    app_hash: bytes
    block_time: int
    chain_id: str
    def __init__(self, height: _Optional[int] = ..., app_hash: _Optional[bytes] = ..., block_time: _Optional[int] = ..., chain_id: _Optional[str] = ...) -> None: ...
