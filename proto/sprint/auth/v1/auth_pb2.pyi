from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GasCosts(_message.Message):
    __slots__ = ("read_flat", "read_per_byte", "write_flat", "write_per_byte", "delete_flat", "iter_next_flat")
    READ_FLAT_FIELD_NUMBER: _ClassVar[int]
    READ_PER_BYTE_FIELD_NUMBER: _ClassVar[int]
    WRITE_FLAT_FIELD_NUMBER: _ClassVar[int]
    WRITE_PER_BYTE_FIELD_NUMBER: _ClassVar[int]
    DELETE_FLAT_FIELD_NUMBER: _ClassVar[int]
    ITER_NEXT_FLAT_FIELD_NUMBER: _ClassVar[int]
    read_flat: int
    read_per_byte: int
    write_flat: int
    write_per_byte: int
    delete_flat: int
    iter_next_flat: int
    def __init__(self, read_flat: _Optional[int] = ..., read_per_byte: _Optional[int] = ..., write_flat: _Optional[int] = ..., write_per_byte: _Optional[int] = ..., delete_flat: _Optional[int] = ..., iter_next_flat: _Optional[int] = ...) -> None: ...

class Params(_message.Message):
    __slots__ = ("max_memo_characters", "tx_sig_limit", "tx_size_cost_per_byte", "sig_verify_cost_secp256k1", "max_tx_bytes", "max_tx_gas", "min_gas_price", "fee_denom", "gas_costs")
    MAX_MEMO_CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    TX_SIG_LIMIT_FIELD_NUMBER: _ClassVar[int]
    TX_SIZE_COST_PER_BYTE_FIELD_NUMBER: _ClassVar[int]
    SIG_VERIFY_COST_SECP256K1_FIELD_NUMBER: _ClassVar[int]
    MAX_TX_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_TX_GAS_FIELD_NUMBER: _ClassVar[int]
    MIN_GAS_PRICE_FIELD_NUMBER: _ClassVar[int]
    FEE_DENOM_FIELD_NUMBER: _ClassVar[int]
    GAS_COSTS_FIELD_NUMBER: _ClassVar[int]
    max_memo_characters: int
    tx_sig_limit: int
    tx_size_cost_per_byte: int
    sig_verify_cost_secp256k1: int
    max_tx_bytes: int
    max_tx_gas: int
    min_gas_price: str
    fee_denom: str
    gas_costs: GasCosts
    def __init__(self, max_memo_characters: _Optional[int] = ..., tx_sig_limit: _Optional[int] = ..., tx_size_cost_per_byte: _Optional[int] = ..., sig_verify_cost_secp256k1: _Optional[int] = ..., max_tx_bytes: _Optional[int] = ..., max_tx_gas: _Optional[int] = ..., min_gas_price: _Optional[str] = ..., fee_denom: _Optional[str] = ..., gas_costs: _Optional[_Union[GasCosts, _Mapping]] = ...) -> None: ...
