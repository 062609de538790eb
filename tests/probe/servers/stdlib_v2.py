"""A small V2 (Open Inference Protocol) server written with the standard library.

Used where no real server can show the behaviour on demand: a server that answers 500 then
200, one that hangs, one behind TLS with a self-signed certificate, one that checks a bearer
token; and as the benchmark's fast local endpoint. It serves the ``linear`` models.
Run: ``python stdlib_v2.py PORT`` (or import :func:`serve`).
"""

from __future__ import annotations

import json
import ssl
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import linear


class Behaviour:
    def __init__(self) -> None:
        self.fail_first = 0  # answer 500 to the first N requests of each path
        self.status_first: int = 500
        self.hang = False
        self.token: str | None = None
        self.seen: Counter[str] = Counter()
        self.release = threading.Event()
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server: V2Server

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, payload: dict | None) -> None:
        b = self.server.behaviour
        with b.lock:
            b.seen[self.path] += 1
            n = b.seen[self.path]
        if b.hang:
            b.release.wait(120)
            return
        if b.token is not None and self.headers.get("Authorization") != f"Bearer {b.token}":
            self._send(401, {"error": "unauthorized"})
            return
        if n <= b.fail_first:
            self._send(b.status_first, {"error": "try again"})
            return
        parts = self.path.strip("/").split("/")
        if self.path == "/v2/health/ready" or self.path == "/v2/health/live":
            self._send(200, {"ready": True})
        elif len(parts) >= 3 and parts[:2] == ["v2", "models"] and parts[2] in linear.WEIGHTS:
            model = parts[2]
            if parts[3:] == ["ready"]:
                self._send(200, {"name": model, "ready": True})
            elif parts[3:] == []:
                self._send(
                    200,
                    {
                        "name": model,
                        "platform": "stdlib",
                        "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 4]}],
                        "outputs": [{"name": "y", "datatype": "FP64", "shape": [-1]}],
                    },
                )
            elif parts[3:] == ["infer"] and payload is not None:
                tensor = payload["inputs"][0]
                rows, cols = tensor["shape"]
                flat = tensor["data"]
                x = [flat[i * cols : (i + 1) * cols] for i in range(rows)]
                y = linear.predict(model, x)
                self._send(
                    200,
                    {
                        "model_name": model,
                        "outputs": [{"name": "y", "datatype": "FP64", "shape": [rows], "data": y}],
                    },
                )
            else:
                self._send(404, {"error": "not found"})
        else:
            self._send(404, {"error": f"unknown model or path {self.path}"})

    def do_GET(self) -> None:
        self._handle(None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        self._handle(json.loads(raw))


class V2Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients closing keep-alive connections (wrk at its end) are not errors here

    def __init__(
        self, port: int = 0, behaviour: Behaviour | None = None, tls: tuple[str, str] | None = None
    ) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.behaviour = behaviour or Behaviour()
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.socket = ctx.wrap_socket(self.socket, server_side=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def serve(behaviour: Behaviour | None = None, tls: tuple[str, str] | None = None) -> V2Server:
    """Start in a daemon thread; stop with ``server.shutdown(); server.behaviour.release.set()``."""
    server = V2Server(0, behaviour, tls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    V2Server(int(sys.argv[1])).serve_forever()
