"""Credentials for an endpoint: read on every request, never shown.

The values come from env vars or mounted Secret files named in ``Endpoint.auth``; they are
re-read each time so a rotated Secret takes effect without restarting the probe. Anything
that could print them (messages, exceptions) goes through :func:`scrub` first.
"""

from __future__ import annotations

import os
from pathlib import Path

from nbgate.errors import InputError
from nbgate.probe.endpoint import Auth

__all__ = ["Headers", "auth_headers", "scrub"]

REDACTED = "***"


class Headers(dict[str, str]):
    """A header dict whose repr never shows values (it ends up in tracebacks and debuggers)."""

    def __repr__(self) -> str:
        return "Headers(" + ", ".join(f"{k}={REDACTED}" for k in self) + ")"

    __str__ = __repr__


def _read_env(name: str, what: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise InputError(f"{what}: env var {name} is not set or empty; set it from the endpoint's Secret")
    return value.strip()


def _read_file(path: str, what: str) -> str:
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InputError(f"{what}: cannot read {path} ({exc.strerror}); mount the Secret there") from None
    if not value:
        raise InputError(f"{what}: {path} is empty; mount the Secret there")
    return value


def auth_headers(auth: Auth | None, endpoint: str) -> Headers:
    """The auth headers for one request, freshly read."""
    headers = Headers()
    if auth is None:
        return headers
    what = f"endpoint {endpoint!r} auth"
    if auth.token_env:
        headers["Authorization"] = "Bearer " + _read_env(auth.token_env, what)
    elif auth.token_file:
        headers["Authorization"] = "Bearer " + _read_file(auth.token_file, what)
    for header, env in auth.headers_from_env.items():
        headers[header] = _read_env(env, what)
    for header, path in auth.headers_from_files.items():
        headers[header] = _read_file(path, what)
    return headers


def _secret_values(headers: Headers) -> list[str]:
    values: list[str] = []
    for key, value in headers.items():
        values.append(value)
        if key.lower() == "authorization" and " " in value:
            values.append(value.split(" ", 1)[1])
    for name in filter(None, os.environ.get("NBGATE_SECRET_ENV", "").split(",")):
        if os.environ.get(name.strip()):
            values.append(os.environ[name.strip()])
    # Longest first, so a token is removed before any shorter value it contains.
    return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


def scrub(text: str, headers: Headers | None) -> str:
    """``text`` with every secret value of ``headers`` (and NBGATE_SECRET_ENV) replaced."""
    for value in _secret_values(headers or Headers()):
        text = text.replace(value, REDACTED)
    return text
