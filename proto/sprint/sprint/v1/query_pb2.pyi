from sprint.sprint.v1 import sprint_pb2 as _sprint_pb2
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
    params: _sprint_pb2.Params
    def __init__(self, params: _Optional[_Union[_sprint_pb2.Params, _Mapping]] = ...) -> None: ...

class QueryEpochRequest(_message.Message):
    __slots__ = ("number",)
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    number: int
    def __init__(self, number: _Optional[int] = ...) -> None: ...

class QueryEpochResponse(_message.Message):
    __slots__ = ("epoch", "height")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    epoch: _sprint_pb2.EpochInfo
    height: int
    def __init__(self, epoch: _Optional[_Union[_sprint_pb2.EpochInfo, _Mapping]] = ..., height: _Optional[int] = ...) -> None: ...

class QueryWeightsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class QueryWeightsResponse(_message.Message):
    __slots__ = ("weights", "total_weight", "total_power")
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_POWER_FIELD_NUMBER: _ClassVar[int]
    weights: _containers.RepeatedCompositeFieldContainer[_sprint_pb2.HostWeight]
    total_weight: int
    total_power: int
    def __init__(self, weights: _Optional[_Iterable[_Union[_sprint_pb2.HostWeight, _Mapping]]] = ..., total_weight: _Optional[int] = ..., total_power: _Optional[int] = ...) -> None: ...

class QueryProofSummaryRequest(_message.Message):
    __slots__ = ("epoch", "host")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    host: str
    def __init__(self, epoch: _Optional[int] = ..., host: _Optional[str] = ...) -> None: ...

class QueryProofSummaryResponse(_message.Message):
    __slots__ = ("summary",)
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    summary: _sprint_pb2.ProofSummary
    def __init__(self, summary: _Optional[_Union[_sprint_pb2.ProofSummary, _Mapping]] = ...) -> None: ...

class QueryProofsRequest(_message.Message):
    __slots__ = ("epoch", "host")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    host: str
    def __init__(self, epoch: _Optional[int] = ..., host: _Optional[str] = ...) -> None: ...

class QueryProofsResponse(_message.Message):
    __slots__ = ("nonces", "distances")
    NONCES_FIELD_NUMBER: _ClassVar[int]
    DISTANCES_FIELD_NUMBER: _ClassVar[int]
    nonces: _containers.RepeatedScalarFieldContainer[int]
    distances: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, nonces: _Optional[_Iterable[int]] = ..., distances: _Optional[_Iterable[int]] = ...) -> None: ...

class QueryValidationsRequest(_message.Message):
    __slots__ = ("epoch", "host")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    host: str
    def __init__(self, epoch: _Optional[int] = ..., host: _Optional[str] = ...) -> None: ...

class QueryValidationsResponse(_message.Message):
    __slots__ = ("validations",)
    VALIDATIONS_FIELD_NUMBER: _ClassVar[int]
    validations: _containers.RepeatedCompositeFieldContainer[_sprint_pb2.Validation]
    def __init__(self, validations: _Optional[_Iterable[_Union[_sprint_pb2.Validation, _Mapping]]] = ...) -> None: ...

class QueryAssignmentsRequest(_message.Message):
    __slots__ = ("epoch", "validator")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    VALIDATOR_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    validator: str
    def __init__(self, epoch: _Optional[int] = ..., validator: _Optional[str] = ...) -> None: ...

class QueryAssignmentsResponse(_message.Message):
    __slots__ = ("provers",)
    PROVERS_FIELD_NUMBER: _ClassVar[int]
    provers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, provers: _Optional[_Iterable[str]] = ...) -> None: ...
