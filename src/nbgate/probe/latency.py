"""Latency mode: N requests at concurrency C; p50/p95/p99 and error rate against an SLO.

C asyncio workers, each with its own keep-alive connection, pull request numbers from a
counter, so the load is closed-loop (like wrk): the probe measures the server, not itself.
"""

from __future__ import annotations

import asyncio
import json
import math
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from nbgate.probe.endpoint import Endpoint, Slo
from nbgate.probe.secrets import auth_headers

__all__ = ["LatencyStats", "measure", "slo_problems"]


@dataclass
class LatencyStats:
    requests: int
    errors: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    first_error: str | None = None

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, q: float) -> float | None:
        """Nearest-rank percentile of the successful requests' latencies."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
        return ordered[rank]

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "errorRate": round(self.error_rate, 6),
            "seconds": round(self.seconds, 4),
            "requestsPerSecond": round(self.rate, 2),
            **{f"p{q}": self.percentile(q) for q in (50, 95, 99)},
        }


def slo_problems(stats: LatencyStats, slo: Slo) -> list[str]:
    problems = []
    for q, limit in ((50, slo.p50), (95, slo.p95), (99, slo.p99)):
        value = stats.percentile(q)
        if limit is not None and (value is None or value > limit):
            shown = "n/a" if value is None else f"{value * 1000:.1f}ms"
            problems.append(f"p{q} {shown} > SLO {limit * 1000:.1f}ms")
    if stats.error_rate > slo.error_rate:
        problems.append(f"error rate {stats.error_rate:.1%} > SLO {slo.error_rate:.1%}")
    return problems


class _Conn:
    """One keep-alive HTTP/1.1 connection, raw asyncio streams.

    Latency mode must not be the bottleneck of what it measures: a general HTTP client costs a
    few ms of CPU per request, which on a small machine caps the rate below the server's. This
    one sends a pre-built request and reads Content-Length or chunked answers, nothing more.
    """

    def __init__(self, host: str, port: int, ssl_ctx: Any) -> None:
        self.host, self.port, self.ssl = host, port, ssl_ctx
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.aborted = False

    def abort(self) -> None:
        """Time's up: drop the connection so the pending read fails at once."""
        self.aborted = True
        if self.writer is not None:
            self.writer.transport.abort()

    async def request(self, data: bytes, timeout: float) -> int:
        self.aborted = False
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection(
                    self.host, self.port, ssl=self.ssl, server_hostname=self.host if self.ssl else None
                ),
                timeout,
            )
        reader, writer = self.reader, self.writer
        assert reader is not None and writer is not None
        writer.write(data)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])  # "HTTP/1.1 200 OK"
        # Only three header fields matter; a lower-cased scan is cheaper than a full parse.
        lower = head.lower()
        if b"\r\ntransfer-encoding:" in lower and b"chunked" in lower:
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        elif (at := lower.find(b"\r\ncontent-length:")) >= 0:
            end = lower.index(b"\r\n", at + 2)
            await reader.readexactly(int(lower[at + 17 : end]))
        else:
            await reader.read()  # body ends with the connection
            self.close()
        if b"\r\nconnection: close" in lower:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _request_bytes(method: str, parts: Any, payload: bytes, headers: dict[str, str]) -> bytes:
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: keep-alive"]
    if method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


async def _run(
    ep: Endpoint, url: str, body: Any, *, requests: int, concurrency: int, verify: Any, budget: float | None
) -> LatencyStats:
    stats = LatencyStats(requests=0, errors=0, seconds=0.0)
    counter = iter(range(requests))
    stop_at = None if budget is None else time.perf_counter() + budget
    parts = urlsplit(url)
    tls: Any = None
    if parts.scheme == "https":
        tls = verify if isinstance(verify, ssl.SSLContext) else ssl.create_default_context()
        if verify is False:
            tls.check_hostname = False
            tls.verify_mode = ssl.CERT_NONE
    port = parts.port or (443 if tls else 80)
    method = "GET" if body is None else "POST"
    payload = b"" if body is None else json.dumps(body).encode()

    loop = asyncio.get_running_loop()
    fixed = _request_bytes(method, parts, payload, {}) if ep.auth is None else None

    async def worker() -> None:
        conn = _Conn(parts.hostname or "127.0.0.1", port, tls)
        try:
            for _ in counter:
                if stop_at is not None and time.perf_counter() > stop_at:
                    return
                # Credentials are re-read for every request, as everywhere in the probe.
                data = fixed or _request_bytes(method, parts, payload, dict(auth_headers(ep.auth, ep.name)))
                start = time.perf_counter()
                error = None
                # A timer that aborts the connection is far cheaper than wait_for's extra task.
                timer = loop.call_later(ep.timeout, conn.abort)
                try:
                    status = await conn.request(data, ep.timeout)
                    if status >= 400:
                        error = f"HTTP {status}"
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                    error = "timeout" if conn.aborted else type(exc).__name__
                    conn.close()
                except asyncio.TimeoutError:
                    error = "timeout"
                    conn.close()
                finally:
                    timer.cancel()
                stats.requests += 1
                if error is None:
                    stats.latencies.append(time.perf_counter() - start)
                else:
                    stats.errors += 1
                    stats.first_error = stats.first_error or error
        finally:
            conn.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    stats.seconds = time.perf_counter() - began
    return stats


def measure(
    ep: Endpoint,
    url: str,
    body: Any,
    *,
    requests: int,
    concurrency: int,
    verify: Any = True,
    budget: float | None = None,
) -> LatencyStats:
    """Send ``requests`` requests (POST ``body``, or GET when None), ``concurrency`` at a time."""
    return asyncio.run(
        _run(ep, url, body, requests=requests, concurrency=concurrency, verify=verify, budget=budget)
    )
