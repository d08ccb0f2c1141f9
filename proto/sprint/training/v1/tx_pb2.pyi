from sprint.inference.v1 import inference_pb2 as _inference_pb2
from sprint.training.v1 import training_pb2 as _training_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MsgSubmitTrainingJob(_message.Message):
    __slots__ = ("submitter", "base_model", "dataset_sha256", "dataset_size", "hyper", "output_model", "budget", "sample_ppm", "committee_size", "tolerance_ppm", "workers", "inner_steps", "outer_lr_nano", "outer_momentum_nano")
    SUBMITTER_FIELD_NUMBER: _ClassVar[int]
    BASE_MODEL_FIELD_NUMBER: _ClassVar[int]
    DATASET_SHA256_FIELD_NUMBER: _ClassVar[int]
    DATASET_SIZE_FIELD_NUMBER: _ClassVar[int]
    HYPER_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_MODEL_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_PPM_FIELD_NUMBER: _ClassVar[int]
    COMMITTEE_SIZE_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    INNER_STEPS_FIELD_NUMBER: _ClassVar[int]
    OUTER_LR_NANO_FIELD_NUMBER: _ClassVar[int]
    OUTER_MOMENTUM_NANO_FIELD_NUMBER: _ClassVar[int]
    submitter: str
    base_model: str
    dataset_sha256: str
    dataset_size: int
    hyper: _training_pb2.Hyperparams
    output_model: str
    budget: int
    sample_ppm: int
    committee_size: int
    tolerance_ppm: int
    workers: int
    inner_steps: int
    outer_lr_nano: int
    outer_momentum_nano: int
    def __init__(self, submitter: _Optional[str] = ..., base_model: _Optional[str] = ..., dataset_sha256: _Optional[str] = ..., dataset_size: _Optional[int] = ..., hyper: _Optional[_Union[_training_pb2.Hyperparams, _Mapping]] = ..., output_model: _Optional[str] = ..., budget: _Optional[int] = ..., sample_ppm: _Optional[int] = ..., committee_size: _Optional[int] = ..., tolerance_ppm: _Optional[int] = ..., workers: _Optional[int] = ..., inner_steps: _Optional[int] = ..., outer_lr_nano: _Optional[int] = ..., outer_momentum_nano: _Optional[int] = ...) -> None: ...

class MsgSubmitTrainingJobResponse(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    def __init__(self, job_id: _Optional[int] = ...) -> None: ...

class MsgCommitTrainingSegment(_message.Message):
    __slots__ = ("worker", "job_id", "segment", "root", "losses_micro", "end_weights_sha256", "end_optim_sha256", "end_weights_size", "end_optim_size")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    ROOT_FIELD_NUMBER: _ClassVar[int]
    LOSSES_MICRO_FIELD_NUMBER: _ClassVar[int]
    END_WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    END_OPTIM_SHA256_FIELD_NUMBER: _ClassVar[int]
    END_WEIGHTS_SIZE_FIELD_NUMBER: _ClassVar[int]
    END_OPTIM_SIZE_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    segment: int
    root: bytes
    losses_micro: _containers.RepeatedScalarFieldContainer[int]
    end_weights_sha256: str
    end_optim_sha256: str
    end_weights_size: int
    end_optim_size: int
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., segment: _Optional[int] = ..., root: _Optional[bytes] = ..., losses_micro: _Optional[_Iterable[int]] = ..., end_weights_sha256: _Optional[str] = ..., end_optim_sha256: _Optional[str] = ..., end_weights_size: _Optional[int] = ..., end_optim_size: _Optional[int] = ...) -> None: ...

class MsgRevealTrainingStates(_message.Message):
    __slots__ = ("worker", "job_id", "segment", "reveals")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    REVEALS_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    segment: int
    reveals: _containers.RepeatedCompositeFieldContainer[_training_pb2.StateReveal]
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., segment: _Optional[int] = ..., reveals: _Optional[_Iterable[_Union[_training_pb2.StateReveal, _Mapping]]] = ...) -> None: ...

class MsgVoteTrainingSegment(_message.Message):
    __slots__ = ("worker", "job_id", "segment", "verdict", "distances_ppm")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    DISTANCES_PPM_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    segment: int
    verdict: _inference_pb2.Verdict
    distances_ppm: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., segment: _Optional[int] = ..., verdict: _Optional[_Union[_inference_pb2.Verdict, str]] = ..., distances_ppm: _Optional[_Iterable[int]] = ...) -> None: ...

class MsgAnnounceMaintenance(_message.Message):
    __slots__ = ("worker", "start_height", "end_height")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    START_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    END_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    worker: str
    start_height: int
    end_height: int
    def __init__(self, worker: _Optional[str] = ..., start_height: _Optional[int] = ..., end_height: _Optional[int] = ...) -> None: ...

class MsgCommitDilocoRound(_message.Message):
    __slots__ = ("worker", "job_id", "round", "delta_sha256", "delta_size", "end_optim_sha256", "end_optim_size", "root", "losses_micro")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    DELTA_SHA256_FIELD_NUMBER: _ClassVar[int]
    DELTA_SIZE_FIELD_NUMBER: _ClassVar[int]
    END_OPTIM_SHA256_FIELD_NUMBER: _ClassVar[int]
    END_OPTIM_SIZE_FIELD_NUMBER: _ClassVar[int]
    ROOT_FIELD_NUMBER: _ClassVar[int]
    LOSSES_MICRO_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    round: int
    delta_sha256: str
    delta_size: int
    end_optim_sha256: str
    end_optim_size: int
    root: bytes
    losses_micro: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., round: _Optional[int] = ..., delta_sha256: _Optional[str] = ..., delta_size: _Optional[int] = ..., end_optim_sha256: _Optional[str] = ..., end_optim_size: _Optional[int] = ..., root: _Optional[bytes] = ..., losses_micro: _Optional[_Iterable[int]] = ...) -> None: ...

class MsgCommitDilocoOuter(_message.Message):
    __slots__ = ("worker", "job_id", "round", "weights_sha256", "momentum_sha256", "weights_size")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    MOMENTUM_SHA256_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SIZE_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    round: int
    weights_sha256: str
    momentum_sha256: str
    weights_size: int
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., round: _Optional[int] = ..., weights_sha256: _Optional[str] = ..., momentum_sha256: _Optional[str] = ..., weights_size: _Optional[int] = ...) -> None: ...

class MsgRevealDilocoRound(_message.Message):
    __slots__ = ("worker", "job_id", "round", "reveals")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    REVEALS_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    round: int
    reveals: _containers.RepeatedCompositeFieldContainer[_training_pb2.StateReveal]
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., round: _Optional[int] = ..., reveals: _Optional[_Iterable[_Union[_training_pb2.StateReveal, _Mapping]]] = ...) -> None: ...

class MsgVoteDilocoRound(_message.Message):
    __slots__ = ("worker", "job_id", "round", "verdict", "distance_ppm")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    round: int
    verdict: _inference_pb2.Verdict
    distance_ppm: int
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., round: _Optional[int] = ..., verdict: _Optional[_Union[_inference_pb2.Verdict, str]] = ..., distance_ppm: _Optional[int] = ...) -> None: ...
