"""``nbgate schema``: the published JSON Schemas (docs/schema/) and ``--check SPEC``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from nbgate.cli.schema import render, report_schema, spec_schema

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]

NBGATE = Path(sys.executable).with_name("nbgate")
DOCS = REPO / "docs" / "schema"
UPDATE = os.environ.get("NBGATE_UPDATE_GOLDEN") == "1"


def _nbgate(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NBGATE), *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize(
    ("name", "build"),
    [("notebookvalidation.schema.json", spec_schema), ("report.schema.json", report_schema)],
)
def test_published_schemas_are_current(name, build) -> None:
    """Fails when a model changed and docs/schema/ was not regenerated.

    Regenerate with ``NBGATE_UPDATE_GOLDEN=1 pytest tests/spec``.
    """
    path = DOCS / name
    text = render(build())
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{path} is stale: NBGATE_UPDATE_GOLDEN=1 pytest tests/spec"
    )


def test_schema_command_prints_the_spec_schema() -> None:
    result = _nbgate("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["title"] == "NotebookValidation"
    assert schema["properties"]["apiVersion"]["const"] == "nbgate.dev/v1alpha1"
    assert result.stdout == (DOCS / "notebookvalidation.schema.json").read_text(encoding="utf-8")


def test_schema_command_report_to_a_file(tmp_path) -> None:
    out = tmp_path / "sub" / "report.schema.json"
    result = _nbgate("schema", "--report", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text())["title"] == "RunResult"


def test_the_schema_validates_a_real_spec_and_rejects_a_typo(make_spec) -> None:
    """The published schema is usable by editors and CI linters on its own."""
    validator = jsonschema.Draft202012Validator(spec_schema())
    good = make_spec(timeouts={"cell": "90s"}, pod={"profile": "gpu"}, report={"formats": ["json", "junit"]})
    assert list(validator.iter_errors(good)) == []
    bad = make_spec(notebok=["a.ipynb"])
    assert any("notebok" in e.message for e in validator.iter_errors(bad))


def test_check_ok_for_an_operator_job_with_its_warnings() -> None:
    result = _nbgate("schema", "--check", str(DATA / "operator-gpu-golden.yaml"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"OK: {DATA / 'operator-gpu-golden.yaml'} (NotebookValidationJob 'fraud-detection-validation', 10 warnings)"
    )
    assert result.stderr.count("nbgate: warning: ") == 10


def test_check_bad_spec_exits_2_with_one_line(tmp_path, make_spec) -> None:
    path = tmp_path / "validation.yaml"
    path.write_text(yaml.safe_dump(make_spec(timeouts={"cel": 5})), encoding="utf-8")
    result = _nbgate("schema", "--check", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"nbgate: error: spec {path}: unknown field spec.timeouts.cel: did you mean 'cell'?\n"
    )


def test_check_missing_spec_exits_2(tmp_path) -> None:
    result = _nbgate("schema", "--check", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"nbgate: error: spec {tmp_path / 'nope.yaml'} does not exist"
    assert "Traceback" not in result.stderr
