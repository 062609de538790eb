"""Every generated manifest against the upstream schemas (v3.7.18, v4.1.2, strict CRD) and the
committed workflows/ against a fresh render (stale YAML fails; NBGATE_UPDATE_GOLDEN=1 rewrites)."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess

import pytest
import yaml
from argo_support import (
    ARGO_KINDS,
    WORKFLOWS,
    argo_validator,
    crd_validator,
    errors_of,
    events_validator,
    skip_or_fail,
    validate_argo,
)

from nbgate.argo.generate import render_all, write_all


def test_committed_workflows_are_up_to_date(rendered):
    if os.environ.get("NBGATE_UPDATE_GOLDEN") == "1":
        write_all(WORKFLOWS)
    committed = {p.relative_to(WORKFLOWS).as_posix(): p.read_text() for p in WORKFLOWS.rglob("*.yaml")}
    stale = sorted(p for p in rendered if committed.get(p) != rendered[p])
    extra = sorted(set(committed) - set(rendered))
    assert not stale and not extra, (
        f"workflows/ is stale (changed: {stale}, no longer generated: {extra}): run `make generate-workflows` "
        "or NBGATE_UPDATE_GOLDEN=1"
    )


def test_a_stale_file_is_detected_and_rewritten(tmp_path, rendered):
    write_all(tmp_path)
    target = tmp_path / "rbac.yaml"
    target.write_text(target.read_text().replace("create", "delete"))
    (tmp_path / "old.yaml").write_text("kind: Leftover\n")
    assert target.read_text() != rendered["rbac.yaml"]
    write_all(tmp_path)
    assert target.read_text() == rendered["rbac.yaml"]
    assert not (tmp_path / "old.yaml").exists()


def test_every_argo_manifest_validates(rendered_docs):
    checked = 0
    for path, doc in rendered_docs:
        if doc["kind"] in ARGO_KINDS:
            assert validate_argo(doc) == [], path
            checked += 1
    assert checked >= 15


def test_event_manifests_validate(rendered_docs):
    kinds = {doc["kind"]: doc for _, doc in rendered_docs if doc["kind"] in ("EventSource", "Sensor")}
    assert set(kinds) == {"EventSource", "Sensor"}
    for kind, doc in kinds.items():
        assert errors_of(events_validator(kind), doc) == []


@pytest.mark.parametrize(
    ("where", "typo"),
    [
        (("spec", "templates", 2, "container"), "resouces"),
        (("spec",), "entrypiont"),
        (("spec", "templates", 0), "dagg"),
    ],
)
def test_strict_check_catches_a_misspelled_field(rendered_docs, where, typo):
    doc = copy.deepcopy(next(d for p, d in rendered_docs if p.startswith("templates/nbgate-validate")))
    node = doc
    for key in where:
        node = node[key]
    node[typo] = {"cpu": "1"} if typo == "resouces" else "x"
    assert errors_of(crd_validator("WorkflowTemplate"), doc), "the strict CRD check must reject the typo"
    # The upstream JSON schemas do not (no additionalProperties: false): why the strict check exists.
    assert errors_of(argo_validator("v4.1.2", "WorkflowTemplate"), doc) == []


def test_a_wrong_type_fails_the_upstream_schemas(rendered_docs):
    doc = copy.deepcopy(next(d for p, d in rendered_docs if p.startswith("templates/nbgate-validate")))
    doc["spec"]["templates"][0]["parallelism"] = "many"
    for version in ("v3.7.18", "v4.1.2"):
        assert errors_of(argo_validator(version, "WorkflowTemplate"), doc)


def test_parameter_values_stay_strings_for_yaml_1_2_readers():
    from nbgate.argo.generate import dump_yaml

    text = dump_yaml([{"value": "1e-06"}, {"value": "true"}, {"value": "600"}, {"value": "abc"}])
    assert "'1e-06'" in text and "'true'" in text and "'600'" in text and "value: abc" in text


def test_no_secret_value_anywhere(rendered):
    """Secrets are referenced by name only: no Secret objects, no stringData, no literal credentials."""
    for path, text in rendered.items():
        for doc in yaml.safe_load_all(text):
            if not doc:
                continue
            assert doc["kind"] != "Secret", path
            _no_literal_secrets(doc, path)
        for needle in ("stringData", "ghp_", "glpat-", "BEGIN OPENSSH", "BEGIN RSA"):
            assert needle not in text, (path, needle)


def _no_literal_secrets(node, path):
    import re

    if isinstance(node, dict):
        name = str(node.get("name", ""))
        if (
            "value" in node
            and re.search(r"TOKEN|PASSWORD|SECRET|API_?KEY", name)
            and not name.endswith("_FILE")
            and name != "NBGATE_SECRET_ENV"
        ):
            raise AssertionError(f"{path}: env {name} has a literal value")
        for value in node.values():
            _no_literal_secrets(value, path)
    elif isinstance(node, list):
        for value in node:
            _no_literal_secrets(value, path)


def test_kustomize_renders_workflows(tmp_path):
    tool = shutil.which("kubectl") or shutil.which("kustomize")
    if tool is None:
        skip_or_fail("neither kubectl nor kustomize is installed")
    args = [tool, "kustomize"] if tool.endswith("kubectl") else [tool, "build"]
    for folder in (WORKFLOWS, WORKFLOWS / "cluster", WORKFLOWS / "events", WORKFLOWS / "schedule"):
        out = subprocess.run([*args, str(folder)], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        kinds = [d["kind"] for d in yaml.safe_load_all(out.stdout) if d]
        assert kinds
        if folder == WORKFLOWS:
            assert kinds.count("WorkflowTemplate") == 7
            assert {
                "ServiceAccount",
                "Role",
                "RoleBinding",
                "ResourceQuota",
                "LimitRange",
                "ConfigMap",
            } <= set(kinds)


def test_render_is_deterministic():
    assert render_all() == render_all()
