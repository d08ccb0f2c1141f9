"""ABCI 2.0 socket server for CometBFT v0.38.

Wire format: each `tendermint.abci.Request` / `Response` is prefixed by its length as an *unsigned*
varint. CometBFT opens four connections (query, snapshot, mempool, consensus); each is answered
strictly in order, and buffered responses are flushed when a `Flush` request arrives. All
connections share one asyncio loop, and the App serialises state access with its own lock.

Test-only fault points (abci_app/faults.py, off unless enabled by environment variables) can hold
a FinalizeBlock response so a test can kill CometBFT between FinalizeBlock and Commit.
"""

from __future__ import annotations

import asyncio
import logging
import time

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci

from abci_app import faults as fault_points

log = logging.getLogger("sprint.abci")

MAX_MESSAGE_BYTES = 64 * 1024 * 1024


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(buffer: bytes | bytearray, offset: int) -> tuple[int, int] | None:
    """(value, new offset) or None when the buffer ends mid-varint."""
    value, shift = 0, 0
    while offset < len(buffer):
        byte = buffer[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")
    return None


def frame(message) -> bytes:
    body = message.SerializeToString()
    return encode_varint(len(body)) + body


class Dispatcher:
    """Maps each Request variant to the App method and wraps the answer in a Response."""

    def __init__(self, app, faults: fault_points.Faults | None = None, metrics=None):
        self.app = app
        self.metrics = metrics  # abci_app.metrics.AbciMetrics or None
        self.faults = fault_points.from_env() if faults is None else faults
        self.handlers = {
            "info": app.info,
            "init_chain": app.init_chain,
            "query": app.query,
            "check_tx": app.check_tx,
            "prepare_proposal": app.prepare_proposal,
            "process_proposal": app.process_proposal,
            "finalize_block": app.finalize_block,
            "commit": app.commit,
        }

    def dispatch(self, request: abci.Request) -> abci.Response:
        kind = request.WhichOneof("value")
        if kind == "echo":
            return abci.Response(echo=abci.ResponseEcho(message=request.echo.message))
        if kind == "flush":
            return abci.Response(flush=abci.ResponseFlush())
        handler = self.handlers.get(kind)
        try:
            if handler is not None:
                return abci.Response(**{kind: self._call(kind, handler, getattr(request, kind))})
            return abci.Response(**{kind: _unsupported_default(kind)})
        except Exception as err:  # noqa: BLE001
            if kind in ("check_tx", "query"):
                log.exception("abci %s failed", kind)
                return abci.Response(**{kind: _error_answer(kind, err)})
            # A consensus-path failure means this node cannot follow the chain safely: CometBFT
            # stops on ResponseException, which is what we want instead of diverging.
            log.exception("abci %s failed; reporting exception to CometBFT", kind)
            return abci.Response(exception=abci.ResponseException(error=f"{kind}: {err}"))

    def _call(self, kind: str, handler, request):
        """`handler(request)`, timed for the metrics when they are on."""
        if self.metrics is None:
            return handler(request)
        started = time.perf_counter()
        answer = handler(request)
        try:
            self.metrics.observe(kind, request, answer, time.perf_counter() - started)
        except Exception:  # noqa: BLE001 - a metrics bug must never become a consensus failure
            log.exception("metrics: observing abci %s failed", kind)
        return answer

    def hold_seconds(self, request: abci.Request, response: abci.Response) -> float:
        """How long to hold `response` before answering (a fault point; 0 when none is enabled)."""
        if not self.faults.enabled or response.WhichOneof("value") != "finalize_block":
            return 0.0
        return self.faults.finalize_hold(request.finalize_block.height)


def _unsupported_default(kind: str):
    """Answers for features this app does not offer (state sync, vote extensions)."""
    defaults = {
        "list_snapshots": abci.ResponseListSnapshots(),
        "offer_snapshot": abci.ResponseOfferSnapshot(result=abci.ResponseOfferSnapshot.REJECT),
        "load_snapshot_chunk": abci.ResponseLoadSnapshotChunk(),
        "apply_snapshot_chunk": abci.ResponseApplySnapshotChunk(result=abci.ResponseApplySnapshotChunk.ABORT),
        "extend_vote": abci.ResponseExtendVote(),
        "verify_vote_extension": abci.ResponseVerifyVoteExtension(status=abci.ResponseVerifyVoteExtension.ACCEPT),
    }
    return defaults[kind]


def _error_answer(kind: str, err: Exception):
    if kind == "check_tx":
        return abci.ResponseCheckTx(code=1, codespace="sdk", log=f"internal error: {type(err).__name__}")
    return abci.ResponseQuery(code=1, codespace="sdk", log=f"internal error: {type(err).__name__}")


class AbciServer:
    """Accepts CometBFT's connections on host:port and serves them until `stop()`."""

    def __init__(self, app, host: str, port: int, metrics=None):
        self.dispatcher = Dispatcher(app, metrics=metrics)
        self.host, self.port = host, port
        self._server: asyncio.base_events.Server | None = None
        self.connections = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve_connection, self.host, self.port, limit=2**20)
        log.info("abci listening addr=%s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        peer = writer.get_extra_info("peername")
        log.info("abci connection opened peer=%s", peer)
        buffer, offset = bytearray(), 0
        try:
            while True:
                chunk = await reader.read(1 << 16)
                if not chunk:
                    break
                buffer += chunk
                offset = await self._drain_requests(buffer, offset, writer)
                if offset:
                    del buffer[:offset]
                    offset = 0
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # the node is shutting down; CometBFT will reconnect to the next run
        except ValueError as err:
            log.error("abci protocol error peer=%s: %s", peer, err)
        finally:
            log.info("abci connection closed peer=%s", peer)
            writer.close()

    async def _drain_requests(self, buffer: bytearray, offset: int, writer: asyncio.StreamWriter) -> int:
        """Answer every complete request in buffer[offset:]; return the offset of the first incomplete one."""
        while True:
            header = decode_varint(buffer, offset)
            if header is None:
                return offset
            length, start = header
            if length > MAX_MESSAGE_BYTES:
                raise ValueError(f"message of {length} bytes exceeds limit")
            if len(buffer) < start + length:
                return offset
            request = abci.Request.FromString(bytes(buffer[start:start + length]))
            offset = start + length
            response = self.dispatcher.dispatch(request)
            hold = self.dispatcher.hold_seconds(request, response)
            if hold:
                await asyncio.sleep(hold)  # other connections are served meanwhile
                if writer.is_closing():
                    raise ConnectionResetError("CometBFT went away during the fault hold")
            writer.write(frame(response))
            if request.WhichOneof("value") == "flush":
                await writer.drain()
