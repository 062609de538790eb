"""``--update-golden``: rewrite a golden from an executed notebook, only from a clean run.

Refused (input error, exit 2) when the executed notebook
* has a cell that did not run (papermill left it ``pending``, or the run stopped), or
* has an error output in a cell not marked as expected to raise (``raises-exception``,
  ``nbval-raises-exception`` or ``# NBVAL_RAISES_EXCEPTION``), or
* carries papermill's ``exception: true`` flag.

Volatile metadata is stripped so goldens do not churn in version control: papermill's per-cell
and notebook timings, ``metadata.execution`` (iopub timestamps) and widget state. Outputs and
execution counts are kept as they are. The file is replaced atomically.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from nbgate.compare.align import comparable_cells
from nbgate.compare.controls import cell_control
from nbgate.compare.notebook import load_notebook
from nbgate.errors import InputError
from nbgate.files import write_atomic

__all__ = ["update_golden"]

_VOLATILE_CELL_KEYS = ("execution", "papermill", "collapsed", "scrolled")
_VOLATILE_NB_PAPERMILL = ("start_time", "end_time", "duration", "exception", "environment_variables")


def update_golden(executed: Path, golden: Path) -> None:
    nb, name = load_notebook(executed, "executed")
    meta_pm = (nb.get("metadata") or {}).get("papermill") or {}
    if meta_pm.get("exception"):
        raise InputError(
            f"not updating golden {golden}: papermill marked {name} as failed; fix the run first"
        )
    cells = nb["cells"]
    for i in comparable_cells(cells):
        cell = cells[i]
        status = ((cell.get("metadata") or {}).get("papermill") or {}).get("status")
        if status == "pending" or (cell.get("execution_count") is None and cell.get("source")):
            raise InputError(
                f"not updating golden {golden}: cell {i} of {name} did not run; update from a complete run"
            )
        control = cell_control(cell, None, f"cell {i}")
        if not control.raises and any(o.get("output_type") == "error" for o in cell.get("outputs") or []):
            raise InputError(
                f"not updating golden {golden}: cell {i} of {name} raised an error and is not tagged "
                "raises-exception; fix the notebook or tag the cell"
            )
    clean = _strip(nb)
    write_atomic(golden, json.dumps(clean, indent=1, ensure_ascii=False) + "\n")


def _strip(nb: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(nb)
    meta = out.setdefault("metadata", {})
    meta.pop("widgets", None)
    pm = meta.get("papermill")
    if isinstance(pm, dict):
        for key in _VOLATILE_NB_PAPERMILL:
            pm.pop(key, None)
    for cell in out["cells"]:
        cmeta = cell.get("metadata")
        if isinstance(cmeta, dict):
            for key in _VOLATILE_CELL_KEYS:
                cmeta.pop(key, None)
    return out
