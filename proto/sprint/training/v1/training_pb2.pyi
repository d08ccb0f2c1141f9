from sprint.inference.v1 import inference_pb2 as _inference_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TrainingJobStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRAINING_JOB_STATUS_UNSPECIFIED: _ClassVar[TrainingJobStatus]
    TRAINING_JOB_STATUS_QUEUED: _ClassVar[TrainingJobStatus]
    TRAINING_JOB_STATUS_TRAINING: _ClassVar[TrainingJobStatus]
    TRAINING_JOB_STATUS_VERIFYING: _ClassVar[TrainingJobStatus]
    TRAINING_JOB_STATUS_COMPLETED: _ClassVar[TrainingJobStatus]
    TRAINING_JOB_STATUS_FAILED: _ClassVar[TrainingJobStatus]

class SegmentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEGMENT_STATUS_UNSPECIFIED: _ClassVar[SegmentStatus]
    SEGMENT_STATUS_COMMITTED: _ClassVar[SegmentStatus]
    SEGMENT_STATUS_SAMPLED: _ClassVar[SegmentStatus]
    SEGMENT_STATUS_REVEALED: _ClassVar[SegmentStatus]
    SEGMENT_STATUS_REVERIFYING: _ClassVar[SegmentStatus]
    SEGMENT_STATUS_PASSED: _ClassVar[SegmentStatus]
    SEGMENT_STATUS_FRAUD: _ClassVar[SegmentStatus]
    SEGMENT_STATUS_VOIDED: _ClassVar[SegmentStatus]

class RoundStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROUND_STATUS_UNSPECIFIED: _ClassVar[RoundStatus]
    ROUND_STATUS_OPEN: _ClassVar[RoundStatus]
    ROUND_STATUS_OUTER: _ClassVar[RoundStatus]
    ROUND_STATUS_CLOSED: _ClassVar[RoundStatus]
    ROUND_STATUS_ROLLED_BACK: _ClassVar[RoundStatus]

class RoundCheck(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROUND_CHECK_UNSPECIFIED: _ClassVar[RoundCheck]
    ROUND_CHECK_PENDING: _ClassVar[RoundCheck]
    ROUND_CHECK_UNCHECKED: _ClassVar[RoundCheck]
    ROUND_CHECK_VOTING: _ClassVar[RoundCheck]
    ROUND_CHECK_REVERIFYING: _ClassVar[RoundCheck]
    ROUND_CHECK_PASSED: _ClassVar[RoundCheck]
    ROUND_CHECK_FRAUD: _ClassVar[RoundCheck]
    ROUND_CHECK_REVEALING: _ClassVar[RoundCheck]
TRAINING_JOB_STATUS_UNSPECIFIED: TrainingJobStatus
TRAINING_JOB_STATUS_QUEUED: TrainingJobStatus
TRAINING_JOB_STATUS_TRAINING: TrainingJobStatus
TRAINING_JOB_STATUS_VERIFYING: TrainingJobStatus
TRAINING_JOB_STATUS_COMPLETED: TrainingJobStatus
TRAINING_JOB_STATUS_FAILED: TrainingJobStatus
SEGMENT_STATUS_UNSPECIFIED: SegmentStatus
SEGMENT_STATUS_COMMITTED: SegmentStatus
SEGMENT_STATUS_SAMPLED: SegmentStatus
SEGMENT_STATUS_REVEALED: SegmentStatus
SEGMENT_STATUS_REVERIFYING: SegmentStatus
SEGMENT_STATUS_PASSED: SegmentStatus
SEGMENT_STATUS_FRAUD: SegmentStatus
SEGMENT_STATUS_VOIDED: SegmentStatus
ROUND_STATUS_UNSPECIFIED: RoundStatus
ROUND_STATUS_OPEN: RoundStatus
ROUND_STATUS_OUTER: RoundStatus
ROUND_STATUS_CLOSED: RoundStatus
ROUND_STATUS_ROLLED_BACK: RoundStatus
ROUND_CHECK_UNSPECIFIED: RoundCheck
ROUND_CHECK_PENDING: RoundCheck
ROUND_CHECK_UNCHECKED: RoundCheck
ROUND_CHECK_VOTING: RoundCheck
ROUND_CHECK_REVERIFYING: RoundCheck
ROUND_CHECK_PASSED: RoundCheck
ROUND_CHECK_FRAUD: RoundCheck
ROUND_CHECK_REVEALING: RoundCheck

class Params(_message.Message):
    __slots__ = ("max_dataset_bytes", "max_total_steps", "max_batch_size", "max_intervals", "intervals_per_segment", "max_lr_nano", "max_weight_decay_nano", "default_sample_ppm", "min_sample_ppm", "max_sample_ppm", "default_committee_size", "min_committee_size", "max_committee_size", "default_tolerance_ppm", "min_tolerance_ppm", "max_tolerance_ppm", "segment_blocks", "reveal_blocks", "vote_blocks", "reverify_blocks", "queue_blocks", "price_per_gflop", "verifier_share_bps", "bounty_bps", "fee_denom", "capacity_gflop_per_weight", "cda_gamma_milli", "fault_success_drop_ppm", "heartbeat_penalty_bps", "max_unavailable", "unavailable_lockup_blocks", "max_maintenance_per_epoch", "maintenance_notice_blocks", "max_maintenance_blocks", "fraud_tau_milli", "max_reassignments", "max_queued_jobs", "max_workers", "round_blocks", "outer_blocks", "outer_sample_ppm", "outer_committee_size", "outer_tolerance_ppm", "default_outer_lr_nano", "default_outer_momentum_nano", "outer_vote_blocks", "outer_check_sample_ppm")
    MAX_DATASET_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_TOTAL_STEPS_FIELD_NUMBER: _ClassVar[int]
    MAX_BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_INTERVALS_FIELD_NUMBER: _ClassVar[int]
    INTERVALS_PER_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    MAX_LR_NANO_FIELD_NUMBER: _ClassVar[int]
    MAX_WEIGHT_DECAY_NANO_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_SAMPLE_PPM_FIELD_NUMBER: _ClassVar[int]
    MIN_SAMPLE_PPM_FIELD_NUMBER: _ClassVar[int]
    MAX_SAMPLE_PPM_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_COMMITTEE_SIZE_FIELD_NUMBER: _ClassVar[int]
    MIN_COMMITTEE_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_COMMITTEE_SIZE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_TOLERANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    MIN_TOLERANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    MAX_TOLERANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    REVEAL_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    VOTE_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    REVERIFY_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    QUEUE_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_GFLOP_FIELD_NUMBER: _ClassVar[int]
    VERIFIER_SHARE_BPS_FIELD_NUMBER: _ClassVar[int]
    BOUNTY_BPS_FIELD_NUMBER: _ClassVar[int]
    FEE_DENOM_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_GFLOP_PER_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    CDA_GAMMA_MILLI_FIELD_NUMBER: _ClassVar[int]
    FAULT_SUCCESS_DROP_PPM_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_PENALTY_BPS_FIELD_NUMBER: _ClassVar[int]
    MAX_UNAVAILABLE_FIELD_NUMBER: _ClassVar[int]
    UNAVAILABLE_LOCKUP_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    MAX_MAINTENANCE_PER_EPOCH_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_NOTICE_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    MAX_MAINTENANCE_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    FRAUD_TAU_MILLI_FIELD_NUMBER: _ClassVar[int]
    MAX_REASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    MAX_QUEUED_JOBS_FIELD_NUMBER: _ClassVar[int]
    MAX_WORKERS_FIELD_NUMBER: _ClassVar[int]
    ROUND_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    OUTER_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    OUTER_SAMPLE_PPM_FIELD_NUMBER: _ClassVar[int]
    OUTER_COMMITTEE_SIZE_FIELD_NUMBER: _ClassVar[int]
    OUTER_TOLERANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_OUTER_LR_NANO_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_OUTER_MOMENTUM_NANO_FIELD_NUMBER: _ClassVar[int]
    OUTER_VOTE_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    OUTER_CHECK_SAMPLE_PPM_FIELD_NUMBER: _ClassVar[int]
    max_dataset_bytes: int
    max_total_steps: int
    max_batch_size: int
    max_intervals: int
    intervals_per_segment: int
    max_lr_nano: int
    max_weight_decay_nano: int
    default_sample_ppm: int
    min_sample_ppm: int
    max_sample_ppm: int
    default_committee_size: int
    min_committee_size: int
    max_committee_size: int
    default_tolerance_ppm: int
    min_tolerance_ppm: int
    max_tolerance_ppm: int
    segment_blocks: int
    reveal_blocks: int
    vote_blocks: int
    reverify_blocks: int
    queue_blocks: int
    price_per_gflop: int
    verifier_share_bps: int
    bounty_bps: int
    fee_denom: str
    capacity_gflop_per_weight: int
    cda_gamma_milli: int
    fault_success_drop_ppm: int
    heartbeat_penalty_bps: int
    max_unavailable: int
    unavailable_lockup_blocks: int
    max_maintenance_per_epoch: int
    maintenance_notice_blocks: int
    max_maintenance_blocks: int
    fraud_tau_milli: int
    max_reassignments: int
    max_queued_jobs: int
    max_workers: int
    round_blocks: int
    outer_blocks: int
    outer_sample_ppm: int
    outer_committee_size: int
    outer_tolerance_ppm: int
    default_outer_lr_nano: int
    default_outer_momentum_nano: int
    outer_vote_blocks: int
    outer_check_sample_ppm: int
    def __init__(self, max_dataset_bytes: _Optional[int] = ..., max_total_steps: _Optional[int] = ..., max_batch_size: _Optional[int] = ..., max_intervals: _Optional[int] = ..., intervals_per_segment: _Optional[int] = ..., max_lr_nano: _Optional[int] = ..., max_weight_decay_nano: _Optional[int] = ..., default_sample_ppm: _Optional[int] = ..., min_sample_ppm: _Optional[int] = ..., max_sample_ppm: _Optional[int] = ..., default_committee_size: _Optional[int] = ..., min_committee_size: _Optional[int] = ..., max_committee_size: _Optional[int] = ..., default_tolerance_ppm: _Optional[int] = ..., min_tolerance_ppm: _Optional[int] = ..., max_tolerance_ppm: _Optional[int] = ..., segment_blocks: _Optional[int] = ..., reveal_blocks: _Optional[int] = ..., vote_blocks: _Optional[int] = ..., reverify_blocks: _Optional[int] = ..., queue_blocks: _Optional[int] = ..., price_per_gflop: _Optional[int] = ..., verifier_share_bps: _Optional[int] = ..., bounty_bps: _Optional[int] = ..., fee_denom: _Optional[str] = ..., capacity_gflop_per_weight: _Optional[int] = ..., cda_gamma_milli: _Optional[int] = ..., fault_success_drop_ppm: _Optional[int] = ..., heartbeat_penalty_bps: _Optional[int] = ..., max_unavailable: _Optional[int] = ..., unavailable_lockup_blocks: _Optional[int] = ..., max_maintenance_per_epoch: _Optional[int] = ..., maintenance_notice_blocks: _Optional[int] = ..., max_maintenance_blocks: _Optional[int] = ..., fraud_tau_milli: _Optional[int] = ..., max_reassignments: _Optional[int] = ..., max_queued_jobs: _Optional[int] = ..., max_workers: _Optional[int] = ..., round_blocks: _Optional[int] = ..., outer_blocks: _Optional[int] = ..., outer_sample_ppm: _Optional[int] = ..., outer_committee_size: _Optional[int] = ..., outer_tolerance_ppm: _Optional[int] = ..., default_outer_lr_nano: _Optional[int] = ..., default_outer_momentum_nano: _Optional[int] = ..., outer_vote_blocks: _Optional[int] = ..., outer_check_sample_ppm: _Optional[int] = ...) -> None: ...

class Hyperparams(_message.Message):
    __slots__ = ("lr_nano", "beta1_nano", "beta2_nano", "eps_nano", "weight_decay_nano", "batch_size", "seq_len", "total_steps", "checkpoint_interval")
    LR_NANO_FIELD_NUMBER: _ClassVar[int]
    BETA1_NANO_FIELD_NUMBER: _ClassVar[int]
    BETA2_NANO_FIELD_NUMBER: _ClassVar[int]
    EPS_NANO_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_DECAY_NANO_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    SEQ_LEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_STEPS_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    lr_nano: int
    beta1_nano: int
    beta2_nano: int
    eps_nano: int
    weight_decay_nano: int
    batch_size: int
    seq_len: int
    total_steps: int
    checkpoint_interval: int
    def __init__(self, lr_nano: _Optional[int] = ..., beta1_nano: _Optional[int] = ..., beta2_nano: _Optional[int] = ..., eps_nano: _Optional[int] = ..., weight_decay_nano: _Optional[int] = ..., batch_size: _Optional[int] = ..., seq_len: _Optional[int] = ..., total_steps: _Optional[int] = ..., checkpoint_interval: _Optional[int] = ...) -> None: ...

class StateReveal(_message.Message):
    __slots__ = ("interval", "weights_sha256", "optim_sha256", "loss_micro", "proof")
    INTERVAL_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    OPTIM_SHA256_FIELD_NUMBER: _ClassVar[int]
    LOSS_MICRO_FIELD_NUMBER: _ClassVar[int]
    PROOF_FIELD_NUMBER: _ClassVar[int]
    interval: int
    weights_sha256: str
    optim_sha256: str
    loss_micro: int
    proof: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, interval: _Optional[int] = ..., weights_sha256: _Optional[str] = ..., optim_sha256: _Optional[str] = ..., loss_micro: _Optional[int] = ..., proof: _Optional[_Iterable[bytes]] = ...) -> None: ...

class CommitteeVote(_message.Message):
    __slots__ = ("voter", "verdict", "distances_ppm", "height")
    VOTER_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    DISTANCES_PPM_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    voter: str
    verdict: _inference_pb2.Verdict
    distances_ppm: _containers.RepeatedScalarFieldContainer[int]
    height: int
    def __init__(self, voter: _Optional[str] = ..., verdict: _Optional[_Union[_inference_pb2.Verdict, str]] = ..., distances_ppm: _Optional[_Iterable[int]] = ..., height: _Optional[int] = ...) -> None: ...

class TrainingReverification(_message.Message):
    __slots__ = ("opened_height", "deadline_height", "eligible_weight", "valid_weight", "invalid_weight", "outcome", "votes", "voters", "voter_weights")
    OPENED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    ELIGIBLE_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    VALID_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    INVALID_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    VOTES_FIELD_NUMBER: _ClassVar[int]
    VOTERS_FIELD_NUMBER: _ClassVar[int]
    VOTER_WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    opened_height: int
    deadline_height: int
    eligible_weight: int
    valid_weight: int
    invalid_weight: int
    outcome: _inference_pb2.ReverifyOutcome
    votes: _containers.RepeatedCompositeFieldContainer[CommitteeVote]
    voters: _containers.RepeatedScalarFieldContainer[str]
    voter_weights: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, opened_height: _Optional[int] = ..., deadline_height: _Optional[int] = ..., eligible_weight: _Optional[int] = ..., valid_weight: _Optional[int] = ..., invalid_weight: _Optional[int] = ..., outcome: _Optional[_Union[_inference_pb2.ReverifyOutcome, str]] = ..., votes: _Optional[_Iterable[_Union[CommitteeVote, _Mapping]]] = ..., voters: _Optional[_Iterable[str]] = ..., voter_weights: _Optional[_Iterable[int]] = ...) -> None: ...

class Segment(_message.Message):
    __slots__ = ("index", "host", "commit_height", "root", "first_interval", "interval_count", "losses_micro", "end_weights_sha256", "end_optim_sha256", "status", "sampled_intervals", "committee", "reveal_deadline", "vote_deadline", "reveals", "votes", "reverification", "passed_height", "end_weights_size", "end_optim_size")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    COMMIT_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    ROOT_FIELD_NUMBER: _ClassVar[int]
    FIRST_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    LOSSES_MICRO_FIELD_NUMBER: _ClassVar[int]
    END_WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    END_OPTIM_SHA256_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SAMPLED_INTERVALS_FIELD_NUMBER: _ClassVar[int]
    COMMITTEE_FIELD_NUMBER: _ClassVar[int]
    REVEAL_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    VOTE_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    REVEALS_FIELD_NUMBER: _ClassVar[int]
    VOTES_FIELD_NUMBER: _ClassVar[int]
    REVERIFICATION_FIELD_NUMBER: _ClassVar[int]
    PASSED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    END_WEIGHTS_SIZE_FIELD_NUMBER: _ClassVar[int]
    END_OPTIM_SIZE_FIELD_NUMBER: _ClassVar[int]
    index: int
    host: str
    commit_height: int
    root: bytes
    first_interval: int
    interval_count: int
    losses_micro: _containers.RepeatedScalarFieldContainer[int]
    end_weights_sha256: str
    end_optim_sha256: str
    status: SegmentStatus
    sampled_intervals: _containers.RepeatedScalarFieldContainer[int]
    committee: _containers.RepeatedScalarFieldContainer[str]
    reveal_deadline: int
    vote_deadline: int
    reveals: _containers.RepeatedCompositeFieldContainer[StateReveal]
    votes: _containers.RepeatedCompositeFieldContainer[CommitteeVote]
    reverification: TrainingReverification
    passed_height: int
    end_weights_size: int
    end_optim_size: int
    def __init__(self, index: _Optional[int] = ..., host: _Optional[str] = ..., commit_height: _Optional[int] = ..., root: _Optional[bytes] = ..., first_interval: _Optional[int] = ..., interval_count: _Optional[int] = ..., losses_micro: _Optional[_Iterable[int]] = ..., end_weights_sha256: _Optional[str] = ..., end_optim_sha256: _Optional[str] = ..., status: _Optional[_Union[SegmentStatus, str]] = ..., sampled_intervals: _Optional[_Iterable[int]] = ..., committee: _Optional[_Iterable[str]] = ..., reveal_deadline: _Optional[int] = ..., vote_deadline: _Optional[int] = ..., reveals: _Optional[_Iterable[_Union[StateReveal, _Mapping]]] = ..., votes: _Optional[_Iterable[_Union[CommitteeVote, _Mapping]]] = ..., reverification: _Optional[_Union[TrainingReverification, _Mapping]] = ..., passed_height: _Optional[int] = ..., end_weights_size: _Optional[int] = ..., end_optim_size: _Optional[int] = ...) -> None: ...

class TrainingJob(_message.Message):
    __slots__ = ("id", "submitter", "base_model", "dataset_sha256", "dataset_size", "hyper", "output_model", "budget", "sample_ppm", "committee_size", "tolerance_ppm", "intervals", "segments", "load_gflop", "train_cost", "verify_cost", "submit_height", "status", "host", "assigned_height", "data_seed", "collateral", "resume_interval", "resume_weights_sha256", "resume_optim_sha256", "segment_deadline", "segments_log", "reassignments", "excluded", "output_weights_sha256", "finished_height", "paid_provers", "paid_verifiers", "bounty_paid", "refunded", "fail_reason", "forfeited", "payer_module", "intervals_per_segment", "diloco")
    ID_FIELD_NUMBER: _ClassVar[int]
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
    INTERVALS_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    LOAD_GFLOP_FIELD_NUMBER: _ClassVar[int]
    TRAIN_COST_FIELD_NUMBER: _ClassVar[int]
    VERIFY_COST_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DATA_SEED_FIELD_NUMBER: _ClassVar[int]
    COLLATERAL_FIELD_NUMBER: _ClassVar[int]
    RESUME_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    RESUME_WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    RESUME_OPTIM_SHA256_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_LOG_FIELD_NUMBER: _ClassVar[int]
    REASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    FINISHED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    PAID_PROVERS_FIELD_NUMBER: _ClassVar[int]
    PAID_VERIFIERS_FIELD_NUMBER: _ClassVar[int]
    BOUNTY_PAID_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    FAIL_REASON_FIELD_NUMBER: _ClassVar[int]
    FORFEITED_FIELD_NUMBER: _ClassVar[int]
    PAYER_MODULE_FIELD_NUMBER: _ClassVar[int]
    INTERVALS_PER_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    DILOCO_FIELD_NUMBER: _ClassVar[int]
    id: int
    submitter: str
    base_model: str
    dataset_sha256: str
    dataset_size: int
    hyper: Hyperparams
    output_model: str
    budget: int
    sample_ppm: int
    committee_size: int
    tolerance_ppm: int
    intervals: int
    segments: int
    load_gflop: int
    train_cost: int
    verify_cost: int
    submit_height: int
    status: TrainingJobStatus
    host: str
    assigned_height: int
    data_seed: bytes
    collateral: int
    resume_interval: int
    resume_weights_sha256: str
    resume_optim_sha256: str
    segment_deadline: int
    segments_log: _containers.RepeatedCompositeFieldContainer[Segment]
    reassignments: int
    excluded: _containers.RepeatedScalarFieldContainer[str]
    output_weights_sha256: str
    finished_height: int
    paid_provers: int
    paid_verifiers: int
    bounty_paid: int
    refunded: int
    fail_reason: str
    forfeited: _containers.RepeatedScalarFieldContainer[str]
    payer_module: str
    intervals_per_segment: int
    diloco: DilocoState
    def __init__(self, id: _Optional[int] = ..., submitter: _Optional[str] = ..., base_model: _Optional[str] = ..., dataset_sha256: _Optional[str] = ..., dataset_size: _Optional[int] = ..., hyper: _Optional[_Union[Hyperparams, _Mapping]] = ..., output_model: _Optional[str] = ..., budget: _Optional[int] = ..., sample_ppm: _Optional[int] = ..., committee_size: _Optional[int] = ..., tolerance_ppm: _Optional[int] = ..., intervals: _Optional[int] = ..., segments: _Optional[int] = ..., load_gflop: _Optional[int] = ..., train_cost: _Optional[int] = ..., verify_cost: _Optional[int] = ..., submit_height: _Optional[int] = ..., status: _Optional[_Union[TrainingJobStatus, str]] = ..., host: _Optional[str] = ..., assigned_height: _Optional[int] = ..., data_seed: _Optional[bytes] = ..., collateral: _Optional[int] = ..., resume_interval: _Optional[int] = ..., resume_weights_sha256: _Optional[str] = ..., resume_optim_sha256: _Optional[str] = ..., segment_deadline: _Optional[int] = ..., segments_log: _Optional[_Iterable[_Union[Segment, _Mapping]]] = ..., reassignments: _Optional[int] = ..., excluded: _Optional[_Iterable[str]] = ..., output_weights_sha256: _Optional[str] = ..., finished_height: _Optional[int] = ..., paid_provers: _Optional[int] = ..., paid_verifiers: _Optional[int] = ..., bounty_paid: _Optional[int] = ..., refunded: _Optional[int] = ..., fail_reason: _Optional[str] = ..., forfeited: _Optional[_Iterable[str]] = ..., payer_module: _Optional[str] = ..., intervals_per_segment: _Optional[int] = ..., diloco: _Optional[_Union[DilocoState, _Mapping]] = ...) -> None: ...

class Maintenance(_message.Message):
    __slots__ = ("host", "start_height", "end_height")
    HOST_FIELD_NUMBER: _ClassVar[int]
    START_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    END_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    host: str
    start_height: int
    end_height: int
    def __init__(self, host: _Optional[str] = ..., start_height: _Optional[int] = ..., end_height: _Optional[int] = ...) -> None: ...

class HostUnavailability(_message.Message):
    __slots__ = ("host", "count")
    HOST_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    host: str
    count: int
    def __init__(self, host: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class DilocoWorker(_message.Message):
    __slots__ = ("host", "rank", "active", "joined_round", "optim_sha256", "collateral", "accepted_steps", "missed_rounds")
    HOST_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    JOINED_ROUND_FIELD_NUMBER: _ClassVar[int]
    OPTIM_SHA256_FIELD_NUMBER: _ClassVar[int]
    COLLATERAL_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_STEPS_FIELD_NUMBER: _ClassVar[int]
    MISSED_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    host: str
    rank: int
    active: bool
    joined_round: int
    optim_sha256: str
    collateral: int
    accepted_steps: int
    missed_rounds: int
    def __init__(self, host: _Optional[str] = ..., rank: _Optional[int] = ..., active: bool = ..., joined_round: _Optional[int] = ..., optim_sha256: _Optional[str] = ..., collateral: _Optional[int] = ..., accepted_steps: _Optional[int] = ..., missed_rounds: _Optional[int] = ...) -> None: ...

class RoundContribution(_message.Message):
    __slots__ = ("host", "rank", "delta_sha256", "delta_size", "start_optim_sha256", "end_optim_sha256", "end_optim_size", "root", "losses_micro", "height")
    HOST_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    DELTA_SHA256_FIELD_NUMBER: _ClassVar[int]
    DELTA_SIZE_FIELD_NUMBER: _ClassVar[int]
    START_OPTIM_SHA256_FIELD_NUMBER: _ClassVar[int]
    END_OPTIM_SHA256_FIELD_NUMBER: _ClassVar[int]
    END_OPTIM_SIZE_FIELD_NUMBER: _ClassVar[int]
    ROOT_FIELD_NUMBER: _ClassVar[int]
    LOSSES_MICRO_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    host: str
    rank: int
    delta_sha256: str
    delta_size: int
    start_optim_sha256: str
    end_optim_sha256: str
    end_optim_size: int
    root: bytes
    losses_micro: _containers.RepeatedScalarFieldContainer[int]
    height: int
    def __init__(self, host: _Optional[str] = ..., rank: _Optional[int] = ..., delta_sha256: _Optional[str] = ..., delta_size: _Optional[int] = ..., start_optim_sha256: _Optional[str] = ..., end_optim_sha256: _Optional[str] = ..., end_optim_size: _Optional[int] = ..., root: _Optional[bytes] = ..., losses_micro: _Optional[_Iterable[int]] = ..., height: _Optional[int] = ...) -> None: ...

class OuterCommit(_message.Message):
    __slots__ = ("host", "weights_sha256", "momentum_sha256", "height", "weights_size")
    HOST_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    MOMENTUM_SHA256_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_SIZE_FIELD_NUMBER: _ClassVar[int]
    host: str
    weights_sha256: str
    momentum_sha256: str
    height: int
    weights_size: int
    def __init__(self, host: _Optional[str] = ..., weights_sha256: _Optional[str] = ..., momentum_sha256: _Optional[str] = ..., height: _Optional[int] = ..., weights_size: _Optional[int] = ...) -> None: ...

class DilocoRound(_message.Message):
    __slots__ = ("index", "status", "start_weights_sha256", "start_momentum_sha256", "open_height", "deadline", "contributions", "outer_commits", "agreed_weights_sha256", "agreed_momentum_sha256", "closed_height", "check", "checked_host", "committee", "votes", "reverification", "vote_deadline", "flagged", "agreed_weights_size", "sampled_intervals", "reveals", "reveal_deadline")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    START_MOMENTUM_SHA256_FIELD_NUMBER: _ClassVar[int]
    OPEN_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTIONS_FIELD_NUMBER: _ClassVar[int]
    OUTER_COMMITS_FIELD_NUMBER: _ClassVar[int]
    AGREED_WEIGHTS_SHA256_FIELD_NUMBER: _ClassVar[int]
    AGREED_MOMENTUM_SHA256_FIELD_NUMBER: _ClassVar[int]
    CLOSED_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    CHECK_FIELD_NUMBER: _ClassVar[int]
    CHECKED_HOST_FIELD_NUMBER: _ClassVar[int]
    COMMITTEE_FIELD_NUMBER: _ClassVar[int]
    VOTES_FIELD_NUMBER: _ClassVar[int]
    REVERIFICATION_FIELD_NUMBER: _ClassVar[int]
    VOTE_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_FIELD_NUMBER: _ClassVar[int]
    AGREED_WEIGHTS_SIZE_FIELD_NUMBER: _ClassVar[int]
    SAMPLED_INTERVALS_FIELD_NUMBER: _ClassVar[int]
    REVEALS_FIELD_NUMBER: _ClassVar[int]
    REVEAL_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    index: int
    status: RoundStatus
    start_weights_sha256: str
    start_momentum_sha256: str
    open_height: int
    deadline: int
    contributions: _containers.RepeatedCompositeFieldContainer[RoundContribution]
    outer_commits: _containers.RepeatedCompositeFieldContainer[OuterCommit]
    agreed_weights_sha256: str
    agreed_momentum_sha256: str
    closed_height: int
    check: RoundCheck
    checked_host: str
    committee: _containers.RepeatedScalarFieldContainer[str]
    votes: _containers.RepeatedCompositeFieldContainer[CommitteeVote]
    reverification: TrainingReverification
    vote_deadline: int
    flagged: _containers.RepeatedScalarFieldContainer[str]
    agreed_weights_size: int
    sampled_intervals: _containers.RepeatedScalarFieldContainer[int]
    reveals: _containers.RepeatedCompositeFieldContainer[StateReveal]
    reveal_deadline: int
    def __init__(self, index: _Optional[int] = ..., status: _Optional[_Union[RoundStatus, str]] = ..., start_weights_sha256: _Optional[str] = ..., start_momentum_sha256: _Optional[str] = ..., open_height: _Optional[int] = ..., deadline: _Optional[int] = ..., contributions: _Optional[_Iterable[_Union[RoundContribution, _Mapping]]] = ..., outer_commits: _Optional[_Iterable[_Union[OuterCommit, _Mapping]]] = ..., agreed_weights_sha256: _Optional[str] = ..., agreed_momentum_sha256: _Optional[str] = ..., closed_height: _Optional[int] = ..., check: _Optional[_Union[RoundCheck, str]] = ..., checked_host: _Optional[str] = ..., committee: _Optional[_Iterable[str]] = ..., votes: _Optional[_Iterable[_Union[CommitteeVote, _Mapping]]] = ..., reverification: _Optional[_Union[TrainingReverification, _Mapping]] = ..., vote_deadline: _Optional[int] = ..., flagged: _Optional[_Iterable[str]] = ..., agreed_weights_size: _Optional[int] = ..., sampled_intervals: _Optional[_Iterable[int]] = ..., reveals: _Optional[_Iterable[_Union[StateReveal, _Mapping]]] = ..., reveal_deadline: _Optional[int] = ...) -> None: ...

class DilocoState(_message.Message):
    __slots__ = ("workers_wanted", "inner_steps", "rounds", "outer_lr_nano", "outer_momentum_nano", "workers", "current_round", "rounds_log", "redone_steps", "rollbacks")
    WORKERS_WANTED_FIELD_NUMBER: _ClassVar[int]
    INNER_STEPS_FIELD_NUMBER: _ClassVar[int]
    ROUNDS_FIELD_NUMBER: _ClassVar[int]
    OUTER_LR_NANO_FIELD_NUMBER: _ClassVar[int]
    OUTER_MOMENTUM_NANO_FIELD_NUMBER: _ClassVar[int]
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_ROUND_FIELD_NUMBER: _ClassVar[int]
    ROUNDS_LOG_FIELD_NUMBER: _ClassVar[int]
    REDONE_STEPS_FIELD_NUMBER: _ClassVar[int]
    ROLLBACKS_FIELD_NUMBER: _ClassVar[int]
    workers_wanted: int
    inner_steps: int
    rounds: int
    outer_lr_nano: int
    outer_momentum_nano: int
    workers: _containers.RepeatedCompositeFieldContainer[DilocoWorker]
    current_round: int
    rounds_log: _containers.RepeatedCompositeFieldContainer[DilocoRound]
    redone_steps: int
    rollbacks: int
    def __init__(self, workers_wanted: _Optional[int] = ..., inner_steps: _Optional[int] = ..., rounds: _Optional[int] = ..., outer_lr_nano: _Optional[int] = ..., outer_momentum_nano: _Optional[int] = ..., workers: _Optional[_Iterable[_Union[DilocoWorker, _Mapping]]] = ..., current_round: _Optional[int] = ..., rounds_log: _Optional[_Iterable[_Union[DilocoRound, _Mapping]]] = ..., redone_steps: _Optional[int] = ..., rollbacks: _Optional[int] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params", "jobs", "next_job_id", "maintenance", "unavailable")
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_JOB_ID_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_FIELD_NUMBER: _ClassVar[int]
    UNAVAILABLE_FIELD_NUMBER: _ClassVar[int]
    params: Params
    jobs: _containers.RepeatedCompositeFieldContainer[TrainingJob]
    next_job_id: int
    maintenance: _containers.RepeatedCompositeFieldContainer[Maintenance]
    unavailable: _containers.RepeatedCompositeFieldContainer[HostUnavailability]
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ..., jobs: _Optional[_Iterable[_Union[TrainingJob, _Mapping]]] = ..., next_job_id: _Optional[int] = ..., maintenance: _Optional[_Iterable[_Union[Maintenance, _Mapping]]] = ..., unavailable: _Optional[_Iterable[_Union[HostUnavailability, _Mapping]]] = ...) -> None: ...
