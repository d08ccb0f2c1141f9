from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Phase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PHASE_UNSPECIFIED: _ClassVar[Phase]
    PHASE_COMMIT: _ClassVar[Phase]
    PHASE_REVEAL: _ClassVar[Phase]
    PHASE_SPRINT: _ClassVar[Phase]
    PHASE_PROOF: _ClassVar[Phase]
    PHASE_VALIDATION: _ClassVar[Phase]
    PHASE_SETTLEMENT: _ClassVar[Phase]

class ProofStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROOF_STATUS_UNSPECIFIED: _ClassVar[ProofStatus]
    PROOF_STATUS_PENDING: _ClassVar[ProofStatus]
    PROOF_STATUS_ACCEPTED: _ClassVar[ProofStatus]
    PROOF_STATUS_REJECTED: _ClassVar[ProofStatus]
    PROOF_STATUS_INCONCLUSIVE: _ClassVar[ProofStatus]
    PROOF_STATUS_EXCLUDED: _ClassVar[ProofStatus]
PHASE_UNSPECIFIED: Phase
PHASE_COMMIT: Phase
PHASE_REVEAL: Phase
PHASE_SPRINT: Phase
PHASE_PROOF: Phase
PHASE_VALIDATION: Phase
PHASE_SETTLEMENT: Phase
PROOF_STATUS_UNSPECIFIED: ProofStatus
PROOF_STATUS_PENDING: ProofStatus
PROOF_STATUS_ACCEPTED: ProofStatus
PROOF_STATUS_REJECTED: ProofStatus
PROOF_STATUS_INCONCLUSIVE: ProofStatus
PROOF_STATUS_EXCLUDED: ProofStatus

class Params(_message.Message):
    __slots__ = ("commit_blocks", "reveal_blocks", "sprint_blocks", "proof_blocks", "validation_blocks", "settlement_blocks", "pow_config", "distance_threshold_micro", "max_nonce", "max_batch_nonces", "max_nonces_per_epoch", "validation_sample", "distance_tolerance_micro", "max_sample_mismatches", "assignment_weight_bps", "max_power_bps", "slash_fraction_bps")
    COMMIT_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    REVEAL_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    SPRINT_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    PROOF_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    POW_CONFIG_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_THRESHOLD_MICRO_FIELD_NUMBER: _ClassVar[int]
    MAX_NONCE_FIELD_NUMBER: _ClassVar[int]
    MAX_BATCH_NONCES_FIELD_NUMBER: _ClassVar[int]
    MAX_NONCES_PER_EPOCH_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_TOLERANCE_MICRO_FIELD_NUMBER: _ClassVar[int]
    MAX_SAMPLE_MISMATCHES_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_WEIGHT_BPS_FIELD_NUMBER: _ClassVar[int]
    MAX_POWER_BPS_FIELD_NUMBER: _ClassVar[int]
    SLASH_FRACTION_BPS_FIELD_NUMBER: _ClassVar[int]
    commit_blocks: int
    reveal_blocks: int
    sprint_blocks: int
    proof_blocks: int
    validation_blocks: int
    settlement_blocks: int
    pow_config: str
    distance_threshold_micro: int
    max_nonce: int
    max_batch_nonces: int
    max_nonces_per_epoch: int
    validation_sample: int
    distance_tolerance_micro: int
    max_sample_mismatches: int
    assignment_weight_bps: int
    max_power_bps: int
    slash_fraction_bps: int
    def __init__(self, commit_blocks: _Optional[int] = ..., reveal_blocks: _Optional[int] = ..., sprint_blocks: _Optional[int] = ..., proof_blocks: _Optional[int] = ..., validation_blocks: _Optional[int] = ..., settlement_blocks: _Optional[int] = ..., pow_config: _Optional[str] = ..., distance_threshold_micro: _Optional[int] = ..., max_nonce: _Optional[int] = ..., max_batch_nonces: _Optional[int] = ..., max_nonces_per_epoch: _Optional[int] = ..., validation_sample: _Optional[int] = ..., distance_tolerance_micro: _Optional[int] = ..., max_sample_mismatches: _Optional[int] = ..., assignment_weight_bps: _Optional[int] = ..., max_power_bps: _Optional[int] = ..., slash_fraction_bps: _Optional[int] = ...) -> None: ...

class EpochInfo(_message.Message):
    __slots__ = ("number", "phase", "start_height", "commit_end", "reveal_end", "sprint_end", "proof_end", "validation_end", "end_height", "seed", "validation_seed")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    START_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    COMMIT_END_FIELD_NUMBER: _ClassVar[int]
    REVEAL_END_FIELD_NUMBER: _ClassVar[int]
    SPRINT_END_FIELD_NUMBER: _ClassVar[int]
    PROOF_END_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_END_FIELD_NUMBER: _ClassVar[int]
    END_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_SEED_FIELD_NUMBER: _ClassVar[int]
    number: int
    phase: Phase
    start_height: int
    commit_end: int
    reveal_end: int
    sprint_end: int
    proof_end: int
    validation_end: int
    end_height: int
    seed: bytes
    validation_seed: bytes
    def __init__(self, number: _Optional[int] = ..., phase: _Optional[_Union[Phase, str]] = ..., start_height: _Optional[int] = ..., commit_end: _Optional[int] = ..., reveal_end: _Optional[int] = ..., sprint_end: _Optional[int] = ..., proof_end: _Optional[int] = ..., validation_end: _Optional[int] = ..., end_height: _Optional[int] = ..., seed: _Optional[bytes] = ..., validation_seed: _Optional[bytes] = ...) -> None: ...

class ProofSummary(_message.Message):
    __slots__ = ("epoch", "host", "committed", "revealed", "nonce_count", "batches", "status", "validators", "eligible_weight", "approve_weight", "reject_weight", "settled_weight")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    REVEALED_FIELD_NUMBER: _ClassVar[int]
    NONCE_COUNT_FIELD_NUMBER: _ClassVar[int]
    BATCHES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VALIDATORS_FIELD_NUMBER: _ClassVar[int]
    ELIGIBLE_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    APPROVE_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    REJECT_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    host: str
    committed: bool
    revealed: bool
    nonce_count: int
    batches: int
    status: ProofStatus
    validators: _containers.RepeatedScalarFieldContainer[str]
    eligible_weight: int
    approve_weight: int
    reject_weight: int
    settled_weight: int
    def __init__(self, epoch: _Optional[int] = ..., host: _Optional[str] = ..., committed: bool = ..., revealed: bool = ..., nonce_count: _Optional[int] = ..., batches: _Optional[int] = ..., status: _Optional[_Union[ProofStatus, str]] = ..., validators: _Optional[_Iterable[str]] = ..., eligible_weight: _Optional[int] = ..., approve_weight: _Optional[int] = ..., reject_weight: _Optional[int] = ..., settled_weight: _Optional[int] = ...) -> None: ...

class Validation(_message.Message):
    __slots__ = ("epoch", "prover", "validator", "approve", "checked", "mismatches", "height")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    PROVER_FIELD_NUMBER: _ClassVar[int]
    VALIDATOR_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    MISMATCHES_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    prover: str
    validator: str
    approve: bool
    checked: int
    mismatches: int
    height: int
    def __init__(self, epoch: _Optional[int] = ..., prover: _Optional[str] = ..., validator: _Optional[str] = ..., approve: bool = ..., checked: _Optional[int] = ..., mismatches: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class HostWeight(_message.Message):
    __slots__ = ("host", "weight", "power")
    HOST_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    POWER_FIELD_NUMBER: _ClassVar[int]
    host: str
    weight: int
    power: int
    def __init__(self, host: _Optional[str] = ..., weight: _Optional[int] = ..., power: _Optional[int] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: Params
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ...) -> None: ...
