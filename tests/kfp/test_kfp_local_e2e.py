"""The validation pipeline end to end on kfp.local, against the local runner (`nbgate run`).

Real parts throughout: a Git repo cloned over file://, real Jupyter kernels, the real report
and gate. kfp.local's SubprocessRunner runs each component in this interpreter, which stands
in for the step images (they hold the same nbgate).
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

from nbgate.kfp.compile import pipeline_arguments
from nbgate.kfp.pipeline import build_pipeline
from nbgate.spec.model import NotebookValidation

pytestmark = pytest.mark.timeout(600)


def _resource(repo: Path) -> dict[str, object]:
    return {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "metadata": {"name": "example"},
        "spec": {
            "source": {"git": {"url": f"file://{repo}", "ref": "main"}},
            "notebooks": ["notebooks/*.ipynb"],
            "golden": {"path": "golden/{name}"},
            "parameters": {"greeting": "hi"},
            "timeouts": {"cell": 60, "notebook": 120},
        },
    }


def test_kfp_local_verdicts_equal_the_local_runner(example_repo: tuple[Path, str], tmp_path: Path) -> None:
    from kfp import local

    repo, sha = example_repo
    body = _resource(repo)
    resource = NotebookValidation.model_validate(body)

    # The local runner on the same spec.
    spec_file = tmp_path / "validation.yaml"
    spec_file.write_text(yaml.safe_dump(body))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgate.cli.main",
            "run",
            str(spec_file),
            "-o",
            str(tmp_path / "local"),
            "--format",
            "json",
            "-q",
            "-j",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    local_report = json.loads((tmp_path / "local" / "report.json").read_text())
    assert run.returncode == 1, run.stderr
    local_verdicts = {nb["notebook"]: (nb["verdict"], nb["outcome"]) for nb in local_report["notebooks"]}
    assert local_verdicts == {
        "notebooks/ok.ipynb": ("passed", "passed"),
        "notebooks/broken.ipynb": ("failed", "cell_error"),
    }

    # The same spec on kfp.local.
    root = tmp_path / "kfp"
    warnings.simplefilter("ignore", RuntimeWarning)  # "non-Python base image": the step images
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=str(root), raise_on_error=True)
    with pytest.raises(RuntimeError, match="gate-op"):  # the gate, and only the gate, fails the run
        build_pipeline()(**pipeline_arguments(resource))

    [report_file] = root.rglob("report-op/report_json")
    kfp_report = json.loads(report_file.read_text())
    kfp_verdicts = {nb["notebook"]: (nb["verdict"], nb["outcome"]) for nb in kfp_report["notebooks"]}
    assert kfp_verdicts == local_verdicts
    assert kfp_report["verdict"] == local_report["verdict"] == "failed"
    assert kfp_report["source"]["commit"] == sha
    ok = next(nb for nb in kfp_report["notebooks"] if nb["notebook"] == "notebooks/ok.ipynb")
    assert ok["comparison"]["outcome"] == "passed"  # compared with golden/ok.ipynb

    # What the KFP UI renders: the executed notebooks, the Markdown summary, the metrics.
    htmls = list(root.rglob("execute-op/executed_html"))
    assert len(htmls) == 2 and all(p.stat().st_size > 0 for p in htmls)
    executed = sorted(
        p.relative_to(p.parents[1]).as_posix() for p in root.rglob("execute-op/executed/**/*.ipynb")
    )
    assert executed == ["notebooks/broken.ipynb", "notebooks/ok.ipynb"]
    [markdown] = root.rglob("report-op/markdown")
    assert "broken.ipynb" in markdown.read_text()
    [executor_output] = root.rglob("report-op/executor_output.json")
    metrics = json.loads(executor_output.read_text())["artifacts"]["metrics"]["artifacts"][0]["metadata"]
    assert metrics == {"total": 2.0, "passed": 1.0, "failed": 1.0, "errors": 0.0, "pass_rate": 0.5}
