"""A tiny Prometheus text endpoint for the node (GET /metrics)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def render(app, extra=None) -> str:
    """Prometheus text for `app`'s counters, plus the lines `extra()` returns (other components)."""
    stats = app.stats
    lines = [
        "# TYPE sprint_block_height gauge", f"sprint_block_height {app.height}",
        "# TYPE sprint_txs_committed_total counter", f"sprint_txs_committed_total {stats['txs_committed']}",
        "# TYPE sprint_txs_failed_total counter", f"sprint_txs_failed_total {stats['txs_failed']}",
        "# TYPE sprint_check_tx_total counter", f"sprint_check_tx_total {stats['check_tx']}",
        "# TYPE sprint_check_tx_rejected_total counter", f"sprint_check_tx_rejected_total {stats['check_tx_rejected']}",
    ]
    if extra is not None:
        lines.extend(extra())
    return "\n".join(lines) + "\n"


class MetricsServer:
    def __init__(self, app, address: str, extra=None):
        host, _, port = address.rpartition(":")
        app_ref = app

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path != "/metrics":
                    self.send_error(404, "try /metrics")
                    return
                body = render(app_ref, extra).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="metrics")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
