"""GitLab: a commit status and a merge-request note."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from nbgate.notify.http import request_json
from nbgate.notify.targets import Notification
from nbgate.outcomes import Verdict

__all__ = ["post_mr_note", "set_commit_status"]

_STATE = {
    Verdict.PASSED: "success",
    Verdict.FAILED: "failed",
    Verdict.ERROR: "failed",
    Verdict.TRANSIENT: "failed",
}


def _project(project: str) -> str:
    # A numeric id as is; "group/sub/project" URL-encoded, as the API wants it.
    return project if project.isdigit() else quote(project, safe="")


def set_commit_status(
    api: str, project: str, commit: str, token: str, note: Notification, *, context: str
) -> Any:
    body: dict[str, str] = {"state": _STATE[note.verdict], "description": note.description, "name": context}
    if note.target_url:
        body["target_url"] = note.target_url
    return request_json(
        "POST",
        f"{api.rstrip('/')}/projects/{_project(project)}/statuses/{commit}",
        what="GitLab commit status",
        headers={"PRIVATE-TOKEN": token},
        json=body,
    )


def post_mr_note(api: str, project: str, mr: int, token: str, note: Notification) -> Any:
    return request_json(
        "POST",
        f"{api.rstrip('/')}/projects/{_project(project)}/merge_requests/{mr}/notes",
        what="GitLab merge request note",
        headers={"PRIVATE-TOKEN": token},
        json={"body": f"{note.marker}\n{note.markdown}"},
    )
