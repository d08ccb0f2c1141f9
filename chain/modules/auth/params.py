"""Default auth parameters and their validation."""

from __future__ import annotations

from sprint.auth.v1.auth_pb2 import GasCosts, Params

from chain.coins import parse_decimal, validate_denom
from chain.errors import ErrInvalidRequest
from chain.gas import GasCosts as GasCostTable


def default_params() -> Params:
    return Params(
        max_memo_characters=256,
        tx_sig_limit=7,
        tx_size_cost_per_byte=10,
        sig_verify_cost_secp256k1=1000,
        max_tx_bytes=262_144,
        max_tx_gas=10_000_000,
        min_gas_price="0.025",
        fee_denom="usprint",
        gas_costs=GasCosts(
            read_flat=1000, read_per_byte=3, write_flat=2000, write_per_byte=30,
            delete_flat=1000, iter_next_flat=30,
        ),
    )


def validate_params(params: Params) -> None:
    """Raise ErrInvalidRequest when a parameter is out of range."""
    parse_decimal(params.min_gas_price)
    validate_denom(params.fee_denom)
    if params.max_tx_bytes < 512:
        raise ErrInvalidRequest("auth params: max_tx_bytes must be >= 512")
    if params.tx_sig_limit < 1:
        raise ErrInvalidRequest("auth params: tx_sig_limit must be >= 1")
    if params.max_tx_gas < 10_000:
        raise ErrInvalidRequest("auth params: max_tx_gas must be >= 10000")


def gas_cost_table(params: Params) -> GasCostTable:
    c = params.gas_costs
    return GasCostTable(c.read_flat, c.read_per_byte, c.write_flat, c.write_per_byte, c.delete_flat, c.iter_next_flat)
