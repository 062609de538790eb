"""Helpers for the execute step's tests: build small notebooks with nbformat, read results.

(A module of its own, not conftest: test dirs share no package, and every area has a conftest.)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

VENV_BIN = Path(sys.executable).parent
NBGATE = VENV_BIN / "nbgate"

Cell = str | tuple[str, list[str]]  # source, or (source, tags)


def build_notebook(path: Path, cells: Sequence[Cell], *, kernel: str = "python3") -> Path:
    nb = new_notebook(cells=[new_markdown_cell("# test notebook")])
    for cell in cells:
        source, tags = (cell, []) if isinstance(cell, str) else cell
        nb.cells.append(new_code_cell(source, metadata={"tags": tags} if tags else {}))
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def read_notebook(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def code_cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def stream_text(cell: dict[str, Any]) -> str:
    return "".join(
        "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream"
    )
