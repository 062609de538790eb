"""Structured logs (``--log-format json``) and the run's audit record.

Logs: ``setup_logging("json")`` makes every record one JSON object on one line of stderr
(``ts``, ``level``, ``logger``, ``message``, plus any ``extra={"nbgate_…": …}`` fields without
their prefix), the shape log collectors (Loki, Cloud Logging, Elasticsearch) parse without a
custom pattern. Both formats go through the redaction filter.

Audit record (``RunResult.audit``, so in ``report.json``): who or what started the run and on
what, written by ``audit_record``::

    {"runId", "trigger": {"type": "manual"|"schedule"|"push", "pusher"?, "commit"?, "ref"?, "source"?},
     "specDigest": "sha256:…", "images": [...], "pod": {"profile", "image"?, "resources"?},
     "startedAt", "finishedAt", "verdict", "exitCode", "nbgateVersion", "host"}

The trigger comes from, in order: explicit values (CLI flags, the Argo/KFP step parameters),
``NBGATE_TRIGGER`` / ``NBGATE_PUSHER`` / ``NBGATE_COMMIT`` / ``NBGATE_REF``, then the CI system's
own variables (GitHub Actions, GitLab CI); ``manual`` when nothing says otherwise.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, TextIO

from nbgate.errors import InputError
from nbgate.redact import RedactingFilter

__all__ = [
    "LOG_FORMATS",
    "JsonFormatter",
    "audit_record",
    "detect_trigger",
    "log_audit",
    "setup_logging",
    "spec_digest",
]

LOG_FORMATS = ("text", "json")
TRIGGERS = ("manual", "schedule", "push")

# LogRecord's own attributes: everything else on a record came from ``extra=``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key.removeprefix("nbgate_")] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


_HANDLER_NAME = "nbgate"


def setup_logging(
    fmt: str = "text", level: int | str | None = None, stream: TextIO | None = None
) -> logging.Handler:
    """Route the ``nbgate`` loggers (and warnings) to ``stream`` in ``fmt``; idempotent.

    The default level is INFO for ``json`` (machines want the audit record and step events) and
    WARNING for ``text`` (a person at a terminal has the live progress display already).
    """
    if fmt not in LOG_FORMATS:
        raise InputError(
            f"log format {fmt!r} is not one of {', '.join(LOG_FORMATS)}: use --log-format text or json"
        )
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    # Redaction sits on the handler: a logger's filter would miss records from child loggers.
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    logging.getLogger("nbgate").setLevel(
        level if level is not None else (logging.INFO if fmt == "json" else logging.WARNING)
    )
    if root.level > logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return handler


def spec_digest(resource: Any) -> str:
    """``sha256:<hex>`` of the spec's canonical JSON (sorted keys): same spec, same digest."""
    data = resource.to_wire() if hasattr(resource, "to_wire") else resource
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def detect_trigger(environ: Mapping[str, str] | None = None, **explicit: str | None) -> dict[str, str]:
    """The run's trigger: ``{"type", "pusher"?, "commit"?, "ref"?, "source"?}``.

    ``explicit`` (``type``, ``pusher``, ``commit``, ``ref``) wins over the environment.
    """
    env = os.environ if environ is None else environ
    found: dict[str, str] = {}
    if env.get("GITHUB_ACTIONS") == "true":
        event = env.get("GITHUB_EVENT_NAME", "")
        found = {
            "type": {"push": "push", "schedule": "schedule"}.get(event, "manual"),
            "source": f"github-actions:{event}" if event else "github-actions",
            "pusher": env.get("GITHUB_ACTOR", ""),
            "commit": env.get("GITHUB_SHA", ""),
            "ref": env.get("GITHUB_REF", ""),
        }
    elif env.get("GITLAB_CI") == "true":
        event = env.get("CI_PIPELINE_SOURCE", "")
        found = {
            "type": {"push": "push", "schedule": "schedule"}.get(event, "manual"),
            "source": f"gitlab-ci:{event}" if event else "gitlab-ci",
            "pusher": env.get("GITLAB_USER_LOGIN", ""),
            "commit": env.get("CI_COMMIT_SHA", ""),
            "ref": env.get("CI_COMMIT_REF_NAME", ""),
        }
    for key, var in (
        ("type", "NBGATE_TRIGGER"),
        ("pusher", "NBGATE_PUSHER"),
        ("commit", "NBGATE_COMMIT"),
        ("ref", "NBGATE_REF"),
    ):
        if env.get(var):
            found[key] = env[var]
    for key, value in explicit.items():
        if value:
            found[key] = value
    found.setdefault("type", "manual")
    if found["type"] not in TRIGGERS:
        raise InputError(
            f"trigger {found['type']!r} is not one of {', '.join(TRIGGERS)}: fix NBGATE_TRIGGER or --trigger"
        )
    return {k: v for k, v in found.items() if v}


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else (str(value) if value else None)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("nbgate")
    except Exception:  # an uninstalled checkout
        return "unknown"


def audit_record(
    run: Any,
    resource: Any = None,
    *,
    trigger: Mapping[str, str] | None = None,
    images: list[str] | None = None,
    extra: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The audit record of a finished ``RunResult`` (camelCase keys, JSON-ready).

    ``resource`` is the ``NotebookValidation`` run (for the digest, images and pod profile);
    ``trigger`` overrides ``detect_trigger``; ``extra`` (e.g. the runner's options) is merged last.
    """
    env = os.environ if environ is None else environ
    trig = dict(trigger) if trigger else detect_trigger(env)
    source = getattr(run, "source", None)
    if source is not None and source.commit and "commit" not in trig:
        trig["commit"] = source.commit
    record: dict[str, Any] = {
        "runId": run.run_id,
        "trigger": trig,
        "startedAt": _iso(run.started_at),
        "finishedAt": _iso(run.finished_at),
        "verdict": getattr(run.verdict, "value", str(run.verdict)),
        "exitCode": run.exit_code,
        "nbgateVersion": _version(),
        "host": socket.gethostname(),
    }
    found_images = list(images or [])
    if resource is not None:
        record["specDigest"] = spec_digest(resource)
        spec = getattr(resource, "spec", None)
        pod = getattr(spec, "pod", None)
        if pod is not None:
            profile_name = pod.profile
            pod_info: dict[str, Any] = {"profile": profile_name}
            profile = (getattr(spec, "profiles", {}) or {}).get(profile_name)
            image = pod.image or (profile.image if profile is not None else None)
            if image:
                pod_info["image"] = image
                found_images.append(image)
            resources = pod.resources or (profile.resources if profile is not None else None)
            if resources is not None:
                pod_info["resources"] = {k: v for k, v in resources.to_wire().items() if v}
            record["pod"] = pod_info
    if env.get("NBGATE_IMAGE"):
        found_images.append(env["NBGATE_IMAGE"])
    record["images"] = list(dict.fromkeys(found_images))
    if extra:
        for key, value in extra.items():
            if key == "trigger" and isinstance(value, str):
                record["trigger"] = {**record["trigger"], "type": value}
            elif value is not None:
                record[key] = value
    return record


def log_audit(record: Mapping[str, Any], logger: logging.Logger | None = None) -> None:
    """Emit the audit record as one log line (``event: audit``), for log-based audit trails."""
    (logger or logging.getLogger("nbgate.audit")).info(
        "audit run=%s verdict=%s",
        record.get("runId"),
        record.get("verdict"),
        extra={"nbgate_event": "audit", "nbgate_audit": dict(record)},
    )
