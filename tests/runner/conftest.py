"""Fixtures for end-to-end runs of ``nbgate run`` / ``report`` / ``gate`` (real kernels, real git)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

REPO = Path(__file__).resolve().parents[2]
NBGATE = Path(sys.executable).with_name("nbgate")


def make_notebook(path: Path, *sources: str, parameters: str | None = None, kernel: str = "python3") -> Path:
    cells = []
    if parameters is not None:
        cell = new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        cells.append(cell)
    cells += [new_code_cell(s) for s in sources]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@dataclass
class Done:
    code: int
    stdout: str
    stderr: str

    def report(self, out: Path) -> dict:
        return json.loads((out / "report.json").read_text())


def nbgate(*args: str | Path, cwd: Path | None = None, timeout: float = 240, env: dict | None = None) -> Done:
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        [str(NBGATE), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=full_env
    )
    return Done(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def run_nbgate():
    return nbgate


@pytest.fixture
def notebook_factory():
    return make_notebook
