from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Params(_message.Message):
    __slots__ = ("bond_denom", "min_collateral", "unbonding_blocks", "max_unbonding_entries", "min_lockup_blocks", "max_lockup_blocks", "min_release_blocks", "malicious_slash_bps", "fault_slash_bps", "ban_blocks")
    BOND_DENOM_FIELD_NUMBER: _ClassVar[int]
    MIN_COLLATERAL_FIELD_NUMBER: _ClassVar[int]
    UNBONDING_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    MAX_UNBONDING_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    MIN_LOCKUP_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    MAX_LOCKUP_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    MIN_RELEASE_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    MALICIOUS_SLASH_BPS_FIELD_NUMBER: _ClassVar[int]
    FAULT_SLASH_BPS_FIELD_NUMBER: _ClassVar[int]
    BAN_BLOCKS_FIELD_NUMBER: _ClassVar[int]
    bond_denom: str
    min_collateral: str
    unbonding_blocks: int
    max_unbonding_entries: int
    min_lockup_blocks: int
    max_lockup_blocks: int
    min_release_blocks: int
    malicious_slash_bps: int
    fault_slash_bps: int
    ban_blocks: int
    def __init__(self, bond_denom: _Optional[str] = ..., min_collateral: _Optional[str] = ..., unbonding_blocks: _Optional[int] = ..., max_unbonding_entries: _Optional[int] = ..., min_lockup_blocks: _Optional[int] = ..., max_lockup_blocks: _Optional[int] = ..., min_release_blocks: _Optional[int] = ..., malicious_slash_bps: _Optional[int] = ..., fault_slash_bps: _Optional[int] = ..., ban_blocks: _Optional[int] = ...) -> None: ...

class StakeLock(_message.Message):
    __slots__ = ("operator", "amount", "unlock_height")
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    UNLOCK_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    operator: str
    amount: str
    unlock_height: int
    def __init__(self, operator: _Optional[str] = ..., amount: _Optional[str] = ..., unlock_height: _Optional[int] = ...) -> None: ...

class Bond(_message.Message):
    __slots__ = ("operator", "amount")
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    operator: str
    amount: str
    def __init__(self, operator: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class UnbondingEntry(_message.Message):
    __slots__ = ("operator", "amount", "completion_height", "creation_height")
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    CREATION_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    operator: str
    amount: str
    completion_height: int
    creation_height: int
    def __init__(self, operator: _Optional[str] = ..., amount: _Optional[str] = ..., completion_height: _Optional[int] = ..., creation_height: _Optional[int] = ...) -> None: ...

class GenesisState(_message.Message):
    __slots__ = ("params", "bonds", "unbonding", "locks")
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    BONDS_FIELD_NUMBER: _ClassVar[int]
    UNBONDING_FIELD_NUMBER: _ClassVar[int]
    LOCKS_FIELD_NUMBER: _ClassVar[int]
    params: Params
    bonds: _containers.RepeatedCompositeFieldContainer[Bond]
    unbonding: _containers.RepeatedCompositeFieldContainer[UnbondingEntry]
    locks: _containers.RepeatedCompositeFieldContainer[StakeLock]
    def __init__(self, params: _Optional[_Union[Params, _Mapping]] = ..., bonds: _Optional[_Iterable[_Union[Bond, _Mapping]]] = ..., unbonding: _Optional[_Iterable[_Union[UnbondingEntry, _Mapping]]] = ..., locks: _Optional[_Iterable[_Union[StakeLock, _Mapping]]] = ...) -> None: ...
