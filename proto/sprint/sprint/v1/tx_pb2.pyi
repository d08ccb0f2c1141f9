from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class MsgCommitSeed(_message.Message):
    __slots__ = ("worker", "epoch", "commitment")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_FIELD_NUMBER: _ClassVar[int]
    worker: str
    epoch: int
    commitment: bytes
    def __init__(self, worker: _Optional[str] = ..., epoch: _Optional[int] = ..., commitment: _Optional[bytes] = ...) -> None: ...

class MsgRevealSeed(_message.Message):
    __slots__ = ("worker", "epoch", "secret")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    worker: str
    epoch: int
    secret: bytes
    def __init__(self, worker: _Optional[str] = ..., epoch: _Optional[int] = ..., secret: _Optional[bytes] = ...) -> None: ...

class MsgSubmitProofBatch(_message.Message):
    __slots__ = ("worker", "epoch", "nonces", "distances")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    NONCES_FIELD_NUMBER: _ClassVar[int]
    DISTANCES_FIELD_NUMBER: _ClassVar[int]
    worker: str
    epoch: int
    nonces: _containers.RepeatedScalarFieldContainer[int]
    distances: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, worker: _Optional[str] = ..., epoch: _Optional[int] = ..., nonces: _Optional[_Iterable[int]] = ..., distances: _Optional[_Iterable[int]] = ...) -> None: ...

class MsgSubmitProofValidation(_message.Message):
    __slots__ = ("worker", "epoch", "prover", "approve", "checked", "mismatches")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    PROVER_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    MISMATCHES_FIELD_NUMBER: _ClassVar[int]
    worker: str
    epoch: int
    prover: str
    approve: bool
    checked: int
    mismatches: int
    def __init__(self, worker: _Optional[str] = ..., epoch: _Optional[int] = ..., prover: _Optional[str] = ..., approve: bool = ..., checked: _Optional[int] = ..., mismatches: _Optional[int] = ...) -> None: ...
