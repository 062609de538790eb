"""One HTTP call with nbgate's error vocabulary: no token in any message, 5xx is transient."""

from __future__ import annotations

from typing import Any

from nbgate.errors import InputError, TransientError
from nbgate.redact import redact_text

__all__ = ["request_json"]


def request_json(
    method: str,
    url: str,
    *,
    what: str,
    headers: dict[str, str] | None = None,
    json: Any = None,
    params: dict[str, str] | None = None,
    timeout: float = 20.0,
    hide_url: bool = False,
) -> Any:
    """Send a request and return the decoded JSON body (``None`` when empty).

    ``what`` names the call in errors ("GitHub commit status"). 401/403/404/422 are the
    caller's to fix (``InputError``); connection failures, 429 and 5xx are ``TransientError``.
    ``hide_url`` keeps the URL out of every message.
    """
    import httpx

    # A webhook URL is a credential in itself (Slack's path holds the token): never shown.
    shown = "the endpoint" if hide_url else url.split("?", 1)[0]
    try:
        response = httpx.request(method, url, headers=headers, json=json, params=params, timeout=timeout)
    except httpx.HTTPError as exc:
        raise TransientError(f"{what}: cannot reach {redact_text(shown)}: {type(exc).__name__}") from None
    status = response.status_code
    if status in (401, 403):
        raise InputError(
            f"{what}: {redact_text(shown)} answered {status}: the token is missing, expired or lacks the "
            "permission (commit statuses: repo:status / api scope; comments: pull requests write)"
        )
    if status == 404:
        raise InputError(
            f"{what}: {redact_text(shown)} answered 404: check the repository/project, commit or PR number"
        )
    if status == 429 or status >= 500:
        raise TransientError(f"{what}: {redact_text(shown)} answered {status}: retry later")
    if status >= 400:
        detail = " ".join(response.text.split())[:200]
        raise InputError(f"{what}: {redact_text(shown)} answered {status}: {redact_text(detail)}")
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None
