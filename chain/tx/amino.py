"""SIGN_MODE_LEGACY_AMINO_JSON: amino names and the StdSignDoc bytes, as the Cosmos SDK builds them.

Ledger devices (in Keplr/Leap) and other amino-only signers sign a JSON document, not the protobuf
SignDoc. The bytes are those of the SDK's x/tx aminojson handler, which CosmJS's
`serializeSignDoc(makeSignDoc(...))` reproduces:

    {"account_number":"<n>","chain_id":"<id>","fee":{"amount":[<coins>],"gas":"<gas_limit>"},
     "memo":"<memo>","msgs":[{"type":"<amino name>","value":{...}}],"sequence":"<n>"
     [,"timeout_height":"<h>" when non-zero]}

Keys sorted at every level, no whitespace, and Go's `encoding/json` string escaping (`<`, `>`, `&`,
U+2028 and U+2029 as \\u escapes, non-ASCII kept as UTF-8). A message value follows the amino JSON
rules of x/tx: proto field names; fields at their default value (0, "", false, empty bytes, empty
lists, unset messages) omitted unless the field carries `(amino.dont_omitempty)`; 64-bit integers
as decimal strings, 32-bit integers and enums as JSON numbers; bytes as standard base64; a set
message field, even empty, as an object; `(amino.encoding) = "legacy_coins"` writes an empty list as
`[]`; a `cosmos.Int` scalar that is empty as "0". Maps, floats, oneofs, Any and `cosmos.Dec` fields
are not used by our messages and are refused (AminoError), never encoded differently from the SDK. The signature is secp256k1 over sha256 of these bytes.
"""

from __future__ import annotations

import base64
import json

import cosmpy.protos  # noqa: F401
from amino import amino_pb2
from cosmos_proto import cosmos_pb2
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor

# Amino names by type URL: what Ledger shows and what amino signers put in "msgs[].type". The
# Cosmos ones are the SDK's; ours are "sprint/<module>/<Msg>", shortened where the SDK's 39-character
# limit on amino names (legacy.RegisterAminoMsg) requires. Every routed message needs one
# (tests/unit/chain/test_amino.py checks the router against this table).
AMINO_NAMES: dict[str, str] = {
    "/cosmos.bank.v1beta1.MsgSend": "cosmos-sdk/MsgSend",
    "/sprint.staking.v1.MsgStake": "sprint/staking/MsgStake",
    "/sprint.staking.v1.MsgUnstake": "sprint/staking/MsgUnstake",
    "/sprint.hosts.v1.MsgRegisterHost": "sprint/hosts/MsgRegisterHost",
    "/sprint.hosts.v1.MsgUpdateHost": "sprint/hosts/MsgUpdateHost",
    "/sprint.sprint.v1.MsgCommitSeed": "sprint/sprint/MsgCommitSeed",
    "/sprint.sprint.v1.MsgRevealSeed": "sprint/sprint/MsgRevealSeed",
    "/sprint.sprint.v1.MsgSubmitProofBatch": "sprint/sprint/MsgSubmitProofBatch",
    "/sprint.sprint.v1.MsgSubmitProofValidation": "sprint/sprint/MsgSubmitProofValidation",
    "/sprint.inference.v1.MsgRegisterModel": "sprint/inference/MsgRegisterModel",
    "/sprint.inference.v1.MsgSubmitInference": "sprint/inference/MsgSubmitInference",
    "/sprint.inference.v1.MsgInferenceResult": "sprint/inference/MsgInferenceResult",
    "/sprint.inference.v1.MsgCommitValidationSecret": "sprint/inference/MsgCommitValSecret",
    "/sprint.inference.v1.MsgRevealValidationSecret": "sprint/inference/MsgRevealValSecret",
    "/sprint.inference.v1.MsgValidateInference": "sprint/inference/MsgValidateInference",
    "/sprint.inference.v1.MsgReportInference": "sprint/inference/MsgReportInference",
    "/sprint.training.v1.MsgSubmitTrainingJob": "sprint/training/MsgSubmitTrainingJob",
    "/sprint.training.v1.MsgCommitTrainingSegment": "sprint/training/MsgCommitSegment",
    "/sprint.training.v1.MsgAnnounceMaintenance": "sprint/training/MsgAnnounceMaintenance",
    "/sprint.training.v1.MsgRevealTrainingStates": "sprint/training/MsgRevealStates",
    "/sprint.training.v1.MsgVoteTrainingSegment": "sprint/training/MsgVoteSegment",
    "/sprint.training.v1.MsgCommitDilocoRound": "sprint/training/MsgCommitRound",
    "/sprint.training.v1.MsgCommitDilocoOuter": "sprint/training/MsgCommitOuter",
    "/sprint.training.v1.MsgVoteDilocoRound": "sprint/training/MsgVoteRound",
    "/sprint.training.v1.MsgRevealDilocoRound": "sprint/training/MsgRevealRound",
    "/sprint.gov.v1.MsgSubmitProposal": "sprint/gov/MsgSubmitProposal",
    "/sprint.gov.v1.MsgDeposit": "sprint/gov/MsgDeposit",
    "/sprint.gov.v1.MsgVote": "sprint/gov/MsgVote",
}
MAX_AMINO_NAME_CHARS = 39

_INT64_TYPES = {FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_SINT64,
                FieldDescriptor.TYPE_FIXED64, FieldDescriptor.TYPE_SFIXED64}
_INT32_TYPES = {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_SINT32,
                FieldDescriptor.TYPE_FIXED32, FieldDescriptor.TYPE_SFIXED32}
# Go's encoding/json escapes these even though JSON does not require it.
_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


class AminoError(ValueError):
    """A message that has no amino JSON form (no amino name, or a field kind amino cannot encode)."""


def amino_name(type_url: str) -> str | None:
    """The amino name of a message type URL, or None when it has none."""
    return AMINO_NAMES.get(type_url)


def canonical_json(value) -> bytes:
    """Sorted-key, whitespace-free JSON with Go's escaping, UTF-8 encoded."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    for char, escaped in _GO_ESCAPES.items():
        text = text.replace(char, escaped)
    return text.encode("utf-8")


def _options(field: FieldDescriptor):
    return field.GetOptions()


def _dont_omit(field: FieldDescriptor) -> bool:
    return bool(_options(field).Extensions[amino_pb2.dont_omitempty])


def _field_name(field: FieldDescriptor) -> str:
    return _options(field).Extensions[amino_pb2.field_name] or field.name


def _is_set(msg, field: FieldDescriptor) -> bool:
    if field.label == FieldDescriptor.LABEL_REPEATED:
        return len(getattr(msg, field.name)) > 0
    if field.type == FieldDescriptor.TYPE_MESSAGE or field.has_presence:
        return msg.HasField(field.name)
    return getattr(msg, field.name) != field.default_value


def _scalar(field: FieldDescriptor, value):
    kind = field.type
    if kind in _INT64_TYPES:
        return str(value)
    if kind in _INT32_TYPES or kind == FieldDescriptor.TYPE_ENUM or kind == FieldDescriptor.TYPE_BOOL:
        return value
    if kind == FieldDescriptor.TYPE_BYTES:
        return base64.b64encode(value).decode("ascii")
    if kind == FieldDescriptor.TYPE_STRING:
        scalar = _options(field).Extensions[cosmos_pb2.scalar]
        if scalar == "cosmos.Dec":  # the SDK rewrites Dec atomics as a decimal: not needed by our messages
            raise AminoError(f"field {field.full_name}: cosmos.Dec fields are not supported here")
        if not value and scalar == "cosmos.Int":
            return "0"
        return value
    raise AminoError(f"field {field.full_name}: amino JSON does not encode {field.type} fields here")


def _value(field: FieldDescriptor, value):
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return message_value(value)
    return _scalar(field, value)


def message_value(msg) -> dict:
    """The amino JSON object of a protobuf message (without the {"type","value"} wrapper)."""
    descriptor = msg.DESCRIPTOR
    if descriptor.full_name == "google.protobuf.Any" or descriptor.GetOptions().map_entry:
        raise AminoError(f"{descriptor.full_name}: Any and map fields have no amino JSON form here")
    out: dict = {}
    for field in descriptor.fields:
        oneof = field.containing_oneof
        if oneof is not None and not getattr(oneof, "is_synthetic", False) and len(oneof.fields) > 1:
            raise AminoError(f"{field.full_name}: oneof fields have no amino JSON form here")
        if not _is_set(msg, field) and not _dont_omit(field):
            continue
        value = getattr(msg, field.name)
        if field.label == FieldDescriptor.LABEL_REPEATED:
            out[_field_name(field)] = [_value(field, item) for item in value]
        else:
            out[_field_name(field)] = _value(field, value)
    return out


def msg_json(type_url: str, msg) -> dict:
    """{"type": amino name, "value": amino JSON} of a routed message; AminoError without a name."""
    name = amino_name(type_url)
    if name is None:
        raise AminoError(f"{type_url} has no amino name: sign it with SIGN_MODE_DIRECT")
    return {"type": name, "value": message_value(msg)}


def fee_json(fee) -> dict:
    """The StdFee object of a cosmos.tx.v1beta1.Fee (amount always present, payer/granter when set)."""
    out = {"amount": [message_value(coin) for coin in fee.amount], "gas": str(fee.gas_limit)}
    if fee.payer:
        out["payer"] = fee.payer
    if fee.granter:
        out["granter"] = fee.granter
    return out


def std_sign_doc(msgs: list[dict], fee, memo: str, timeout_height: int, chain_id: str,
                 account_number: int, sequence: int) -> dict:
    """The StdSignDoc as a JSON-ready dict (`msgs` from msg_json, `fee` a protobuf Fee)."""
    doc = {"account_number": str(account_number), "chain_id": chain_id, "fee": fee_json(fee), "memo": memo,
           "msgs": msgs, "sequence": str(sequence)}
    if timeout_height:
        doc["timeout_height"] = str(timeout_height)
    return doc


def std_sign_bytes(msgs: list[tuple[str, object]], body, fee, chain_id: str, account_number: int,
                   sequence: int) -> bytes:
    """The bytes a SIGN_MODE_LEGACY_AMINO_JSON signature covers for one signer.

    `msgs` are (type URL, message) pairs, `body` the TxBody (memo, timeout_height), `fee` its Fee."""
    encoded = [msg_json(type_url, msg) for type_url, msg in msgs]
    return canonical_json(std_sign_doc(encoded, fee, body.memo, body.timeout_height, chain_id,
                                       account_number, sequence))


def unpack_any(any_msg):
    """(type URL, message) of an Any whose type is in the default descriptor pool (for signers
    building a tx; the chain unpacks through its router)."""
    full_name = any_msg.type_url.rsplit("/", 1)[-1]
    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(full_name)
    except KeyError as err:
        raise AminoError(f"unknown message type {any_msg.type_url}") from err
    return any_msg.type_url, message_factory.GetMessageClass(descriptor).FromString(any_msg.value)
