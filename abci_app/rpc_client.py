"""A small CometBFT JSON-RPC client (v0.38) over plain HTTP.

Used by the CLI and, server-side, by the gRPC `BroadcastTx` handler, so it is thread-safe: every
thread keeps its own persistent keep-alive `http.client` connection (connections are never shared
between threads), and every request has a bounded timeout.

CometBFT's JSON codec encodes int/int64 values as JSON strings, so heights and page numbers are sent
as strings and come back as strings; callers convert what they need. `broadcast_tx_*` results keep
CometBFT's shape: {"code": int, "data": str, "log": str, "codespace": str, "hash": "HEX"}.

Errors:
- `RpcUnavailable`: the RPC endpoint cannot be reached, or did not answer in time (subclass
  `RpcTimeout`), or answered something that is not JSON-RPC (wrong port?).
- `RpcError`: CometBFT answered with a JSON-RPC error object (e.g. "tx already exists in cache",
  "height 99 must be less than or equal to the current blockchain height 12").
"""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import socket
import threading
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 10.0
VALIDATORS_PER_PAGE = 100  # CometBFT's maximum page size
_MAX_VALIDATOR_PAGES = 1000  # bound on the pagination loop (100k validators)

# A reused keep-alive connection that the server has closed in the meantime shows up as one of these
# on the first request; such a request is retried once on a fresh connection.
_STALE_CONNECTION_ERRORS = (
    http.client.RemoteDisconnected,
    http.client.BadStatusLine,
    BrokenPipeError,
    ConnectionResetError,
    ConnectionAbortedError,
)


class RpcUnavailable(Exception):
    """CometBFT's RPC endpoint cannot be reached (or does not speak JSON-RPC)."""


class RpcTimeout(RpcUnavailable):
    """CometBFT's RPC endpoint did not answer within the timeout."""


class RpcError(Exception):
    """CometBFT answered a JSON-RPC error object."""

    def __init__(self, method: str, code: int, message: str, data: str = ""):
        self.method = method
        self.code = code
        self.message = message
        self.data = data
        # CometBFT puts the useful part in `data` ("tx already exists in cache") and a generic
        # one in `message` ("Internal error").
        detail = f"{data} ({message})" if data and data != message else message
        super().__init__(f"CometBFT RPC {method} failed: {detail}")


def normalize_rpc_url(url: str) -> tuple[str, str, int, str]:
    """Split an RPC address into (scheme, host, port, base_path).

    Accepts "http://host:port", "https://host:port/prefix", CometBFT's "tcp://host:port" laddr
    form and a bare "host:port".
    """
    text = (url or "").strip()
    if not text:
        raise ValueError("empty CometBFT RPC URL")
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        scheme = "http"
    if scheme not in ("http", "https"):
        raise ValueError(f"unsupported CometBFT RPC URL {url!r}: use http://host:port")
    host = parts.hostname
    if not host:
        raise ValueError(f"invalid CometBFT RPC URL {url!r}: no host")
    try:
        port = parts.port
    except ValueError as err:
        raise ValueError(f"invalid CometBFT RPC URL {url!r}: {err}") from None
    if port is None:
        port = 443 if scheme == "https" else 26657
    if host == "0.0.0.0":  # a listen address; connect locally
        host = "127.0.0.1"
    base_path = parts.path.rstrip("/")
    return scheme, host, port, base_path


class CometRpc:
    """Minimal, thread-safe CometBFT JSON-RPC client.

    `url` like "http://127.0.0.1:26657"; `timeout` bounds connecting and each response read.
    """

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT):
        self._scheme, self._host, self._port, self._base_path = normalize_rpc_url(url)
        self.url = f"{self._scheme}://{self._host}:{self._port}{self._base_path}"
        self.timeout = float(timeout)
        self._local = threading.local()
        self._ids = itertools.count(1)
        self._ids_lock = threading.Lock()
        self._all_conns: list[http.client.HTTPConnection] = []
        self._all_lock = threading.Lock()

    # ------------------------------------------------------------------ transport

    def _new_connection(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=self.timeout)
        with self._all_lock:
            self._all_conns.append(conn)
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        self._local.used = False
        if conn is not None:
            conn.close()
            with self._all_lock:
                try:
                    self._all_conns.remove(conn)
                except ValueError:
                    pass

    def _next_id(self) -> int:
        with self._ids_lock:
            return next(self._ids)

    def _post(self, body: bytes) -> tuple[int, bytes]:
        """POST one body on this thread's connection; retry once if a reused one was stale."""
        for attempt in (0, 1):
            conn = getattr(self._local, "conn", None)
            if conn is None:
                conn = self._new_connection()
                self._local.conn = conn
                self._local.used = False
            reused = bool(getattr(self._local, "used", False))
            try:
                conn.request(
                    "POST", self._base_path + "/", body=body,
                    headers={"Content-Type": "application/json", "Connection": "keep-alive"},
                )
                response = conn.getresponse()
                data = response.read()
            except _STALE_CONNECTION_ERRORS:
                self._drop_connection()
                if reused and attempt == 0:
                    continue
                raise
            except BaseException:
                self._drop_connection()
                raise
            if response.will_close:
                self._drop_connection()
            else:
                self._local.used = True
            return response.status, data
        raise AssertionError("unreachable")  # pragma: no cover

    def call(self, method: str, **params) -> dict | list:
        """Call one JSON-RPC method; return its `result`. Params with value None are omitted."""
        payload = {
            "jsonrpc": "2.0",
            "id": self._next_id(),
            "method": method,
            "params": {k: v for k, v in params.items() if v is not None},
        }
        body = json.dumps(payload).encode()
        try:
            status, data = self._post(body)
        except (socket.timeout, TimeoutError):
            raise RpcTimeout(
                f"CometBFT RPC at {self.url} did not answer {method} within {self.timeout:g}s"
            ) from None
        except (OSError, http.client.HTTPException) as err:
            reason = str(err) or type(err).__name__
            raise RpcUnavailable(
                f"cannot reach CometBFT RPC at {self.url}: {reason} (is cometbft running?)"
            ) from None
        try:
            reply = json.loads(data)
        except ValueError:
            snippet = data[:120].decode("utf-8", "replace").replace("\n", " ")
            raise RpcUnavailable(
                f"CometBFT RPC at {self.url} answered HTTP {status} with non-JSON ({snippet!r}); "
                "is this the CometBFT RPC port?"
            ) from None
        if not isinstance(reply, dict):
            raise RpcUnavailable(f"CometBFT RPC at {self.url} answered an unexpected {type(reply).__name__}")
        error = reply.get("error")
        if error:
            if isinstance(error, dict):
                raise RpcError(method, int(error.get("code", 0) or 0), str(error.get("message", "")),
                               str(error.get("data", "") or ""))
            raise RpcError(method, 0, str(error))
        if "result" not in reply:
            raise RpcUnavailable(f"CometBFT RPC at {self.url} answered HTTP {status} without a result")
        return reply["result"]

    def close(self) -> None:
        """Close every connection opened by any thread (safe to call more than once)."""
        with self._all_lock:
            conns, self._all_conns = self._all_conns, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> "CometRpc":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"CometRpc({self.url!r})"

    # ------------------------------------------------------------------ methods

    def status(self) -> dict:
        """`/status`: node_info, sync_info (latest_block_height as a string, catching_up), validator_info."""
        return self.call("status")

    def health(self) -> dict:
        return self.call("health")

    def abci_info(self) -> dict:
        """`/abci_info`: {"response": {"data", "version", "last_block_height", "last_block_app_hash"}}."""
        return self.call("abci_info")

    def net_info(self) -> dict:
        """`/net_info`: {"listening", "listeners", "n_peers", "peers"}."""
        return self.call("net_info")

    def block(self, height: int | None = None) -> dict:
        """`/block`: {"block_id", "block"}; the latest block when height is None."""
        return self.call("block", height=_height(height))

    def validators(self, height: int | None = None) -> list[dict]:
        """All validators at `height` (latest when None), following CometBFT's pagination.

        Each item: {"address", "pub_key": {"type", "value"}, "voting_power", "proposer_priority"}.
        """
        return self.validator_set(height)[1]

    def validator_set(self, height: int | None = None) -> tuple[int, list[dict]]:
        """(block height, all validators) at `height` (latest when None); see `validators`."""
        out: list[dict] = []
        query_height = _height(height)
        for page in range(1, _MAX_VALIDATOR_PAGES + 1):
            result = self.call("validators", height=query_height, page=str(page),
                               per_page=str(VALIDATORS_PER_PAGE))
            batch = result.get("validators") or []
            out.extend(batch)
            # Pin the height after the first page so all pages describe the same set.
            query_height = query_height or result.get("block_height")
            total = int(result.get("total", len(out)) or 0)
            if not batch or len(out) >= total:
                break
        return int(query_height or 0), out

    def tx_search(self, query: str, page: int = 1, per_page: int = 100, order_by: str = "asc") -> dict:
        """`/tx_search` (CometBFT's tx indexer): {"txs": [{"hash", "height", "index", "tx_result", "tx"}],
        "total_count"}; `query` in CometBFT's syntax, e.g. "message.sender='sprint1…' AND tx.height>5"."""
        return self.call("tx_search", query=query, page=str(page), per_page=str(per_page), order_by=order_by,
                         prove=False)

    def broadcast_tx_sync(self, tx_bytes: bytes) -> dict:
        """Submit a tx and wait for CheckTx: {"code", "data", "log", "codespace", "hash"}."""
        return _broadcast_result(self.call("broadcast_tx_sync", tx=_b64(tx_bytes)))

    def broadcast_tx_async(self, tx_bytes: bytes) -> dict:
        """Submit a tx without waiting for CheckTx: {"code": 0, ..., "hash"}."""
        return _broadcast_result(self.call("broadcast_tx_async", tx=_b64(tx_bytes)))


def _b64(tx_bytes: bytes) -> str:
    if not isinstance(tx_bytes, (bytes, bytearray, memoryview)):
        raise TypeError("tx_bytes must be bytes")
    return base64.b64encode(bytes(tx_bytes)).decode("ascii")


def _height(height: int | None) -> str | None:
    if height is None:
        return None
    height = int(height)
    if height <= 0:
        raise ValueError(f"height must be positive, got {height}")
    return str(height)


def _broadcast_result(result: dict) -> dict:
    """Normalise types: code as int, the rest as strings (CometBFT already does; be tolerant)."""
    out = dict(result)
    out["code"] = int(out.get("code", 0) or 0)
    for key in ("data", "log", "codespace", "hash"):
        out[key] = out.get(key) or ""
    return out
