"""A tiny blocking ABCI socket client and an in-thread server runner, for tests.

Messages are `tendermint.abci.Request` / `Response` framed by an unsigned-varint length, as CometBFT
v0.38 speaks them.
"""

from __future__ import annotations

import asyncio
import socket
import threading

import cosmpy.protos  # noqa: F401
from tendermint.abci import types_pb2 as abci

from abci_app.abci_server import AbciServer
from abci_app.ports import free_port


def uvarint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def frame(request: abci.Request) -> bytes:
    body = request.SerializeToString()
    return uvarint(len(body)) + body



class AbciClient:
    """One connection. `send` writes raw bytes; `recv` reads exactly one framed Response."""

    def __init__(self, host: str, port: int, timeout: float = 10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self._buffer = bytearray()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_requests(self, *requests: abci.Request) -> None:
        self.send(b"".join(frame(r) for r in requests))

    def _read_more(self) -> None:
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self._buffer += chunk

    def recv(self) -> abci.Response:
        while True:
            value, shift, offset = 0, 0, 0
            complete = False
            while offset < len(self._buffer):
                byte = self._buffer[offset]
                offset += 1
                value |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    complete = True
                    break
            if complete and len(self._buffer) >= offset + value:
                body = bytes(self._buffer[offset:offset + value])
                del self._buffer[:offset + value]
                return abci.Response.FromString(body)
            self._read_more()

    def call(self, request: abci.Request) -> abci.Response:
        """Send one request plus a Flush; return the request's answer (the Flush answer is consumed)."""
        self.send_requests(request, abci.Request(flush=abci.RequestFlush()))
        answer = self.recv()
        flushed = self.recv()
        assert flushed.WhichOneof("value") == "flush", flushed
        return answer

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "AbciClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ServerThread:
    """Runs `AbciServer(app, host, port)` on an asyncio loop in a daemon thread."""

    def __init__(self, app, host: str = "127.0.0.1", port: int | None = None):
        self.host, self.port = host, port or free_port()
        self.server = AbciServer(app, self.host, self.port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="abci-test-server", daemon=True)

    def start(self) -> "ServerThread":
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(timeout=10)
        return self

    def stop(self) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
            self.loop.close()

    def client(self) -> AbciClient:
        return AbciClient(self.host, self.port)

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
