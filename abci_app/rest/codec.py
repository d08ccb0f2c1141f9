"""Protobuf <-> JSON as the SDK's gateway renders it, and query strings onto request fields.

JSON out: proto3 JSON with the proto field names (snake_case), every field present (defaults too),
int64/uint64 as strings, bytes as base64, enums by name, Any as {"@type": url, ...fields}.

Query string in (GET), the grpc-gateway mapping:
- `?field=value` sets a top-level scalar field; `?a.b=value` a field of a nested message
  (`pagination.limit=10`, `pagination.key=<base64>`, `pagination.reverse=true`).
- A repeated field takes the key once per value (`?events=a&events=b`).
- Integers in decimal, bools `true`/`false`, bytes in base64 (standard or URL-safe, padding
  optional), enums by name or number. Unknown keys are ignored (as grpc-gateway v1 does).
- Path parameters (`/balances/{address}`) set their field the same way.
"""

from __future__ import annotations

import base64
import binascii
import json

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor as FD

from abci_app.rest.errors import invalid

_INTS = {FD.TYPE_INT32, FD.TYPE_INT64, FD.TYPE_UINT32, FD.TYPE_UINT64, FD.TYPE_SINT32, FD.TYPE_SINT64,
         FD.TYPE_FIXED32, FD.TYPE_FIXED64, FD.TYPE_SFIXED32, FD.TYPE_SFIXED64}


def to_json(message) -> dict:
    """The message as the SDK gateway's JSON (a dict)."""
    return json_format.MessageToDict(message, always_print_fields_with_no_presence=True,
                                     preserving_proto_field_name=True)


def from_json_body(body: bytes, request_class):
    """Parse a POST body (proto3 JSON, snake_case or camelCase names) into `request_class`."""
    request = request_class()
    if not body.strip():
        return request
    try:
        json_format.Parse(body.decode("utf-8"), request, ignore_unknown_fields=True)
    except (json_format.ParseError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise invalid(f"invalid JSON body for {request_class.DESCRIPTOR.full_name}: {err}") from err
    return request


def apply_params(message, params: dict[str, list[str]]) -> None:
    """Set `message` fields from query-string/path parameters (see the module docstring)."""
    for key, values in params.items():
        target, field = _resolve(message, key.split("."))
        if field is None:
            continue
        if field.label == FD.LABEL_REPEATED:
            getattr(target, field.name).extend(_convert(field, v, key) for v in values)
        else:
            setattr(target, field.name, _convert(field, values[-1], key))


def _resolve(message, parts: list[str]):
    """(message holding the last field, its FieldDescriptor) or (None, None) for an unknown key."""
    target = message
    for i, part in enumerate(parts):
        fields = target.DESCRIPTOR.fields_by_name
        field = fields.get(part) or target.DESCRIPTOR.fields_by_camelcase_name.get(part)
        if field is None:
            return None, None
        if i == len(parts) - 1:
            if field.type == FD.TYPE_MESSAGE:
                return None, None  # a whole message cannot come from one string
            return target, field
        if field.type != FD.TYPE_MESSAGE or field.label == FD.LABEL_REPEATED:
            return None, None
        target = getattr(target, field.name)
    return None, None


def _convert(field, text: str, key: str):
    try:
        if field.type in _INTS:
            return int(text, 10)
        if field.type == FD.TYPE_BOOL:
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError("expected true or false")
            return text.lower() in ("true", "1")
        if field.type == FD.TYPE_BYTES:
            return _b64decode(text)
        if field.type == FD.TYPE_ENUM:
            value = field.enum_type.values_by_name.get(text)
            return value.number if value is not None else int(text, 10)
        if field.type in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
            return float(text)
    except (ValueError, binascii.Error) as err:
        raise invalid(f"invalid value {text!r} for parameter {key}: {err}") from err
    return text


def _b64decode(text: str) -> bytes:
    text = text.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
