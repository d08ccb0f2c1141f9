"""Denom metadata (`cosmos.bank.v1beta1.Metadata`): the default for usprint and validation.

Wallets and explorers read it to show `1 SPRINT` for `1000000usprint`.
"""

from __future__ import annotations

import cosmpy.protos  # noqa: F401
from cosmos.bank.v1beta1.bank_pb2 import DenomUnit, Metadata
from google.protobuf import json_format

from chain.coins import DENOM_RE
from chain.errors import ErrInvalidRequest

BASE_DENOM = "usprint"
DISPLAY_DENOM = "SPRINT"
DISPLAY_EXPONENT = 6


def default_metadata() -> list[Metadata]:
    """usprint (exponent 0) <-> SPRINT (exponent 6)."""
    return [Metadata(
        description="The native fee and staking token of sprintchain.",
        denom_units=[DenomUnit(denom=BASE_DENOM, exponent=0, aliases=["microsprint"]),
                     DenomUnit(denom=DISPLAY_DENOM, exponent=DISPLAY_EXPONENT)],
        base=BASE_DENOM, display=DISPLAY_DENOM, name="Sprint", symbol="SPRINT",
    )]


def validate_metadata(meta: Metadata) -> None:
    """The SDK's Metadata.Validate rules: valid base/display denoms, the first unit is the base with
    exponent 0, exponents strictly increase, unit denoms are unique and the display denom is one."""
    for denom in (meta.base, meta.display):
        if not DENOM_RE.fullmatch(denom or ""):
            raise ErrInvalidRequest(f"denom metadata: invalid denom {denom!r}")
    if not meta.name.strip() or not meta.symbol.strip():
        raise ErrInvalidRequest(f"denom metadata for {meta.base}: name and symbol must not be blank")
    units = list(meta.denom_units)
    if not units or units[0].denom != meta.base or units[0].exponent != 0:
        raise ErrInvalidRequest(
            f"denom metadata for {meta.base}: the first denom unit must be the base with exponent 0")
    seen: set[str] = set()
    for previous, unit in zip([None] + units[:-1], units):
        if not DENOM_RE.fullmatch(unit.denom) or unit.denom in seen:
            raise ErrInvalidRequest(f"denom metadata for {meta.base}: invalid or duplicate unit {unit.denom!r}")
        if previous is not None and unit.exponent <= previous.exponent:
            raise ErrInvalidRequest(f"denom metadata for {meta.base}: exponents must strictly increase")
        seen.add(unit.denom)
    if meta.display not in seen:
        raise ErrInvalidRequest(f"denom metadata for {meta.base}: display {meta.display!r} is not a denom unit")


def parse_metadata(entries: list) -> list[Metadata]:
    """Protobuf-JSON entries of `denom_metadata` (genesis) -> validated Metadata, unique bases."""
    parsed, bases = [], set()
    for entry in entries:
        meta = Metadata()
        try:
            json_format.ParseDict(entry, meta)
        except json_format.ParseError as err:
            raise ErrInvalidRequest(f"bank genesis: denom_metadata: {err}") from err
        validate_metadata(meta)
        if meta.base in bases:
            raise ErrInvalidRequest(f"bank genesis: duplicate denom_metadata for {meta.base}")
        bases.add(meta.base)
        parsed.append(meta)
    return parsed


def metadata_to_json(meta: Metadata) -> dict:
    return json_format.MessageToDict(meta, preserving_proto_field_name=True)
