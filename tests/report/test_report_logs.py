"""Structured logs (--log-format json) and the audit record."""

from __future__ import annotations

import io
import json
import logging

import pytest
from report_builders import crashed_notebook, run_of

from nbgate.errors import InputError
from nbgate.logs import audit_record, detect_trigger, setup_logging, spec_digest
from nbgate.spec.model import NotebookValidation


@pytest.fixture
def restore_logging():  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    logging.getLogger("nbgate").setLevel(logging.NOTSET)


def test_json_logs_are_one_object_per_line_and_redacted(
    restore_logging, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBGATE_SECRET_ENV", "DB_PASSWORD")
    monkeypatch.setenv("DB_PASSWORD", "pw-0123456789")
    stream = io.StringIO()
    setup_logging("json", stream=stream)
    log = logging.getLogger("nbgate.step.test")
    log.info("connecting with %s", "pw-0123456789", extra={"nbgate_notebook": "a.ipynb"})
    try:
        raise KeyError("pw-0123456789")
    except KeyError:
        log.exception("failed")
    lines = stream.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["message"] == "connecting with ***"
    assert records[0]["notebook"] == "a.ipynb" and records[0]["level"] == "info"
    assert records[0]["logger"] == "nbgate.step.test" and records[0]["ts"].endswith("+00:00")
    assert "KeyError: '***'" in records[1]["exception"]
    assert "pw-0123456789" not in stream.getvalue()


def test_text_logs_default_to_warnings(restore_logging) -> None:
    stream = io.StringIO()
    setup_logging("text", stream=stream)
    setup_logging("text", stream=stream)  # idempotent: one handler
    logging.getLogger("nbgate.x").info("hidden")
    logging.getLogger("nbgate.x").warning("shown")
    assert stream.getvalue().count("shown") == 1 and "hidden" not in stream.getvalue()
    with pytest.raises(InputError, match="--log-format text or json"):
        setup_logging("xml")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"type": "manual"}),
        (
            {
                "GITHUB_ACTIONS": "true",
                "GITHUB_EVENT_NAME": "push",
                "GITHUB_ACTOR": "bob",
                "GITHUB_SHA": "abc",
                "GITHUB_REF": "refs/heads/main",
            },
            {
                "type": "push",
                "pusher": "bob",
                "commit": "abc",
                "ref": "refs/heads/main",
                "source": "github-actions:push",
            },
        ),
        (
            {"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_SHA": "def"},
            {"type": "schedule", "commit": "def", "source": "gitlab-ci:schedule"},
        ),
        (
            {"NBGATE_TRIGGER": "push", "NBGATE_PUSHER": "carol", "NBGATE_COMMIT": "123"},
            {"type": "push", "pusher": "carol", "commit": "123"},
        ),
    ],
)
def test_trigger_detection(env: dict[str, str], expected: dict[str, str]) -> None:
    assert detect_trigger(env) == expected


def test_bad_trigger_is_an_input_error() -> None:
    with pytest.raises(InputError, match="NBGATE_TRIGGER"):
        detect_trigger({"NBGATE_TRIGGER": "cron"})


def test_audit_record() -> None:
    resource = NotebookValidation.model_validate(
        {
            "apiVersion": "nbgate.dev/v1alpha1",
            "kind": "NotebookValidation",
            "metadata": {"name": "x"},
            "spec": {
                "source": {"local": "."},
                "pod": {"profile": "big"},
                "profiles": {"big": {"image": "reg/nb:2", "resources": {"limits": {"memory": "8Gi"}}}},
            },
        }
    )
    run = run_of([crashed_notebook("a")])
    record = audit_record(
        run, resource, environ={"NBGATE_TRIGGER": "schedule", "NBGATE_IMAGE": "reg/nbgate:0.1"}
    )
    assert record["runId"] == "run123" and record["verdict"] == "failed" and record["exitCode"] == 1
    assert record["trigger"] == {"type": "schedule", "commit": "a" * 40}
    assert record["specDigest"] == spec_digest(resource) and record["specDigest"].startswith("sha256:")
    assert record["pod"] == {
        "profile": "big",
        "image": "reg/nb:2",
        "resources": {"limits": {"memory": "8Gi"}},
    }
    assert record["images"] == ["reg/nb:2", "reg/nbgate:0.1"]
    assert record["startedAt"] == "2026-01-02T03:04:05+00:00" and record["finishedAt"].startswith(
        "2026-01-02T03:04:15"
    )
    changed = resource.model_copy(update={"metadata": resource.metadata.model_copy(update={"name": "y"})})
    assert spec_digest(changed) != record["specDigest"]
    json.dumps(record)  # JSON-ready


def test_acceptance_run_has_audit_and_json_logs(acceptance_run) -> None:
    report = json.loads((acceptance_run.out / "report.json").read_text())
    audit = report["audit"]
    assert audit["trigger"]["type"] == "push" and audit["trigger"]["pusher"] == "alice"
    assert audit["runId"] == report["runId"] and audit["verdict"] == "failed"
    assert audit["images"] == ["registry.example/nbgate/notebook:1.2.3"]
    records = [json.loads(line) for line in acceptance_run.stderr.splitlines() if line.startswith("{")]
    audits = [r for r in records if r.get("event") == "audit"]
    assert len(audits) == 1 and audits[0]["audit"]["runId"] == report["runId"]
