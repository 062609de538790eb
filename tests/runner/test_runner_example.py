"""`nbgate run` on the bundled example project: what `make demo` does."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]


def test_example_validation_passes(tmp_path: Path, run_nbgate) -> None:
    project = tmp_path / "churn"
    shutil.copytree(REPO / "examples" / "churn", project)
    out = tmp_path / "out"
    done = run_nbgate("run", project / "validation.yaml", "-o", out, "--format", "json,junit,markdown")
    assert done.code == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    report = done.report(out)
    assert report["apiVersion"] == "nbgate.dev/report/v1"
    assert report["verdict"] == "passed"
    names = [nb["notebook"] for nb in report["notebooks"]]
    assert names == ["notebooks/01_prepare.ipynb", "notebooks/02_train.ipynb"]
    for nb in report["notebooks"]:
        assert nb["verdict"] == "passed"
        assert nb["comparison"]["outcome"] == "passed"  # compared with golden/{name}
        executed = nbformat.read(out / "notebooks" / nb["notebook"], as_version=4)
        assert executed.cells, "executed notebook written"
    suites = ET.parse(out / "junit.xml").getroot()
    assert suites.get("failures") == "0" and suites.get("errors") == "0"
    assert len(suites.findall("testsuite")) == 2
    assert "✅ passed" in (out / "summary.md").read_text()
    assert "PASSED" in done.stdout  # the one-screen summary


def test_example_detects_a_regression(tmp_path: Path, run_nbgate) -> None:
    """A parameter that changes the model's figures fails against the golden (exit 1)."""
    project = tmp_path / "churn"
    shutil.copytree(REPO / "examples" / "churn", project)
    out = tmp_path / "out"
    done = run_nbgate("run", project / "validation.yaml", "-o", out, "-p", "C=0.0005")
    assert done.code == 1, done.stdout + done.stderr
    report = done.report(out)
    verdicts = {nb["notebook"]: nb for nb in report["notebooks"]}
    train = verdicts["notebooks/02_train.ipynb"]
    assert train["outcome"] == "mismatch"
    assert verdicts["notebooks/01_prepare.ipynb"]["verdict"] == "passed"
    assert "02_train.ipynb" in done.stdout and "mismatch" in done.stdout
