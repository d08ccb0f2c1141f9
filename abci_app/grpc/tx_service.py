"""cosmos.tx.v1beta1.Service: Simulate, BroadcastTx (forwarded to CometBFT) and GetTx (tx index)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading

import cosmpy.protos  # noqa: F401
import grpc
from cosmos.base.abci.v1beta1 import abci_pb2 as sdk_abci
from cosmos.tx.v1beta1 import service_pb2, service_pb2_grpc
from cosmos.tx.v1beta1.tx_pb2 import Tx, TxRaw
from tendermint.abci import types_pb2 as abci

from google.protobuf.message import DecodeError

from abci_app.grpc import tx_search
from abci_app.grpc.status import abort
from abci_app.rpc_client import RpcError, RpcUnavailable
from chain.query import QueryError
from chain.tx.builder import pack_any

log = logging.getLogger("sprint.grpc")

ERR_TX_IN_MEMPOOL_CACHE = 19
ERR_MEMPOOL_FULL = 20
DEFAULT_MAX_SIMULATIONS = 2


class TxService(service_pb2_grpc.ServiceServicer):
    """Sync servicer (runs in the server's bounded thread pool). At most `max_simulations`
    Simulate calls run at once; more are refused rather than queued, so a flood of simulations
    cannot occupy every request thread."""

    def __init__(self, app, rpc, max_simulations: int = DEFAULT_MAX_SIMULATIONS):
        self.app = app
        self.rpc = rpc
        self._simulations = threading.BoundedSemaphore(max_simulations)
        self.simulations_refused = 0  # a metric

    def Simulate(self, request, context):
        tx_bytes = request.tx_bytes or (request.tx.SerializeToString() if request.HasField("tx") else b"")
        if not tx_bytes:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, "empty tx: set tx_bytes")
        if not self._simulations.acquire(blocking=False):
            self.simulations_refused += 1
            abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED, "too many concurrent simulations, retry")
        try:
            outcome = self.app.simulate(tx_bytes)
        finally:
            self._simulations.release()
        if not outcome.ok:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"{outcome.log} [code {outcome.code}]")
        return service_pb2.SimulateResponse(
            gas_info=sdk_abci.GasInfo(gas_wanted=outcome.gas_wanted, gas_used=outcome.gas_used),
            result=sdk_abci.Result(data=outcome.data, events=_sdk_events(outcome.events),
                                   msg_responses=outcome.msg_responses),
        )

    def BroadcastTx(self, request, context):
        if not request.tx_bytes:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, "empty tx_bytes")
        modes = {service_pb2.BROADCAST_MODE_SYNC: self.rpc.broadcast_tx_sync,
                 service_pb2.BROADCAST_MODE_ASYNC: self.rpc.broadcast_tx_async}
        send = modes.get(request.mode)
        if send is None:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, "unsupported broadcast mode: use SYNC or ASYNC")
        # No app lock is held here: CometBFT calls back into CheckTx before answering.
        try:
            result = send(request.tx_bytes)
        except RpcError as err:
            return service_pb2.BroadcastTxResponse(tx_response=_rpc_error_response(request.tx_bytes, err))
        except RpcUnavailable as err:
            abort(context, grpc.StatusCode.UNAVAILABLE, str(err))
        return service_pb2.BroadcastTxResponse(tx_response=sdk_abci.TxResponse(
            txhash=result["hash"], code=result["code"], codespace=result["codespace"], raw_log=result["log"],
            data=result["data"],
        ))

    def GetTx(self, request, context):
        try:
            tx_hash = bytes.fromhex(request.hash)
        except ValueError:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"invalid tx hash {request.hash!r}: expected hex")
        if len(tx_hash) != 32:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, "invalid tx hash: expected 32 bytes (64 hex chars)")
        found = self.app.get_tx(tx_hash)
        if found is None:
            abort(context, grpc.StatusCode.NOT_FOUND, f"tx not found: {request.hash.upper()}")
        tx_result, block_time = found
        tx = decoded_tx(tx_result.tx)
        return service_pb2.GetTxResponse(tx=tx, tx_response=tx_response(tx_result, tx, block_time))

    def TxDecode(self, request, context):
        """TxRaw bytes -> Tx."""
        try:
            return service_pb2.TxDecodeResponse(tx=decoded_tx(request.tx_bytes))
        except (DecodeError, RuntimeError, ValueError) as err:
            abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"cannot decode tx: {err}")

    def TxEncode(self, request, context):
        """Tx -> TxRaw bytes (body and auth info serialized as given)."""
        tx = request.tx
        return service_pb2.TxEncodeResponse(tx_bytes=TxRaw(
            body_bytes=tx.body.SerializeToString(), auth_info_bytes=tx.auth_info.SerializeToString(),
            signatures=tx.signatures).SerializeToString())

    def GetTxsEvent(self, request, context):
        """Txs matching a CometBFT query (or the SDK's `events` list), from CometBFT's tx indexer."""
        return tx_search.get_txs_event(self.app, self.rpc, request, context, _tx_and_response)

    def GetBlockWithTxs(self, request, context):
        """A block (CometBFT's) with its txs decoded."""
        return tx_search.get_block_with_txs(self.rpc, request, context, decoded_tx)


def _tx_and_response(tx_result, block_time):
    tx = decoded_tx(tx_result.tx)
    return tx, tx_response(tx_result, tx, block_time)


def decoded_tx(raw: bytes) -> Tx:
    tx_raw = TxRaw.FromString(raw)
    tx = Tx(signatures=tx_raw.signatures)
    tx.body.ParseFromString(tx_raw.body_bytes)
    tx.auth_info.ParseFromString(tx_raw.auth_info_bytes)
    return tx


def tx_response(tx_result, tx: Tx, block_time: int | None) -> sdk_abci.TxResponse:
    """The SDK's TxResponse for an executed tx: `data` is the upper-case hex of ExecTxResult.data (a
    TxMsgData); `timestamp` the block time, empty when unknown."""
    result = tx_result.result
    timestamp = "" if block_time is None else datetime.datetime.fromtimestamp(
        block_time, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return sdk_abci.TxResponse(
        height=tx_result.height, txhash=hashlib.sha256(tx_result.tx).hexdigest().upper(),
        data=result.data.hex().upper(), info=result.info,
        codespace=result.codespace, code=result.code, raw_log=result.log, gas_wanted=result.gas_wanted,
        gas_used=result.gas_used, events=result.events, tx=pack_any(tx, "/cosmos.tx.v1beta1.Tx"),
        timestamp=timestamp,
    )


def _sdk_events(events):
    return [abci.Event(type=e.type, attributes=[abci.EventAttribute(key=k, value=v, index=True)
                                                for k, v in e.attributes]) for e in events]


def _rpc_error_response(tx_bytes: bytes, err: RpcError) -> sdk_abci.TxResponse:
    text = f"{err.data} {err.message}".lower()
    code = ERR_TX_IN_MEMPOOL_CACHE if "already exists in cache" in text else (
        ERR_MEMPOOL_FULL if "mempool is full" in text else 1)
    return sdk_abci.TxResponse(
        txhash=hashlib.sha256(tx_bytes).hexdigest().upper(), code=code, codespace="sdk",
        raw_log=err.data or err.message,
    )


# ---- the tx service behind ABCI Query (CosmJS sends Simulate and GetTx through abci_query) --------

class QueryContext:
    """The servicer context of a tx service method run for ABCI Query: `abort` raises QueryError
    (NOT_FOUND -> not_found, any other status -> invalid_argument), which App.query reports SDK-style."""

    def abort(self, code, details: str = "", trailing_metadata=()):
        status = "not_found" if code == grpc.StatusCode.NOT_FOUND else "invalid_argument"
        raise QueryError(status, details)

    def invocation_metadata(self):
        return ()

    def set_trailing_metadata(self, metadata) -> None:
        pass


def _abci_query(method, request_class):
    def handle(data: bytes, height: int) -> bytes:
        try:
            request = request_class.FromString(data)
        except (DecodeError, RuntimeError, ValueError) as err:
            raise QueryError("invalid_argument", f"cannot decode {request_class.__name__}: {err}") from err
        return method(request, QueryContext()).SerializeToString()

    return handle


def tx_node_queries(service: TxService) -> dict:
    """ABCI query path -> fn(request bytes, height) for `App.node_queries`: the tx service's methods
    that read only this process (Simulate, GetTx). BroadcastTx is left out: it waits on CometBFT,
    which must not happen inside an ABCI call."""
    return {
        "/cosmos.tx.v1beta1.Service/Simulate": _abci_query(service.Simulate, service_pb2.SimulateRequest),
        "/cosmos.tx.v1beta1.Service/GetTx": _abci_query(service.GetTx, service_pb2.GetTxRequest),
    }
