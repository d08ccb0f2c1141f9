"""Consensus limits on a block's transactions, checked alike in CheckTx, PrepareProposal and
ProcessProposal so that no honest node proposes, and no honest node accepts, a block that one of
them could not execute and report.

A tx's gas limit must fit ABCI's int64 (checked when decoding) and the auth param `max_tx_gas`;
the gas limits of a block's txs must sum to at most the consensus param `block.max_gas` (when it is
positive; CometBFT's -1 means unlimited) and their bytes to at most the proposal's `max_tx_bytes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from chain.errors import ErrInvalidGasLimit
from chain.tx.decode import MAX_INT64, DecodedTx


@dataclass(frozen=True)
class BlockLimits:
    max_tx_gas: int
    max_block_gas: int  # <= 0: unlimited


def check_tx_gas(tx: DecodedTx, limits: BlockLimits) -> None:
    """Raise ErrInvalidGasLimit when the tx's gas limit is 0 or above `max_tx_gas`."""
    gas = tx.auth_info.fee.gas_limit
    if gas == 0:
        raise ErrInvalidGasLimit("gas limit is 0: set --gas (or --gas auto)")
    if gas > limits.max_tx_gas:
        raise ErrInvalidGasLimit(f"gas limit {gas} exceeds max_tx_gas {limits.max_tx_gas}")


class BlockGasMeter:
    """Sums the gas limits of the txs admitted to one block."""

    def __init__(self, limits: BlockLimits):
        self.limits = limits
        self.used = 0

    def fits(self, tx: DecodedTx) -> bool:
        limit = self.limits.max_block_gas
        return limit <= 0 or self.used + tx.auth_info.fee.gas_limit <= limit

    def admit(self, tx: DecodedTx) -> None:
        """Count `tx`; raise ErrInvalidGasLimit when the block's gas would exceed `block.max_gas`."""
        if not self.fits(tx):
            raise ErrInvalidGasLimit(f"block gas {self.used + tx.auth_info.fee.gas_limit} exceeds the "
                                     f"consensus block max_gas {self.limits.max_block_gas}")
        self.used += tx.auth_info.fee.gas_limit


def clamp_int64(value: int) -> int:
    """`value` limited to ABCI's int64 range, so a response can always be encoded."""
    return max(-MAX_INT64 - 1, min(MAX_INT64, value))
