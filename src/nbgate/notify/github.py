"""GitHub: a commit status and one PR comment per validation (updated, not repeated)."""

from __future__ import annotations

from typing import Any

from nbgate.notify.http import request_json
from nbgate.notify.targets import Notification
from nbgate.outcomes import Verdict

__all__ = ["post_pr_comment", "set_commit_status"]

_STATE = {
    Verdict.PASSED: "success",
    Verdict.FAILED: "failure",
    Verdict.ERROR: "error",
    Verdict.TRANSIENT: "error",
}


def _headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "nbgate",
    }


def set_commit_status(
    api: str, repo: str, commit: str, token: str, note: Notification, *, context: str
) -> Any:
    body: dict[str, str] = {
        "state": _STATE[note.verdict],
        "description": note.description,
        "context": context,
    }
    if note.target_url:
        body["target_url"] = note.target_url
    return request_json(
        "POST",
        f"{api.rstrip('/')}/repos/{repo}/statuses/{commit}",
        what="GitHub commit status",
        headers=_headers(token),
        json=body,
    )


def post_pr_comment(api: str, repo: str, pr: int, token: str, note: Notification) -> Any:
    """Create the run's comment, or edit it if this validation already commented on the PR."""
    base = api.rstrip("/")
    body = f"{note.marker}\n{note.markdown}"
    comments = request_json(
        "GET",
        f"{base}/repos/{repo}/issues/{pr}/comments",
        what="GitHub PR comments",
        headers=_headers(token),
        params={"per_page": "100"},
    )
    for comment in comments or []:
        if isinstance(comment, dict) and note.marker in str(comment.get("body", "")):
            return request_json(
                "PATCH",
                f"{base}/repos/{repo}/issues/comments/{comment['id']}",
                what="GitHub PR comment",
                headers=_headers(token),
                json={"body": body},
            )
    return request_json(
        "POST",
        f"{base}/repos/{repo}/issues/{pr}/comments",
        what="GitHub PR comment",
        headers=_headers(token),
        json={"body": body},
    )
