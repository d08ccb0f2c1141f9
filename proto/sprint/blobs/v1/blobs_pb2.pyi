from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PutChunk(_message.Message):
    __slots__ = ("sha256", "size", "data", "auth")
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    AUTH_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    size: int
    data: bytes
    auth: UploaderAuth
    def __init__(self, sha256: _Optional[str] = ..., size: _Optional[int] = ..., data: _Optional[bytes] = ..., auth: _Optional[_Union[UploaderAuth, _Mapping]] = ...) -> None: ...

class UploaderAuth(_message.Message):
    __slots__ = ("pubkey", "signature", "expires_at")
    PUBKEY_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    pubkey: bytes
    signature: bytes
    expires_at: int
    def __init__(self, pubkey: _Optional[bytes] = ..., signature: _Optional[bytes] = ..., expires_at: _Optional[int] = ...) -> None: ...

class PutResponse(_message.Message):
    __slots__ = ("sha256", "size", "created")
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    size: int
    created: bool
    def __init__(self, sha256: _Optional[str] = ..., size: _Optional[int] = ..., created: bool = ...) -> None: ...

class GetRequest(_message.Message):
    __slots__ = ("sha256", "local_only")
    SHA256_FIELD_NUMBER: _ClassVar[int]
    LOCAL_ONLY_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    local_only: bool
    def __init__(self, sha256: _Optional[str] = ..., local_only: bool = ...) -> None: ...

class BlobChunk(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    def __init__(self, data: _Optional[bytes] = ...) -> None: ...

class StatRequest(_message.Message):
    __slots__ = ("sha256",)
    SHA256_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    def __init__(self, sha256: _Optional[str] = ...) -> None: ...

class StatResponse(_message.Message):
    __slots__ = ("sha256", "size")
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    sha256: str
    size: int
    def __init__(self, sha256: _Optional[str] = ..., size: _Optional[int] = ...) -> None: ...
