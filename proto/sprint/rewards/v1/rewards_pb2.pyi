from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Params(_message.Message):
    __slots__ = ("denom", "initial_block_reward", "decay_period_blocks", "decay_bps", "executor_bps", "validator_bps", "proposer_bps")
    DENOM_FIELD_NUMBER: _ClassVar[int]
    INITIAL_BLOCK_REWARD_FIELD_NUMBER: _ClassVar[int]
    DECAY_PERIOD_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    DECAY_BPS_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_BPS_FIELD_NUMBER: _ClassVar[int]
    VALIDATOR_BPS_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_BPS_FIELD_NUMBER: _ClassVar[int]
    denom: str
    initial_block_reward: int
    decay_period_blocks: int
    decay_bps: int
    executor_bps: int
    validator_bps: int
    proposer_bps: int
    def __init__(self, denom: _Optional[str] = ..., initial_block_reward: _Optional[int] = ..., decay_period_blocks: _Optional[int] = ..., decay_bps: _Optional[int] = ..., executor_bps: _Optional[int] = ..., validator_bps: _Optional[int] = ..., proposer_bps: _Optional[int] = ...) -> None: ...

class EpochPool(_message.Message):
    __slots__ = ("epoch", "issued", "gas_fees", "executor_pool", "validator_pool", "vault_fees")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    ISSUED_FIELD_NUMBER: _ClassVar[int]
    GAS_FEES_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_POOL_FIELD_NUMBER: _ClassVar[int]
    VALIDATOR_POOL_FIELD_NUMBER: _ClassVar[int]
    VAULT_FEES_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    issued: int
    gas_fees: int
    executor_pool: int
    validator_pool: int
    vault_fees: int
    def __init__(self, epoch: _Optional[int] = ..., issued: _Optional[int] = ..., gas_fees: _Optional[int] = ..., executor_pool: _Optional[int] = ..., validator_pool: _Optional[int] = ..., vault_fees: _Optional[int] = ...) -> None: ...

class Accrual(_message.Message):
    __slots__ = ("host", "epoch", "proposer_rewards", "executor_fees", "validator_fees", "bounty", "executor_pool_share", "validator_pool_share")
    HOST_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_REWARDS_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_FEES_FIELD_NUMBER: _ClassVar[int]
    VALIDATOR_FEES_FIELD_NUMBER: _ClassVar[int]
    BOUNTY_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_POOL_SHARE_FIELD_NUMBER: _ClassVar[int]
    VALIDATOR_POOL_SHARE_FIELD_NUMBER: _ClassVar[int]
    host: str
    epoch: int
    proposer_rewards: int
    executor_fees: int
    validator_fees: int
    bounty: int
    executor_pool_share: int
    validator_pool_share: int
    def __init__(self, host: _Optional[str] = ..., epoch: _Optional[int] = ..., proposer_rewards: _Optional[int] = ..., executor_fees: _Optional[int] = ..., validator_fees: _Optional[int] = ..., bounty: _Optional[int] = ..., executor_pool_share: _Optional[int] = ..., validator_pool_share: _Optional[int] = ...) -> None: ...

class HostOutcome(_message.Message):
    __slots__ = ("host", "epoch", "caught", "jobs_assigned", "jobs_done", "duties_drawn", "duties_done", "released", "forfeited", "withheld")
    HOST_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    CAUGHT_FIELD_NUMBER: _ClassVar[int]
    JOBS_ASSIGNED_FIELD_NUMBER: _ClassVar[int]
    JOBS_DONE_FIELD_NUMBER: _ClassVar[int]
    DUTIES_DRAWN_FIELD_NUMBER: _ClassVar[int]
    DUTIES_DONE_FIELD_NUMBER: _ClassVar[int]
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    FORFEITED_FIELD_NUMBER: _ClassVar[int]
    WITHHELD_FIELD_NUMBER: _ClassVar[int]
    host: str
    epoch: int
    caught: bool
    jobs_assigned: int
    jobs_done: int
    duties_drawn: int
    duties_done: int
    released: int
    forfeited: int
    withheld: int
    def __init__(self, host: _Optional[str] = ..., epoch: _Optional[int] = ..., caught: bool = ..., jobs_assigned: _Optional[int] = ..., jobs_done: _Optional[int] = ..., duties_drawn: _Optional[int] = ..., duties_done: _Optional[int] = ..., released: _Optional[int] = ..., forfeited: _Optional[int] = ..., withheld: _Optional[int] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: Params
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ...) -> None: ...
