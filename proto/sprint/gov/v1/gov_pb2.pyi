from sprint.common.v1 import coin_pb2 as _coin_pb2
from sprint.training.v1 import tx_pb2 as _tx_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProposalType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROPOSAL_TYPE_UNSPECIFIED: _ClassVar[ProposalType]
    PROPOSAL_TYPE_PARAM_CHANGE: _ClassVar[ProposalType]
    PROPOSAL_TYPE_VAULT_SPEND: _ClassVar[ProposalType]
    PROPOSAL_TYPE_TRAINING_GRANT: _ClassVar[ProposalType]

class ProposalStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROPOSAL_STATUS_UNSPECIFIED: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_DEPOSIT: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_SIGNAL_VOTING: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_TIMELOCK: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_EXECUTION_VOTING: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_PASSED: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_ENACTED: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_REJECTED: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_VETOED: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_EXPIRED: _ClassVar[ProposalStatus]
    PROPOSAL_STATUS_FAILED_ENACTMENT: _ClassVar[ProposalStatus]

class VoteOption(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VOTE_OPTION_UNSPECIFIED: _ClassVar[VoteOption]
    VOTE_OPTION_YES: _ClassVar[VoteOption]
    VOTE_OPTION_NO: _ClassVar[VoteOption]
    VOTE_OPTION_ABSTAIN: _ClassVar[VoteOption]
    VOTE_OPTION_VETO: _ClassVar[VoteOption]

class Stage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STAGE_UNSPECIFIED: _ClassVar[Stage]
    STAGE_SIGNAL: _ClassVar[Stage]
    STAGE_EXECUTION: _ClassVar[Stage]
PROPOSAL_TYPE_UNSPECIFIED: ProposalType
PROPOSAL_TYPE_PARAM_CHANGE: ProposalType
PROPOSAL_TYPE_VAULT_SPEND: ProposalType
PROPOSAL_TYPE_TRAINING_GRANT: ProposalType
PROPOSAL_STATUS_UNSPECIFIED: ProposalStatus
PROPOSAL_STATUS_DEPOSIT: ProposalStatus
PROPOSAL_STATUS_SIGNAL_VOTING: ProposalStatus
PROPOSAL_STATUS_TIMELOCK: ProposalStatus
PROPOSAL_STATUS_EXECUTION_VOTING: ProposalStatus
PROPOSAL_STATUS_PASSED: ProposalStatus
PROPOSAL_STATUS_ENACTED: ProposalStatus
PROPOSAL_STATUS_REJECTED: ProposalStatus
PROPOSAL_STATUS_VETOED: ProposalStatus
PROPOSAL_STATUS_EXPIRED: ProposalStatus
PROPOSAL_STATUS_FAILED_ENACTMENT: ProposalStatus
VOTE_OPTION_UNSPECIFIED: VoteOption
VOTE_OPTION_YES: VoteOption
VOTE_OPTION_NO: VoteOption
VOTE_OPTION_ABSTAIN: VoteOption
VOTE_OPTION_VETO: VoteOption
STAGE_UNSPECIFIED: Stage
STAGE_SIGNAL: Stage
STAGE_EXECUTION: Stage

class Params(_message.Message):
    __slots__ = ("min_deposit", "min_initial_deposit_bps", "deposit_blocks", "signal_blocks", "timelock_blocks", "execution_blocks", "enact_delay_blocks", "quorum_bps", "threshold_bps", "veto_threshold_bps", "max_active_proposals")
    MIN_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    MIN_INITIAL_DEPOSIT_BPS_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    TIMELOCK_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    ENACT_DELAY_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    QUORUM_BPS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_BPS_FIELD_NUMBER: _ClassVar[int]
    VETO_THRESHOLD_BPS_FIELD_NUMBER: _ClassVar[int]
    MAX_ACTIVE_PROPOSALS_FIELD_NUMBER: _ClassVar[int]
    min_deposit: _coin_pb2.Coin
    min_initial_deposit_bps: int
    deposit_blocks: int
    signal_blocks: int
    timelock_blocks: int
    execution_blocks: int
    enact_delay_blocks: int
    quorum_bps: int
    threshold_bps: int
    veto_threshold_bps: int
    max_active_proposals: int
    def __init__(self, min_deposit: _Optional[_Union[_coin_pb2.Coin, _Mapping]] = ..., min_initial_deposit_bps: _Optional[int] = ..., deposit_blocks: _Optional[int] = ..., signal_blocks: _Optional[int] = ..., timelock_blocks: _Optional[int] = ..., execution_blocks: _Optional[int] = ..., enact_delay_blocks: _Optional[int] = ..., quorum_bps: _Optional[int] = ..., threshold_bps: _Optional[int] = ..., veto_threshold_bps: _Optional[int] = ..., max_active_proposals: _Optional[int] = ...) -> None: ...

class ParamSet(_message.Message):
    __slots__ = ("field", "value")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    field: str
    value: str
    def __init__(self, field: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class ParamChange(_message.Message):
    __slots__ = ("module", "params_json", "changes")
    MODULE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    module: str
    params_json: str
    changes: _containers.RepeatedCompositeFieldContainer[ParamSet]
    def __init__(self, module: _Optional[str] = ..., params_json: _Optional[str] = ..., changes: _Optional[_Iterable[_Union[ParamSet, _Mapping]]] = ...) -> None: ...

class VaultSpend(_message.Message):
    __slots__ = ("recipient", "amount")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    amount: _coin_pb2.Coin
    def __init__(self, recipient: _Optional[str] = ..., amount: _Optional[_Union[_coin_pb2.Coin, _Mapping]] = ...) -> None: ...

class TallyResult(_message.Message):
    __slots__ = ("yes", "no", "abstain", "veto", "total_power")
    YES_FIELD_NUMBER: _ClassVar[int]
    NO_FIELD_NUMBER: _ClassVar[int]
    ABSTAIN_FIELD_NUMBER: _ClassVar[int]
    VETO_FIELD_NUMBER: _ClassVar[int]
    TOTAL_POWER_FIELD_NUMBER: _ClassVar[int]
    yes: str
    no: str
    abstain: str
    veto: str
    total_power: str
    def __init__(self, yes: _Optional[str] = ..., no: _Optional[str] = ..., abstain: _Optional[str] = ..., veto: _Optional[str] = ..., total_power: _Optional[str] = ...) -> None: ...

class Proposal(_message.Message):
    __slots__ = ("id", "type", "status", "proposer", "title", "summary", "param_change", "vault_spend", "training_grant", "total_deposit", "submit_height", "deposit_end_height", "signal_start_height", "signal_end_height", "timelock_end_height", "execution_start_height", "execution_end_height", "enact_height", "signal_tally", "execution_tally", "reason", "training_job_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PARAM_CHANGE_FIELD_NUMBER: _ClassVar[int]
    VAULT_SPEND_FIELD_NUMBER: _ClassVar[int]
    TRAINING_GRANT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_END_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_START_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_END_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    TIMELOCK_END_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_START_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_END_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    ENACT_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TALLY_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_TALLY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TRAINING_JOB_ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    type: ProposalType
    status: ProposalStatus
    proposer: str
    title: str
    summary: str
    param_change: ParamChange
    vault_spend: VaultSpend
    training_grant: _tx_pb2.MsgSubmitTrainingJob
    total_deposit: str
    submit_height: int
    deposit_end_height: int
    signal_start_height: int
    signal_end_height: int
    timelock_end_height: int
    execution_start_height: int
    execution_end_height: int
    enact_height: int
    signal_tally: TallyResult
    execution_tally: TallyResult
    reason: str
    training_job_id: int
    def __init__(self, id: _Optional[int] = ..., type: _Optional[_Union[ProposalType, str]] = ..., status: _Optional[_Union[ProposalStatus, str]] = ..., proposer: _Optional[str] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., param_change: _Optional[_Union[ParamChange, _Mapping]] = ..., vault_spend: _Optional[_Union[VaultSpend, _Mapping]] = ..., training_grant: _Optional[_Union[_tx_pb2.MsgSubmitTrainingJob, _Mapping]] = ..., total_deposit: _Optional[str] = ..., submit_height: _Optional[int] = ..., deposit_end_height: _Optional[int] = ..., signal_start_height: _Optional[int] = ..., signal_end_height: _Optional[int] = ..., timelock_end_height: _Optional[int] = ..., execution_start_height: _Optional[int] = ..., execution_end_height: _Optional[int] = ..., enact_height: _Optional[int] = ..., signal_tally: _Optional[_Union[TallyResult, _Mapping]] = ..., execution_tally: _Optional[_Union[TallyResult, _Mapping]] = ..., reason: _Optional[str] = ..., training_job_id: _Optional[int] = ...) -> None: ...

class Deposit(_message.Message):
    __slots__ = ("proposal_id", "depositor", "amount")
    PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    DEPOSITOR_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    proposal_id: int
    depositor: str
    amount: str
    def __init__(self, proposal_id: _Optional[int] = ..., depositor: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class Vote(_message.Message):
    __slots__ = ("proposal_id", "stage", "voter", "option", "power")
    PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    VOTER_FIELD_NUMBER: _ClassVar[int]
    OPTION_FIELD_NUMBER: _ClassVar[int]
    POWER_FIELD_NUMBER: _ClassVar[int]
    proposal_id: int
    stage: Stage
    voter: str
    option: VoteOption
    power: str
    def __init__(self, proposal_id: _Optional[int] = ..., stage: _Optional[_Union[Stage, str]] = ..., voter: _Optional[str] = ..., option: _Optional[_Union[VoteOption, str]] = ..., power: _Optional[str] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: Params
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ...) -> None: ...
