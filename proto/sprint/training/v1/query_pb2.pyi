from sprint.training.v1 import training_pb2 as _training_pb2
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
    params: _training_pb2.Params
    def __init__(self, params: _Optional[_Union[_training_pb2.Params, _Mapping]] = ...) -> None: ...

class QueryJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class QueryJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _training_pb2.TrainingJob
    def __init__(self, job: _Optional[_Union[_training_pb2.TrainingJob, _Mapping]] = ...) -> None: ...

class QueryJobsRequest(_message.Message):
    __slots__ = ("host", "submitter", "status", "start_after", "limit")
    HOST_FIELD_NUMBER: _ClassVar[int]
    SUBMITTER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_AFTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    host: str
    submitter: str
    status: _training_pb2.TrainingJobStatus
    start_after: int
    limit: int
    def __init__(self, host: _Optional[str] = ..., submitter: _Optional[str] = ..., status: _Optional[_Union[_training_pb2.TrainingJobStatus, str]] = ..., start_after: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class QueryJobsResponse(_message.Message):
    __slots__ = ("jobs", "next")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[_training_pb2.TrainingJob]
    next: int
    def __init__(self, jobs: _Optional[_Iterable[_Union[_training_pb2.TrainingJob, _Mapping]]] = ..., next: _Optional[int] = ...) -> None: ...

class QueryMaintenanceRequest(_message.Message):
    __slots__ = ("host",)
    HOST_FIELD_NUMBER: _ClassVar[int]
    host: str
    def __init__(self, host: _Optional[str] = ...) -> None: ...

class QueryMaintenanceResponse(_message.Message):
    __slots__ = ("windows",)
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    windows: _containers.RepeatedCompositeFieldContainer[_training_pb2.Maintenance]
    def __init__(self, windows: _Optional[_Iterable[_Union[_training_pb2.Maintenance, _Mapping]]] = ...) -> None: ...
