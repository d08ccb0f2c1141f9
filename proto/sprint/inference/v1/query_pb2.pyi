from sprint.inference.v1 import inference_pb2 as _inference_pb2
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
    params: _inference_pb2.Params
    def __init__(self, params: _Optional[_Union[_inference_pb2.Params, _Mapping]] = ...) -> None: ...

class QueryModelRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class QueryModelResponse(_message.Message):
    __slots__ = ("model",)
    MODEL_FIELD_NUMBER: _ClassVar[int]
    model: _inference_pb2.Model
    def __init__(self, model: _Optional[_Union[_inference_pb2.Model, _Mapping]] = ...) -> None: ...

class QueryModelsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryModelsResponse(_message.Message):
    __slots__ = ("models",)
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[_inference_pb2.Model]
    def __init__(self, models: _Optional[_Iterable[_Union[_inference_pb2.Model, _Mapping]]] = ...) -> None: ...

class QueryJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class QueryJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _inference_pb2.Job
    def __init__(self, job: _Optional[_Union[_inference_pb2.Job, _Mapping]] = ...) -> None: ...

class QueryJobsRequest(_message.Message):
    __slots__ = ("executor", "requester", "status", "audit_epoch", "start_after", "limit")
    EXECUTOR_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AUDIT_EPOCH_FIELD_NUMBER: _ClassVar[int]
    START_AFTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    executor: str
    requester: str
    status: _inference_pb2.JobStatus
    audit_epoch: int
    start_after: int
    limit: int
    def __init__(self, executor: _Optional[str] = ..., requester: _Optional[str] = ..., status: _Optional[_Union[_inference_pb2.JobStatus, str]] = ..., audit_epoch: _Optional[int] = ..., start_after: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class QueryJobsResponse(_message.Message):
    __slots__ = ("jobs", "next")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[_inference_pb2.Job]
    next: int
    def __init__(self, jobs: _Optional[_Iterable[_Union[_inference_pb2.Job, _Mapping]]] = ..., next: _Optional[int] = ...) -> None: ...

class QueryAuditRequest(_message.Message):
    __slots__ = ("epoch",)
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    def __init__(self, epoch: _Optional[int] = ...) -> None: ...

class QueryAuditResponse(_message.Message):
    __slots__ = ("audit", "secrets")
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    SECRETS_FIELD_NUMBER: _ClassVar[int]
    audit: _inference_pb2.EpochAudit
    secrets: _containers.RepeatedCompositeFieldContainer[_inference_pb2.ValidationSecret]
    def __init__(self, audit: _Optional[_Union[_inference_pb2.EpochAudit, _Mapping]] = ..., secrets: _Optional[_Iterable[_Union[_inference_pb2.ValidationSecret, _Mapping]]] = ...) -> None: ...
