"""Helpers of the golden-compare tests: notebooks built and executed for real (papermill, nbclient).

A module of its own, not conftest: every test area has a conftest, so ``from conftest import …``
could pick up another area's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NBGATE = Path(sys.executable).parent / "nbgate"


def new_notebook(cells: list[Any]) -> nbformat.NotebookNode:
    """Code cells from strings, or (source, tags) pairs; ("md", text) makes a markdown cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for item in cells:
        if isinstance(item, tuple) and item[0] == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(item[1]))
        elif isinstance(item, tuple):
            cell = nbformat.v4.new_code_cell(item[0])
            cell.metadata["tags"] = list(item[1])
            nb.cells.append(cell)
        else:
            nb.cells.append(nbformat.v4.new_code_cell(item))
    return nb


def run_papermill(template: Path, out: Path, parameters: dict[str, Any]) -> Path:
    import papermill

    papermill.execute_notebook(
        str(template),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(out.parent),
    )
    return out


def run_nbclient(nb: nbformat.NotebookNode, out: Path, *, allow_errors: bool = True) -> Path:
    from nbclient import NotebookClient

    NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=allow_errors).execute(
        cwd=str(out.parent)
    )
    nbformat.write(nb, str(out))
    return out


def require_tool(venv: str, make_target: str) -> Path:
    """The python of a reference tool's venv; skip (or fail under NBGATE_REQUIRE_TOOLS=1) if missing."""
    python = REPO / ".venvs" / venv / "bin" / "python"
    if not python.exists():
        message = f"{python} is missing: run `make {make_target}`"
        if os.environ.get("NBGATE_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return python
