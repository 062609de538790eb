"""A Slack-compatible incoming-webhook message (``{"text": …}``; Mattermost and Teams' Slack
mode accept the same)."""

from __future__ import annotations

from typing import Any

from nbgate.errors import InputError
from nbgate.notify.http import request_json
from nbgate.notify.targets import Notification

__all__ = ["post_webhook", "webhook_text"]

_ICON = {"passed": ":white_check_mark:", "failed": ":x:", "error": ":no_entry:", "transient": ":warning:"}


def webhook_text(note: Notification) -> str:
    text = f"{_ICON[note.verdict.value]} nbgate *{note.name}*: {note.description}"
    if note.commit:
        text += f" (commit `{note.commit[:12]}`)"
    if note.target_url:
        text += f" <{note.target_url}|report>"
    return text


def post_webhook(url: str, note: Notification) -> Any:
    if not url.startswith(("https://", "http://")):
        raise InputError("the webhook URL must start with https:// (set NBGATE_WEBHOOK_URL)")
    return request_json("POST", url, what="webhook", json={"text": webhook_text(note)}, hide_url=True)
