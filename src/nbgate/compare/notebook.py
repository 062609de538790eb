"""Reading notebooks for comparison: plain ``json.load``, no schema validation.

``nbformat.read`` validates the whole document against the schema, which costs about 8 times the parse
on a large notebook; comparing needs only the cells, so nbgate checks the few keys it uses and
reports anything else as an input error naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nbgate.compare.options import CompareOptions
from nbgate.errors import InputError

__all__ = ["load_notebook", "notebook_options"]


def load_notebook(source: Path | str | dict[str, Any], role: str) -> tuple[dict[str, Any], str]:
    """``(notebook dict, display name)`` from a path or an in-memory notebook (NotebookNode)."""
    if isinstance(source, dict):
        nb: Any = source
        name = f"<{role} notebook>"
    else:
        path = Path(source)
        name = str(path)
        try:
            with path.open("rb") as fh:
                nb = json.load(fh)
        except FileNotFoundError:
            raise InputError(
                f"{role} notebook {path} does not exist: pass the path of an .ipynb file"
            ) from None
        except IsADirectoryError:
            raise InputError(
                f"{role} notebook {path} is a directory: pass the path of an .ipynb file"
            ) from None
        except OSError as exc:
            raise InputError(f"cannot read {role} notebook {path}: {exc.strerror or exc}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{role} notebook {path} is not valid notebook JSON ({exc}): pass an executed .ipynb file"
            ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        major = nb.get("nbformat") if isinstance(nb, dict) else None
        hint = (
            "upgrade it with `jupyter nbconvert --to notebook` (nbformat 4)"
            if isinstance(major, int) and major < 4
            else "pass a Jupyter notebook (nbformat 4)"
        )
        raise InputError(f"{role} notebook {name} has no cells list: {hint}")
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or not isinstance(cell.get("outputs", []), list):
            raise InputError(
                f"{role} notebook {name}: cell {i} is malformed; re-save the notebook with Jupyter"
            )
    return nb, name


def notebook_options(options: CompareOptions, *notebooks: dict[str, Any]) -> CompareOptions:
    """``options`` overridden by each notebook's ``metadata.nbgate.compare`` (later ones win)."""
    merged: dict[str, Any] | None = None
    for nb, label in zip(notebooks, ("golden", "executed"), strict=False):
        meta = ((nb.get("metadata") or {}).get("nbgate") or {}).get("compare")
        if meta is None:
            continue
        if not isinstance(meta, dict):
            raise InputError(f"{label} notebook metadata nbgate.compare must be a mapping of compare options")
        if merged is None:
            merged = options.model_dump(by_alias=True, exclude_none=True)
        for key, value in meta.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    if merged is None:
        return options
    from pydantic import ValidationError

    try:
        return CompareOptions.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"notebook metadata nbgate.compare.{where}: {first['msg']}") from None
