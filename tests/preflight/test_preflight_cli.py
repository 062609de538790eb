"""`nbgate preflight` and `nbgate run`'s pre-flight: the laptop path fails before any kernel starts."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from preflight_support import nbgate, write_notebook, write_spec

LAPTOP = "import pandas as pd\ndf = pd.read_csv('/Users/sarah/data/train.csv')\ndf.head()"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "requirements.txt").write_text("pandas\n")
    write_notebook(repo / "notebooks" / "train.ipynb", "# md: # Train", ("rows = 10", ["parameters"]), LAPTOP)
    return repo


def test_preflight_command_names_cell_and_path(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    done = nbgate("preflight", repo / "notebooks" / "train.ipynb", "--repo", repo)
    assert done.code == 1, done.stdout + done.stderr
    line = next(ln for ln in done.stdout.splitlines() if "[absolutePaths]" in ln)
    assert "cell 2, line 2: error [absolutePaths]" in line
    assert "/Users/sarah/data/train.csv" in line
    assert "1 error(s)" in done.stdout


def test_preflight_command_json_and_rule_override(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    nb = repo / "notebooks" / "train.ipynb"
    done = nbgate("preflight", nb, "--repo", repo, "--rule", "absolutePaths=warning", "--format", "json")
    assert done.code == 0, done.stdout + done.stderr
    findings = json.loads(done.stdout)
    assert findings == [
        {
            "rule": "absolutePaths",
            "severity": "warning",
            "notebook": str(nb),
            "cell": 2,
            "line": 2,
            "message": findings[0]["message"],
        }
    ]


def test_preflight_command_bad_rule_is_one_line_exit_2(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "nb.ipynb", "x = 1")
    done = nbgate("preflight", nb, "--rule", "absolutPaths=error")
    assert done.code == 2
    assert done.stderr.strip().count("\n") == 0 and "unknown pre-flight rule 'absolutPaths'" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_fails_preflight_without_starting_a_kernel(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    out = tmp_path / "out"
    spec = write_spec(
        repo / "validation.yaml", {"source": {"local": "."}, "notebooks": ["notebooks/*.ipynb"]}
    )
    done = nbgate("run", spec, "-o", out, "-q")
    assert done.code == 1, done.stdout + done.stderr
    (nb,) = done.report(out)["notebooks"]
    assert nb["outcome"] == "preflight_failed"
    assert "cell 2, line 2" in nb["message"] and "/Users/sarah/data/train.csv" in nb["message"]
    assert {"rule": "absolutePaths", "severity": "error", "cell": 2, "line": 2}.items() <= nb["findings"][
        0
    ].items()
    assert "execution" not in nb  # no kernel was started
    executed = nbformat.read(out / "notebooks" / "notebooks" / "train.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in executed.cells if c.cell_type == "code")  # left unexecuted
    assert "preflight_failed" in done.stdout and "/Users/sarah/data/train.csv" in done.stdout


def test_no_preflight_flag_skips_the_checks(tmp_path: Path) -> None:
    """With --no-preflight the notebook runs and fails for real, where pre-flight would have said why."""
    repo = _repo(tmp_path)
    out = tmp_path / "out"
    spec = write_spec(
        repo / "validation.yaml", {"source": {"local": "."}, "notebooks": ["notebooks/*.ipynb"]}
    )
    done = nbgate("run", spec, "-o", out, "-q", "--no-preflight")
    assert done.code == 1, done.stdout + done.stderr
    (nb,) = done.report(out)["notebooks"]
    assert nb["outcome"] == "cell_error"
    assert "FileNotFoundError" in nb["message"]
    assert nb["findings"] == []
