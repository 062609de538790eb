"""The push Sensor against recorded GitHub and GitLab push payloads, paths evaluated with gjson.

gjson-py (PyPI ``gjson``, a Python implementation of GJSON, the syntax Argo Events uses) evaluates
every dataKey and filter path; the filter semantics (string = regex, bool, ``!=`` comparator) and
the sjson ``dest`` operations (overwrite/append/prepend) are Argo Events' as documented, applied here.
Payloads: tests/argo/payloads/ (from GitHub's and GitLab's webhook docs; each names its source).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from argo_support import errors_of, events_validator, validate_argo

from nbgate.argo import events

gjson = pytest.importorskip("gjson", reason="gjson-py is installed by `make argo-test-deps`")
PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> dict[str, Any]:
    data = json.loads((PAYLOADS / name).read_text())
    data.pop("_source")
    return data


def passes(filters: dict[str, Any], event: dict[str, Any]) -> bool:
    for f in filters.get("data", []):
        value = gjson.get(event, f["path"])
        if value is None:
            return False
        if f["type"] == "bool":
            matched = str(value).lower() in [v.lower() for v in f["value"]]
        elif f["type"] == "string":
            matched = any(re.search(v, str(value)) for v in f["value"])
        else:
            raise AssertionError(f"unexpected filter type {f['type']}")
        if f.get("comparator") == "!=":
            matched = not matched
        if not matched:
            return False
    return True


def set_path(doc: dict[str, Any], dest: str, value: str, operation: str) -> None:
    parts = dest.split(".")
    node: Any = doc
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    old = node[parts[-1]] or ""
    node[parts[-1]] = {"append": old + value, "prepend": value + old}.get(operation, value)


def fire(event_name: str, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The Workflows the Sensor would submit for ``event`` on dependency ``event_name``."""
    sensor = events.sensor()
    deps = {d["name"]: d for d in sensor["spec"]["dependencies"]}
    if not passes(deps[event_name].get("filters", {}), event):
        return []
    out = []
    for trigger in sensor["spec"]["triggers"]:
        template = trigger["template"]
        if template["conditions"] != event_name:
            continue
        workflow = copy.deepcopy(template["argoWorkflow"]["source"]["resource"])
        for p in template["argoWorkflow"]["parameters"]:
            value = gjson.get(event, p["src"]["dataKey"])
            assert value is not None, f"{p['src']['dataKey']} is missing from the payload"
            set_path(workflow, p["dest"], str(value), p.get("operation", "overwrite"))
        out.append(workflow)
    return out


def params(workflow: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in workflow["spec"]["arguments"]["parameters"]}


def test_github_branch_push_submits_the_pushed_commit():
    submitted = fire("github-push", payload("github-push-branch.json"))
    assert len(submitted) == 1
    values = params(submitted[0])
    assert values["repo"] == "https://github.com/Codertocat/Hello-World.git"
    assert values["revision"] == "a10867b14bb761a232cd80139fbd4c0d33264240"
    assert values["branch"] == "refs/heads/main"
    assert values["changed-between"] == (
        "6113728f27ae82c7b1a177c8d03f9e96e0adf246..a10867b14bb761a232cd80139fbd4c0d33264240"
    )
    assert values["trigger"] == "push" and values["parameter-set"] == "smoke"
    assert submitted[0]["spec"]["workflowTemplateRef"]["name"].startswith("nbgate-validate-v")


def test_gitlab_push_submits_the_pushed_commit():
    submitted = fire("gitlab-push", payload("gitlab-push.json"))
    assert len(submitted) == 1
    values = params(submitted[0])
    assert values["repo"] == "http://example.com/mike/diaspora.git"
    assert values["revision"] == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
    assert values["changed-between"] == (
        "95790bf891e76fee5e1747ab589903a6a1f80f22..da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
    )


@pytest.mark.parametrize(
    ("dependency", "name"),
    [("github-push", "github-push-tag-deleted.json"), ("gitlab-push", "gitlab-push-branch-deleted.json")],
)
def test_deleting_a_ref_starts_nothing(dependency, name):
    assert fire(dependency, payload(name)) == []


def test_submitted_workflows_validate_against_argo_schemas():
    for dependency, name in (("github-push", "github-push-branch.json"), ("gitlab-push", "gitlab-push.json")):
        for workflow in fire(dependency, payload(name)):
            assert validate_argo(workflow) == []


@pytest.mark.parametrize("kind", ["EventSource", "Sensor"])
def test_event_objects_validate_against_argo_events_schema(kind):
    doc = events.event_source() if kind == "EventSource" else events.sensor()
    assert errors_of(events_validator(kind), doc) == []
    broken = copy.deepcopy(doc)
    broken["spec"]["template"]["serviceAccountName"] = 7
    assert errors_of(events_validator(kind), broken) != []


def test_webhooks_check_a_secret_token():
    spec = events.event_source()["spec"]
    assert spec["github"]["github-push"]["webhookSecret"] == {"name": "nbgate-webhook", "key": "github"}
    assert spec["gitlab"]["gitlab-push"]["secretToken"] == {"name": "nbgate-webhook", "key": "gitlab"}
