"""export: tagged cells or all-but-exploration, parameters as options, magics dropped, the script
runs; committing to a branch of a real Git repo leaves the checkout untouched."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nbgate.errors import InputError
from nbgate.promote.export import export_script


def _notebook(path: Path, tagged: bool = True) -> Path:
    def cell(src: str, *tags: str) -> nbformat.NotebookNode:
        c = nbformat.v4.new_code_cell(src)
        if tags:
            c.metadata["tags"] = list(tags)
        return c

    train = ("train",) if tagged else ()
    nb = nbformat.v4.new_notebook(
        cells=[
            cell("alpha = 2\nname = 'x'", "parameters"),
            cell("%time import json\n!echo hi\nweights = [alpha * i for i in range(3)]", *train),
            cell("print('looking around')", "exploration"),
            cell("%%bash\necho cell magic", *train),
            cell("model = {'w': weights, 'name': name}\nscore = sum(weights)", *train),
            cell("print('untagged plot')"),
        ]
    )
    nbformat.write(nb, path)
    return path


def test_tagged_cells_become_a_runnable_script(tmp_path: Path) -> None:
    exported = export_script(_notebook(tmp_path / "nb.ipynb"), model_variable="model", metrics=["score"])
    assert exported.cells == [0, 1, 3, 4] and exported.parameters == ["alpha", "name"]
    assert exported.dropped_magics == 3
    assert "looking around" not in exported.text and "untagged plot" not in exported.text
    script = tmp_path / "train.py"
    script.write_text(exported.text)
    out = tmp_path / "model"
    subprocess.run(
        [sys.executable, str(script), "--output-dir", str(out), "--alpha", "5", "--name", "run-7"],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
    )
    import joblib

    assert joblib.load(out / "model.joblib") == {"w": [0, 5, 10], "name": "run-7"}
    assert json.loads((out / "metrics.json").read_text()) == {"score": 15.0}
    assert json.loads((out / "parameters.json").read_text()) == {"alpha": 5, "name": "run-7"}


def test_untagged_notebook_exports_all_but_exploration(tmp_path: Path) -> None:
    exported = export_script(_notebook(tmp_path / "nb.ipynb", tagged=False))
    assert "exploration" in exported.mode
    assert "untagged plot" in exported.text and "looking around" not in exported.text


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a Python variable name"):
        export_script(_notebook(tmp_path / "nb.ipynb"), metrics=["not a name"])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def broken(:\n  pass")])
    nbformat.write(nb, tmp_path / "bad.ipynb")
    with pytest.raises(InputError, match="does not parse"):
        export_script(tmp_path / "bad.ipynb")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def test_export_commits_to_a_branch_without_touching_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "NBGATE_GIT_TOKEN",
        "NBGATE_GIT_TOKEN_FILE",
        "NBGATE_GIT_PASSWORD",
        "NBGATE_GIT_PASSWORD_FILE",
        "NBGATE_GIT_SSH_KEY_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _notebook(repo / "nb.ipynb")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init")
    head = _git(repo, "rev-parse", "HEAD")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgate.cli.main",
            "export",
            str(repo / "nb.ipynb"),
            "-o",
            str(tmp_path / "t.py"),
            "--branch",
            "nbgate/train",
            "--repo",
            str(repo),
            "--result",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["branch"] == "nbgate/train" and result["pushed"] is False  # no credentials: no push
    assert _git(repo, "rev-parse", "nbgate/train") == result["commit"]
    assert _git(repo, "rev-parse", "nbgate/train^") == head
    assert _git(repo, "show", "nbgate/train:train/nb.py") == (tmp_path / "t.py").read_text().rstrip("\n")
    assert _git(repo, "rev-parse", "HEAD") == head and _git(repo, "status", "--porcelain") == ""
    # A second export moves the branch on, on top of the first.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgate.cli.main",
            "export",
            str(repo / "nb.ipynb"),
            "-o",
            str(tmp_path / "t.py"),
            "--branch",
            "nbgate/train",
            "--repo",
            str(repo),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert _git(repo, "rev-parse", "nbgate/train^") == result["commit"]


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "v.yaml"
    spec.write_text("apiVersion: nbgate.dev/v1alpha1\nkind: NotebookValidation\nspec: {source: {local: .}}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "nbgate.cli.main", "promote", str(spec)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "no spec.promote section" in proc.stderr
