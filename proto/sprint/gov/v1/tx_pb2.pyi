from sprint.common.v1 import coin_pb2 as _coin_pb2
from sprint.gov.v1 import gov_pb2 as _gov_pb2
from sprint.training.v1 import tx_pb2 as _tx_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MsgSubmitProposal(_message.Message):
    __slots__ = ("proposer", "type", "title", "summary", "param_change", "vault_spend", "training_grant", "initial_deposit")
    PROPOSER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PARAM_CHANGE_FIELD_NUMBER: _ClassVar[int]
    VAULT_SPEND_FIELD_NUMBER: _ClassVar[int]
    TRAINING_GRANT_FIELD_NUMBER: _ClassVar[int]
    INITIAL_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    proposer: str
    type: _gov_pb2.ProposalType
    title: str
    summary: str
    param_change: _gov_pb2.ParamChange
    vault_spend: _gov_pb2.VaultSpend
    training_grant: _tx_pb2.MsgSubmitTrainingJob
    initial_deposit: _coin_pb2.Coin
    def __init__(self, proposer: _Optional[str] = ..., type: _Optional[_Union[_gov_pb2.ProposalType, str]] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., param_change: _Optional[_Union[_gov_pb2.ParamChange, _Mapping]] = ..., vault_spend: _Optional[_Union[_gov_pb2.VaultSpend, _Mapping]] = ..., training_grant: _Optional[_Union[_tx_pb2.MsgSubmitTrainingJob, _Mapping]] = ..., initial_deposit: _Optional[_Union[_coin_pb2.Coin, _Mapping]] = ...) -> None: ...

class MsgSubmitProposalResponse(_message.Message):
    __slots__ = ("proposal_id",)
    PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    proposal_id: int
    def __init__(self, proposal_id: _Optional[int] = ...) -> None: ...

class MsgDeposit(_message.Message):
    __slots__ = ("depositor", "proposal_id", "amount")
    DEPOSITOR_FIELD_NUMBER: _ClassVar[int]
    PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    depositor: str
    proposal_id: int
    amount: _coin_pb2.Coin
    def __init__(self, depositor: _Optional[str] = ..., proposal_id: _Optional[int] = ..., amount: _Optional[_Union[_coin_pb2.Coin, _Mapping]] = ...) -> None: ...

class MsgVote(_message.Message):
    __slots__ = ("voter", "proposal_id", "option")
    VOTER_FIELD_NUMBER: _ClassVar[int]
    PROPOSAL_ID_FIELD_NUMBER: _ClassVar[int]
    OPTION_FIELD_NUMBER: _ClassVar[int]
    voter: str
    proposal_id: int
    option: _gov_pb2.VoteOption
    def __init__(self, voter: _Optional[str] = ..., proposal_id: _Optional[int] = ..., option: _Optional[_Union[_gov_pb2.VoteOption, str]] = ...) -> None: ...
