"""Fixtures for the KFP tests: a tiny example project in a real Git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    params = nbformat.v4.new_code_cell("greeting = 'hi'")
    params.metadata["tags"] = ["parameters"]
    nb.cells.insert(0, params)
    return nb


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "PATH": "/usr/bin:/bin",
            "HOME": str(repo),
        },
    ).stdout.strip()


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A Git repo with a passing notebook (with its golden) and a failing one.

    ``notebooks/ok.ipynb`` prints a sum and matches ``golden/ok.ipynb``;
    ``notebooks/broken.ipynb`` raises in its second cell. Returns (repo, commit SHA).
    """
    repo = tmp_path_factory.mktemp("example") / "project"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "golden").mkdir()
    ok = _notebook("print(greeting, 1 + 1)")
    nbformat.write(ok, repo / "notebooks" / "ok.ipynb")
    nbformat.write(
        _notebook("x = 1", "raise ValueError('broken on purpose')"), repo / "notebooks" / "broken.ipynb"
    )
    golden = _notebook("print(greeting, 1 + 1)")
    golden.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi 2\n")]
    golden.cells[1].execution_count = 2
    golden.cells[0].execution_count = 1
    nbformat.write(golden, repo / "golden" / "ok.ipynb")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "example")
    return repo, _git(repo, "rev-parse", "HEAD")
