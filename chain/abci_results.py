"""Conversions between the app's results and ABCI messages: tx results (bounded logs), events,
validator updates, query errors and tx-index entries."""

from __future__ import annotations

import hashlib

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci
from tendermint.crypto.keys_pb2 import PublicKey

from chain.context import Event
from chain.query import QueryError
from chain.runtx import TxOutcome
from chain.tx.limits import clamp_int64

# How a failed query is reported over ABCI, as the Cosmos SDK reports a gRPC error there: QueryError
# status -> (sdk code, gRPC code name, error text). Clients match the "rpc error: code = …" text
# (CosmJS's getAccount returns null on NotFound).
QUERY_ERRORS = {
    "invalid_argument": (18, "InvalidArgument", "invalid request"),
    "not_found": (38, "NotFound", "key not found"),
}
MAX_LOG_CHARS = 2_048  # logs echo inputs; CometBFT's results hash excludes them, so cutting is safe


def query_error(err: QueryError, height: int) -> abci.ResponseQuery:
    code, grpc_name, text = QUERY_ERRORS[err.status]
    return abci.ResponseQuery(code=code, codespace="sdk", height=height,
                              log=f"rpc error: code = {grpc_name} desc = {err.message}: {text}")


def to_abci_events(events: list[Event]) -> list[abci.Event]:
    return [
        abci.Event(type=e.type, attributes=[abci.EventAttribute(key=k, value=v, index=True) for k, v in e.attributes])
        for e in events
    ]


def validator_update(pubkey: bytes, power: int) -> abci.ValidatorUpdate:
    return abci.ValidatorUpdate(pub_key=PublicKey(ed25519=pubkey), power=power)


def exec_result(outcome: TxOutcome) -> abci.ExecTxResult:
    return abci.ExecTxResult(
        code=outcome.code, codespace=outcome.codespace, log=bounded_log(outcome.log),
        gas_wanted=clamp_int64(outcome.gas_wanted), gas_used=clamp_int64(outcome.gas_used),
        events=to_abci_events(outcome.events), data=outcome.data,
    )


def bounded_log(text: str) -> str:
    return text if len(text) <= MAX_LOG_CHARS else text[:MAX_LOG_CHARS - 3] + "..."


def index_entry(height: int, index: int, raw: bytes, result: abci.ExecTxResult) -> tuple[bytes, bytes]:
    entry = abci.TxResult(height=height, index=index, tx=raw, result=result)
    return hashlib.sha256(raw).digest(), entry.SerializeToString()
