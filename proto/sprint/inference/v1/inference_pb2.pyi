from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATUS_UNSPECIFIED: _ClassVar[JobStatus]
    JOB_STATUS_PENDING: _ClassVar[JobStatus]
    JOB_STATUS_COMPLETED: _ClassVar[JobStatus]
    JOB_STATUS_REVERIFYING: _ClassVar[JobStatus]
    JOB_STATUS_FRAUD: _ClassVar[JobStatus]
    JOB_STATUS_EXPIRED: _ClassVar[JobStatus]
    JOB_STATUS_SETTLED: _ClassVar[JobStatus]

class Verdict(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERDICT_UNSPECIFIED: _ClassVar[Verdict]
    VERDICT_VALID: _ClassVar[Verdict]
    VERDICT_INVALID: _ClassVar[Verdict]

class DrawProof(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DRAW_PROOF_UNSPECIFIED: _ClassVar[DrawProof]
    DRAW_PROOF_PENDING: _ClassVar[DrawProof]
    DRAW_PROOF_PROVEN: _ClassVar[DrawProof]
    DRAW_PROOF_FORGED: _ClassVar[DrawProof]
    DRAW_PROOF_REVERIFY: _ClassVar[DrawProof]

class ReverifyOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVERIFY_OUTCOME_UNSPECIFIED: _ClassVar[ReverifyOutcome]
    REVERIFY_OUTCOME_OPEN: _ClassVar[ReverifyOutcome]
    REVERIFY_OUTCOME_FRAUD: _ClassVar[ReverifyOutcome]
    REVERIFY_OUTCOME_CLEARED: _ClassVar[ReverifyOutcome]
    REVERIFY_OUTCOME_INCONCLUSIVE: _ClassVar[ReverifyOutcome]
JOB_STATUS_UNSPECIFIED: JobStatus
JOB_STATUS_PENDING: JobStatus
JOB_STATUS_COMPLETED: JobStatus
JOB_STATUS_REVERIFYING: JobStatus
JOB_STATUS_FRAUD: JobStatus
JOB_STATUS_EXPIRED: JobStatus
JOB_STATUS_SETTLED: JobStatus
VERDICT_UNSPECIFIED: Verdict
VERDICT_VALID: Verdict
VERDICT_INVALID: Verdict
DRAW_PROOF_UNSPECIFIED: DrawProof
DRAW_PROOF_PENDING: DrawProof
DRAW_PROOF_PROVEN: DrawProof
DRAW_PROOF_FORGED: DrawProof
DRAW_PROOF_REVERIFY: DrawProof
REVERIFY_OUTCOME_UNSPECIFIED: ReverifyOutcome
REVERIFY_OUTCOME_OPEN: ReverifyOutcome
REVERIFY_OUTCOME_FRAUD: ReverifyOutcome
REVERIFY_OUTCOME_CLEARED: ReverifyOutcome
REVERIFY_OUTCOME_INCONCLUSIVE: ReverifyOutcome

class Params(_message.Message):
    __slots__ = ("max_prompt_bytes", "max_inline_prompt_bytes", "max_inline_result_bytes", "max_tokens_limit", "expiry_blocks", "top_logprobs", "reverify_blocks", "report_fee", "training_fund_bps", "bounty_bps", "fee_denom")
    MAX_PROMPT_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_INLINE_PROMPT_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_INLINE_RESULT_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_LIMIT_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    TOP_LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    REVERIFY_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    REPORT_FEE_FIELD_NUMBER: _ClassVar[int]
    TRAINING_FUND_BPS_FIELD_NUMBER: _ClassVar[int]
    BOUNTY_BPS_FIELD_NUMBER: _ClassVar[int]
    FEE_DENOM_FIELD_NUMBER: _ClassVar[int]
    max_prompt_bytes: int
    max_inline_prompt_bytes: int
    max_inline_result_bytes: int
    max_tokens_limit: int
    expiry_blocks: int
    top_logprobs: int
    reverify_blocks: int
    report_fee: int
    training_fund_bps: int
    bounty_bps: int
    fee_denom: str
    def __init__(self, max_prompt_bytes: _Optional[int] = ..., max_inline_prompt_bytes: _Optional[int] = ..., max_inline_result_bytes: _Optional[int] = ..., max_tokens_limit: _Optional[int] = ..., expiry_blocks: _Optional[int] = ..., top_logprobs: _Optional[int] = ..., reverify_blocks: _Optional[int] = ..., report_fee: _Optional[int] = ..., training_fund_bps: _Optional[int] = ..., bounty_bps: _Optional[int] = ..., fee_denom: _Optional[str] = ...) -> None: ...

class ModelConfig(_message.Message):
    __slots__ = ("vocab_size", "d_model", "n_layers", "n_heads", "d_ff", "max_seq_len")
    VOCAB_SIZE_FIELD_NUMBER: _ClassVar[int]
    D_MODEL_FIELD_NUMBER: _ClassVar[int]
    N_LAYERS_FIELD_NUMBER: _ClassVar[int]
    N_HEADS_FIELD_NUMBER: _ClassVar[int]
    D_FF_FIELD_NUMBER: _ClassVar[int]
    MAX_SEQ_LEN_FIELD_NUMBER: _ClassVar[int]
    vocab_size: int
    d_model: int
    n_layers: int
    n_heads: int
    d_ff: int
    max_seq_len: int
    def __init__(self, vocab_size: _Optional[int] = ..., d_model: _Optional[int] = ..., n_layers: _Optional[int] = ..., n_heads: _Optional[int] = ..., d_ff: _Optional[int] = ..., max_seq_len: _Optional[int] = ...) -> None: ...

class Model(_message.Message):
    __slots__ = ("name", "config", "weights_sha256", "weights_size", "price_per_token", "owner", "init_seed")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SIZE_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    INIT_SEED_FIELD_NUMBER: _ClassVar[int]
    name: str
    config: ModelConfig
    weights_sha256: str
    weights_size: int
    price_per_token: int
    owner: str
    init_seed: int
    def __init__(self, name: _Optional[str] = ..., config: _Optional[_Union[ModelConfig, _Mapping]] = ..., weights_sha256: _Optional[str] = ..., weights_size: _Optional[int] = ..., price_per_token: _Optional[int] = ..., owner: _Optional[str] = ..., init_seed: _Optional[int] = ...) -> None: ...

class SamplingParams(_message.Message):
    __slots__ = ("temperature_milli", "top_k")
    TEMPERATURE_MILLI_FIELD_NUMBER: _ClassVar[int]
    TOP_K_FIELD_NUMBER: _ClassVar[int]
    temperature_milli: int
    top_k: int
    def __init__(self, temperature_milli: _Optional[int] = ..., top_k: _Optional[int] = ...) -> None: ...

class TokenLogprobs(_message.Message):
    __slots__ = ("token", "logprob_micro", "top_tokens", "top_logprobs_micro")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    LOGPROB_MICRO_FIELD_NUMBER: _ClassVar[int]
    TOP_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOP_LOGPROBS_MICRO_FIELD_NUMBER: _ClassVar[int]
    token: int
    logprob_micro: int
    top_tokens: _containers.RepeatedScalarFieldContainer[int]
    top_logprobs_micro: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, token: _Optional[int] = ..., logprob_micro: _Optional[int] = ..., top_tokens: _Optional[_Iterable[int]] = ..., top_logprobs_micro: _Optional[_Iterable[int]] = ...) -> None: ...

class InferenceResult(_message.Message):
    __slots__ = ("output_tokens", "output_text", "logprobs")
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TEXT_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    output_tokens: _containers.RepeatedScalarFieldContainer[int]
    output_text: str
    logprobs: _containers.RepeatedCompositeFieldContainer[TokenLogprobs]
    def __init__(self, output_tokens: _Optional[_Iterable[int]] = ..., output_text: _Optional[str] = ..., logprobs: _Optional[_Iterable[_Union[TokenLogprobs, _Mapping]]] = ...) -> None: ...

class JobCheck(_message.Message):
    __slots__ = ("validator", "verdict", "height", "draw", "max_logprob_diff_micro", "mismatched_tokens")
    VALIDATOR_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DRAW_FIELD_NUMBER: _ClassVar[int]
    MAX_LOGPROB_DIFF_MICRO_FIELD_NUMBER: _ClassVar[int]
    MISMATCHED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    validator: str
    verdict: Verdict
    height: int
    draw: DrawProof
    max_logprob_diff_micro: int
    mismatched_tokens: int
    def __init__(self, validator: _Optional[str] = ..., verdict: _Optional[_Union[Verdict, str]] = ..., height: _Optional[int] = ..., draw: _Optional[_Union[DrawProof, str]] = ..., max_logprob_diff_micro: _Optional[int] = ..., mismatched_tokens: _Optional[int] = ...) -> None: ...

class Reverification(_message.Message):
    __slots__ = ("opened_height", "deadline_height", "opened_by", "user_report", "eligible_weight", "valid_weight", "invalid_weight", "outcome")
    OPENED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    OPENED_BY_FIELD_NUMBER: _ClassVar[int]
    USER_REPORT_FIELD_NUMBER: _ClassVar[int]
    ELIGIBLE_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    VALID_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    INVALID_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    opened_height: int
    deadline_height: int
    opened_by: str
    user_report: bool
    eligible_weight: int
    valid_weight: int
    invalid_weight: int
    outcome: ReverifyOutcome
    def __init__(self, opened_height: _Optional[int] = ..., deadline_height: _Optional[int] = ..., opened_by: _Optional[str] = ..., user_report: bool = ..., eligible_weight: _Optional[int] = ..., valid_weight: _Optional[int] = ..., invalid_weight: _Optional[int] = ..., outcome: _Optional[_Union[ReverifyOutcome, str]] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("id", "requester", "model", "prompt", "prompt_blob_sha256", "prompt_size", "max_tokens", "sampling", "max_fee", "submit_height", "executor", "sampling_seed", "deadline_height", "status", "result", "result_blob_sha256", "result_size", "output_token_count", "result_height", "audit_epoch", "cost", "validation_ppm", "checks", "reverification", "reporter", "dummy")
    ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    PROMPT_BLOB_SHA256_FIELD_NUMBER: _ClassVar[int]
    PROMPT_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    SAMPLING_FIELD_NUMBER: _ClassVar[int]
    MAX_FEE_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_FIELD_NUMBER: _ClassVar[int]
    SAMPLING_SEED_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    RESULT_BLOB_SHA256_FIELD_NUMBER: _ClassVar[int]
    RESULT_SIZE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESULT_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    AUDIT_EPOCH_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_PPM_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    REVERIFICATION_FIELD_NUMBER: _ClassVar[int]
    REPORTER_FIELD_NUMBER: _ClassVar[int]
    DUMMY_FIELD_NUMBER: _ClassVar[int]
    id: int
    requester: str
    model: str
    prompt: bytes
    prompt_blob_sha256: str
    prompt_size: int
    max_tokens: int
    sampling: SamplingParams
    max_fee: int
    submit_height: int
    executor: str
    sampling_seed: bytes
    deadline_height: int
    status: JobStatus
    result: InferenceResult
    result_blob_sha256: str
    result_size: int
    output_token_count: int
    result_height: int
    audit_epoch: int
    cost: int
    validation_ppm: int
    checks: _containers.RepeatedCompositeFieldContainer[JobCheck]
    reverification: Reverification
    reporter: str
    dummy: bool
    def __init__(self, id: _Optional[int] = ..., requester: _Optional[str] = ..., model: _Optional[str] = ..., prompt: _Optional[bytes] = ..., prompt_blob_sha256: _Optional[str] = ..., prompt_size: _Optional[int] = ..., max_tokens: _Optional[int] = ..., sampling: _Optional[_Union[SamplingParams, _Mapping]] = ..., max_fee: _Optional[int] = ..., submit_height: _Optional[int] = ..., executor: _Optional[str] = ..., sampling_seed: _Optional[bytes] = ..., deadline_height: _Optional[int] = ..., status: _Optional[_Union[JobStatus, str]] = ..., result: _Optional[_Union[InferenceResult, _Mapping]] = ..., result_blob_sha256: _Optional[str] = ..., result_size: _Optional[int] = ..., output_token_count: _Optional[int] = ..., result_height: _Optional[int] = ..., audit_epoch: _Optional[int] = ..., cost: _Optional[int] = ..., validation_ppm: _Optional[int] = ..., checks: _Optional[_Iterable[_Union[JobCheck, _Mapping]]] = ..., reverification: _Optional[_Union[Reverification, _Mapping]] = ..., reporter: _Optional[str] = ..., dummy: bool = ...) -> None: ...

class ValidationSecret(_message.Message):
    __slots__ = ("host", "epoch", "commitment", "secret")
    HOST_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    host: str
    epoch: int
    commitment: bytes
    secret: bytes
    def __init__(self, host: _Optional[str] = ..., epoch: _Optional[int] = ..., commitment: _Optional[bytes] = ..., secret: _Optional[bytes] = ...) -> None: ...

class HostWeight(_message.Message):
    __slots__ = ("host", "weight")
    HOST_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    host: str
    weight: int
    def __init__(self, host: _Optional[str] = ..., weight: _Optional[int] = ...) -> None: ...

class EpochAudit(_message.Message):
    __slots__ = ("epoch", "seed", "weights", "requests", "volume", "settled")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    SETTLED_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    seed: bytes
    weights: _containers.RepeatedCompositeFieldContainer[HostWeight]
    requests: int
    volume: int
    settled: bool
    def __init__(self, epoch: _Optional[int] = ..., seed: _Optional[bytes] = ..., weights: _Optional[_Iterable[_Union[HostWeight, _Mapping]]] = ..., requests: _Optional[int] = ..., volume: _Optional[int] = ..., settled: bool = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params", "models", "jobs", "next_job_id")
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_JOB_ID_FIELD_NUMBER: _ClassVar[int]
    params: Params
    models: _containers.RepeatedCompositeFieldContainer[Model]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    next_job_id: int
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ..., models: _Optional[_Iterable[_Union[Model, _Mapping]]] = ..., jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ..., next_job_id: _Optional[int] = ...) -> None: ...
