from sprint.inference.v1 import inference_pb2 as _inference_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MsgRegisterModel(_message.Message):
    __slots__ = ("owner", "name", "config", "weights_sha256", "weights_size", "price_per_token")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SIZE_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_TOKEN_FIELD_NUMBER: _ClassVar[int]
    owner: str
    name: str
    config: _inference_pb2.ModelConfig
    weights_sha256: str
    weights_size: int
    price_per_token: int
    def __init__(self, owner: _Optional[str] = ..., name: _Optional[str] = ..., config: _Optional[_Union[_inference_pb2.ModelConfig, _Mapping]] = ..., weights_sha256: _Optional[str] = ..., weights_size: _Optional[int] = ..., price_per_token: _Optional[int] = ...) -> None: ...

class MsgSubmitInference(_message.Message):
    __slots__ = ("requester", "model", "prompt", "prompt_blob_sha256", "prompt_size", "max_tokens", "sampling", "max_fee")
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_BLOB_SHA256_FIELD_NUMBER: _ClassVar[int]
    PROMPT_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    SAMPLING_FIELD_NUMBER: _ClassVar[int]
    MAX_FEE_FIELD_NUMBER: _ClassVar[int]
    requester: str
    model: str
    prompt: bytes
    prompt_blob_sha256: str
    prompt_size: int
    max_tokens: int
    sampling: _inference_pb2.SamplingParams
    max_fee: int
    def __init__(self, requester: _Optional[str] = ..., model: _Optional[str] = ..., prompt: _Optional[bytes] = ..., prompt_blob_sha256: _Optional[str] = ..., prompt_size: _Optional[int] = ..., max_tokens: _Optional[int] = ..., sampling: _Optional[_Union[_inference_pb2.SamplingParams, _Mapping]] = ..., max_fee: _Optional[int] = ...) -> None: ...

class MsgSubmitInferenceResponse(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: int
    def __init__(self, job_id: _Optional[int] = ...) -> None: ...

class MsgInferenceResult(_message.Message):
    __slots__ = ("worker", "job_id", "sampling_seed", "result", "result_blob_sha256", "result_size", "output_token_count")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SAMPLING_SEED_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    RESULT_BLOB_SHA256_FIELD_NUMBER: _ClassVar[int]
    RESULT_SIZE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    sampling_seed: bytes
    result: _inference_pb2.InferenceResult
    result_blob_sha256: str
    result_size: int
    output_token_count: int
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., sampling_seed: _Optional[bytes] = ..., result: _Optional[_Union[_inference_pb2.InferenceResult, _Mapping]] = ..., result_blob_sha256: _Optional[str] = ..., result_size: _Optional[int] = ..., output_token_count: _Optional[int] = ...) -> None: ...

class MsgCommitValidationSecret(_message.Message):
    __slots__ = ("worker", "epoch", "commitment")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_FIELD_NUMBER: _ClassVar[int]
    worker: str
    epoch: int
    commitment: bytes
    def __init__(self, worker: _Optional[str] = ..., epoch: _Optional[int] = ..., commitment: _Optional[bytes] = ...) -> None: ...

class MsgRevealValidationSecret(_message.Message):
    __slots__ = ("worker", "epoch", "secret")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    worker: str
    epoch: int
    secret: bytes
    def __init__(self, worker: _Optional[str] = ..., epoch: _Optional[int] = ..., secret: _Optional[bytes] = ...) -> None: ...

class MsgValidateInference(_message.Message):
    __slots__ = ("worker", "job_id", "verdict", "max_logprob_diff_micro", "mismatched_tokens")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    MAX_LOGPROB_DIFF_MICRO_FIELD_NUMBER: _ClassVar[int]
    MISMATCHED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    worker: str
    job_id: int
    verdict: _inference_pb2.Verdict
    max_logprob_diff_micro: int
    mismatched_tokens: int
    def __init__(self, worker: _Optional[str] = ..., job_id: _Optional[int] = ..., verdict: _Optional[_Union[_inference_pb2.Verdict, str]] = ..., max_logprob_diff_micro: _Optional[int] = ..., mismatched_tokens: _Optional[int] = ...) -> None: ...

class MsgReportInference(_message.Message):
    __slots__ = ("requester", "job_id", "reason")
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    requester: str
    job_id: int
    reason: str
    def __init__(self, requester: _Optional[str] = ..., job_id: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...
