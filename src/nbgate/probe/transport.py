"""HTTP for probes: per-request timeouts inside a deadline, safe retries, classified failures.

Retried (with doubling back-off): connection errors and HTTP 5xx/429 — a request that never
reached the model or that the server asked us to repeat. Never retried: timeouts of a sent
request (the server may be stuck), TLS failures and 401/403 (a retry cannot fix them).
"""

from __future__ import annotations

import ssl
import time
from typing import Any

import httpx

from nbgate.outcomes import Outcome
from nbgate.probe.endpoint import Endpoint
from nbgate.probe.secrets import Headers, auth_headers, scrub

__all__ = ["Deadline", "ProbeFailure", "Transport", "ssl_context"]


class ProbeFailure(Exception):
    """A check could not pass; ``kind`` says why (connection, timeout, tls, auth, http, ...)."""

    def __init__(
        self, outcome: Outcome, kind: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(" ".join(message.split()))
        self.outcome = outcome
        self.kind = kind
        self.details = details or {}

    @property
    def message(self) -> str:
        return str(self)


class Deadline:
    """The step's deadline (monotonic); ``None`` means none."""

    def __init__(self, seconds: float | None) -> None:
        self.end = None if seconds is None else time.monotonic() + seconds
        self.seconds = seconds

    def remaining(self) -> float | None:
        return None if self.end is None else self.end - time.monotonic()

    def cap(self, timeout: float) -> float:
        left = self.remaining()
        if left is None:
            return timeout
        if left <= 0:
            raise ProbeFailure(
                Outcome.TRANSIENT_ERROR, "deadline", f"probe deadline of {self.seconds:g}s reached"
            )
        return min(timeout, left)


def ssl_context(endpoint: Endpoint) -> ssl.SSLContext | bool:
    tls = endpoint.tls
    if not tls.verify:
        return False
    try:
        ctx = ssl.create_default_context(cafile=tls.ca_bundle)
        if tls.client_cert:
            ctx.load_cert_chain(tls.client_cert, tls.client_key)
    except (OSError, ssl.SSLError) as exc:
        from nbgate.errors import InputError

        raise InputError(f"endpoint {endpoint.name!r}: cannot load its TLS files: {exc}") from None
    return ctx


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    return "SSL" in text or "CERTIFICATE" in text.upper()


class Transport:
    """One endpoint's HTTP client. Every call re-reads the credentials."""

    def __init__(self, endpoint: Endpoint, base_url: str, deadline: Deadline) -> None:
        self.endpoint = endpoint
        self.base_url = base_url.rstrip("/")
        self.deadline = deadline
        self.last_headers = Headers()
        self._client = httpx.Client(verify=ssl_context(endpoint), follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def _fail(self, outcome: Outcome, kind: str, message: str) -> ProbeFailure:
        return ProbeFailure(outcome, kind, scrub(message, self.last_headers))

    def request(self, method: str, path: str, *, json: Any = None) -> httpx.Response:
        """The response (any status below 500 but 401/403/429), or a classified ProbeFailure."""
        ep = self.endpoint
        url = self.url(path)
        attempts = ep.retries.attempts
        delay = ep.retries.backoff
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            headers = auth_headers(ep.auth, ep.name)
            self.last_headers = headers
            timeout = self.deadline.cap(ep.timeout)
            try:
                response = self._client.request(
                    method, url, json=json, headers=dict(headers), timeout=timeout
                )
            except httpx.TimeoutException as exc:
                if isinstance(exc, httpx.ConnectTimeout) and not last:
                    self._sleep(delay)
                    delay *= 2
                    continue
                raise self._fail(
                    Outcome.TRANSIENT_ERROR,
                    "timeout",
                    f"{method} {url}: no answer within {timeout:.3g}s ({type(exc).__name__})",
                ) from None
            except httpx.TransportError as exc:
                if _is_tls_error(exc):
                    raise self._fail(
                        Outcome.INPUT_ERROR,
                        "tls",
                        f"{method} {url}: TLS failed ({exc}); check tls.caBundle / the server certificate",
                    ) from None
                if last:
                    raise self._fail(
                        Outcome.TRANSIENT_ERROR,
                        "connection",
                        f"{method} {url}: cannot connect after {attempts} tries ({exc})",
                    ) from None
                self._sleep(delay)
                delay *= 2
                continue
            status = response.status_code
            if status in (401, 403):
                raise self._fail(
                    Outcome.INPUT_ERROR,
                    "auth",
                    f"{method} {url}: HTTP {status}: credentials refused; check the endpoint's auth Secret",
                )
            if status >= 500 or status == 429:
                if last:
                    raise self._fail(
                        Outcome.TRANSIENT_ERROR,
                        "http",
                        f"{method} {url}: HTTP {status} after {attempts} tries: {_excerpt(response)}",
                    )
                self._sleep(_retry_after(response, delay))
                delay *= 2
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _sleep(self, seconds: float) -> None:
        left = self.deadline.remaining()
        time.sleep(max(0.0, seconds if left is None else min(seconds, left)))

    def json(self, method: str, path: str, *, json: Any = None, what: str = "request") -> Any:
        """The JSON of a 2xx response; a 4xx or non-JSON answer is a mismatch naming ``what``."""
        response = self.request(method, path, json=json)
        if response.status_code >= 400:
            raise self._fail(
                Outcome.MISMATCH,
                "http",
                f"{what}: {method} {self.url(path)} gave HTTP {response.status_code}: {_excerpt(response)}",
            )
        try:
            return response.json()
        except ValueError:
            raise self._fail(
                Outcome.MISMATCH, "response", f"{what}: answer is not JSON: {_excerpt(response)}"
            ) from None


def _excerpt(response: httpx.Response, limit: int = 200) -> str:
    text = " ".join(response.text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return min(float(response.headers.get("retry-after", default)), 5.0)
    except ValueError:
        return default
