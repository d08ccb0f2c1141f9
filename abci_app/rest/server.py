"""The HTTP side of the REST gateway: a small stdlib server with bounded resources.

- `worker_threads` threads serve requests; at most `max_pending` more connections wait for one;
  beyond that a connection gets 503 at once (no unbounded thread or queue growth).
- One request per connection (HTTP/1.0 semantics, `Connection: close`): an idle keep-alive client
  cannot hold a worker. Each socket read/write times out after `SOCKET_TIMEOUT` seconds.
- POST bodies need a Content-Length of at most `MAX_BODY_BYTES` (413 otherwise).
- CORS: any origin may call it (wallet web apps such as Keplr's run in browsers), preflight included.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

from abci_app.rest.gateway import HEIGHT_HEADER, Gateway, build_routes

log = logging.getLogger("sprint.rest")

DEFAULT_WORKER_THREADS = 8
MAX_PENDING = 32
MAX_BODY_BYTES = 4 * 1024 * 1024  # a max-size tx (1 MiB) in base64 inside JSON, with room
SOCKET_TIMEOUT = 10.0
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": f"Content-Type, Accept, Authorization, {HEIGHT_HEADER}",
    "Access-Control-Expose-Headers": HEIGHT_HEADER,
    "Access-Control-Max-Age": "600",
}


class RestBindError(RuntimeError):
    """The gateway cannot listen on its address."""


class _Handler(BaseHTTPRequestHandler):
    server_version = "sprintd-rest"
    timeout = SOCKET_TIMEOUT

    def do_GET(self):
        self._serve(b"")

    def do_POST(self):
        length = self.headers.get("Content-Length")
        if length is None or not length.strip().isdigit():
            return self._send(411, {}, _error(3, "POST needs a Content-Length header"))
        if int(length) > MAX_BODY_BYTES:
            return self._send(413, {}, _error(8, f"request body over {MAX_BODY_BYTES} bytes"))
        self._serve(self.rfile.read(int(length)))

    def do_OPTIONS(self):
        self._send(204, {}, None)

    def _serve(self, body: bytes):
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=False)
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, payload = self.server.gateway.handle(self.command, url.path.rstrip("/") or "/", params,
                                                            headers, body)
        self._send(status, extra, payload)

    def _send(self, status: int, extra: dict, payload):
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        for key, value in {**CORS_HEADERS, **extra}.items():
            self.send_header(key, value)
        if HEIGHT_HEADER in extra:
            self.send_header("Grpc-Metadata-X-Cosmos-Block-Height", extra[HEIGHT_HEADER])
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, fmt, *args):  # access log at debug level, not stderr
        log.debug("rest %s %s", self.address_string(), fmt % args)


class RestServer(HTTPServer):
    """HTTPServer whose requests run in a bounded pool (see the module docstring)."""

    def __init__(self, address: tuple[str, int], gateway: Gateway, worker_threads: int = DEFAULT_WORKER_THREADS,
                 max_pending: int = MAX_PENDING):
        self.gateway = gateway
        self.pool = ThreadPoolExecutor(max_workers=worker_threads, thread_name_prefix="rest")
        self._slots = threading.BoundedSemaphore(worker_threads + max_pending)
        self._thread: threading.Thread | None = None
        super().__init__(address, _Handler)

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host}:{port}"

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            _refuse(request)
            self.shutdown_request(request)
            return
        try:
            self.pool.submit(self._work, request, client_address)
        except RuntimeError:  # pool shut down
            self._slots.release()
            self.shutdown_request(request)

    def _work(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - a broken client connection
            log.debug("rest connection from %s failed", client_address, exc_info=True)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def start(self) -> None:
        """Serve in a background thread (returns at once)."""
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="rest-accept", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop accepting, let running requests finish (bounded by the socket timeout), close."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout)
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.server_close()


def _refuse(request) -> None:
    try:
        request.settimeout(1.0)
        body = json.dumps(_error(8, "too many concurrent requests, retry")).encode()
        head = (f"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\n\r\n")
        request.sendall(head.encode() + body)
    except OSError:
        pass


def _error(code: int, message: str) -> dict:
    return {"code": code, "message": message, "details": []}


def build_rest_server(app, address: str, servicers: dict | None = None,
                      worker_threads: int = DEFAULT_WORKER_THREADS) -> RestServer:
    """A bound (not started) gateway on `address` ("host:port"; port 0 picks a free one).

    `servicers` maps a gRPC service name to the servicers answering it (abci_app.rest.launch
    passes the node's: its TxService, ConsensusQuery and TendermintService)."""
    gateway = Gateway(build_routes(app, servicers or {}))
    host, _, port = address.split("://", 1)[-1].rpartition(":")
    if not host or not port.isdigit():
        raise RestBindError(f"invalid rest_address {address!r}: expected host:port")
    try:
        return RestServer((host, int(port)), gateway, worker_threads)
    except OSError as err:
        raise RestBindError(f"cannot listen for REST on {address}: {err.strerror or err}") from err
