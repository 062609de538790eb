"""Tiny examples the image tests run each step on (written into pytest's tmp_path)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat


def tiny_notebook(path: Path, body: str = "print('total', x * 21)") -> Path:
    """A two-cell notebook with a papermill ``parameters`` cell (x = 1)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def executed_notebook(path: Path, value: str) -> Path:
    """A notebook as papermill leaves it: one cell with an execute_result output."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell("40 + 2", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": value}, execution_count=1)]
    nb.cells = [cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def git_repo(path: Path) -> str:
    """A repository with notebooks/a.ipynb and README.md on branch main; returns the commit."""
    path.mkdir(parents=True)
    tiny_notebook(path / "notebooks" / "a.ipynb")
    (path / "README.md").write_text("example\n")

    def git(*args: str) -> str:
        env = {
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(path),
            "PATH": "/usr/bin:/bin",
        }
        return subprocess.run(
            ["git", "-C", str(path), *args], check=True, capture_output=True, text=True, env=env
        ).stdout

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "init")
    return git("rev-parse", "HEAD").strip()


def probe_spec(path: Path, port: int, model: str) -> Path:
    """A spec whose one endpoint is the stdlib V2 server started inside the same container."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "probe" / "servers"))
    import linear

    spec = {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "metadata": {"name": "image-probe"},
        "spec": {
            "source": {"local": "."},
            "endpoints": [
                {
                    "name": "m",
                    "platform": "kserve-v2",
                    "url": f"http://127.0.0.1:{port}",
                    "model": model,
                    "golden": [
                        {
                            "name": "sample",
                            "inputs": linear.X_SAMPLE,
                            "expected": linear.predict("right", linear.X_SAMPLE),
                        }
                    ],
                }
            ],
        },
    }
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path
