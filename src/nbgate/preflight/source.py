"""A notebook's code cells as Python that ``ast`` can parse: IPython syntax made harmless.

``!cmd``, ``%magic`` and ``%%cell`` magics are turned into ordinary calls by IPython's own
input transformer (the one the kernel uses), so line numbers stay the cell's and the rest
of the cell is still analysed. Without IPython, magic lines are blanked instead.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbgate.errors import InputError

__all__ = ["CodeCell", "NotebookSource", "load_notebook"]


@dataclass(frozen=True)
class CodeCell:
    index: int  # position among all cells (markdown included), as Jupyter shows it
    source: str  # as written
    tags: tuple[str, ...]
    tree: ast.Module | None  # None when the cell does not parse
    syntax_error: SyntaxError | None = None


@dataclass(frozen=True)
class NotebookSource:
    path: Path
    cells: list[CodeCell]
    language: str


def _transformer() -> Callable[[str], str]:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return _blank_magics
    manager = TransformerManager()  # type: ignore[no-untyped-call]
    return manager.transform_cell  # type: ignore[no-any-return]


def _uses_ipython_syntax(source: str) -> bool:
    """Magics, shell escapes or help syntax: only then is IPython's transformer needed.

    Importing IPython costs ~0.3 s of CPU in nbgate's own process, and most cells are plain
    Python, which ``ast`` parses as is.
    """
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(("%", "!", "?")) or stripped.endswith("?"):
            return True
        if "=!" in stripped.replace(" ", "") or "=%" in stripped.replace(" ", ""):
            return True
    return False


def _blank_magics(source: str) -> str:
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        return "\n" * len(lines)  # a cell magic: the body is not Python
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def load_notebook(path: Path) -> NotebookSource:
    """Read the notebook (plain JSON: fast, no validation) and parse its code cells."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"cannot read notebook {path}: {exc}: check the path, or re-save it in Jupyter"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise InputError(f"{path} is not a Jupyter notebook (no cells): check the path")
    meta = data.get("metadata") or {}
    language = str(
        ((meta.get("kernelspec") or {}).get("language"))
        or (meta.get("language_info") or {}).get("name", "python")
    )
    transform: Callable[[str], str] | None = None
    cells: list[CodeCell] = []
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _text(cell.get("source"))
        tags = tuple(str(t) for t in ((cell.get("metadata") or {}).get("tags") or []))
        tree: ast.Module | None = None
        error: SyntaxError | None = None
        if language.lower() == "python":
            try:
                if _uses_ipython_syntax(source):
                    transform = transform or _transformer()
                    tree = ast.parse(transform(source))
                else:
                    tree = ast.parse(source)
            except SyntaxError as exc:
                error = exc
            except Exception:  # the transformer itself choked on odd input: treat as unparsable
                error = SyntaxError("IPython could not transform this cell")
        cells.append(CodeCell(index=index, source=source, tags=tags, tree=tree, syntax_error=error))
    return NotebookSource(path=path, cells=cells, language=language)
