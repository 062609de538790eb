"""papermill's ``NotebookExecutionManager``, hooked: atomic saves, progress, memory per cell.

papermill already saves the notebook at every ``cell_start`` and ``cell_complete`` (and
every 30 s inside a long cell), writing ``metadata.papermill`` start/end/duration/status per
cell. Two things are changed here:

* ``save`` writes a temporary file and renames it over the output: papermill's local
  handler truncates then writes, so an OOM kill of the pod mid-save (or a reader, such as
  the live report, reading at the wrong moment) would see a broken notebook;
* ``cell_start``/``cell_complete`` also emit progress events and record the cell's peak
  memory, and the running cell is remembered so a timeout or a dead kernel can be pinned
  on it.

This module imports papermill at the top: import it only once the kernel is booting.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from papermill.engines import NotebookExecutionManager

from nbgate.execution.memory import MemorySampler
from nbgate.execution.request import ProgressState
from nbgate.files import write_atomic

__all__ = ["ExecutionManager", "RedactedCopies", "write_notebook_atomic"]


class RedactedCopies:
    """Redacted copies of a notebook's cells, redone only for the cells that changed.

    papermill saves the whole notebook at every cell's start and end, so a notebook of n
    cells is saved 2n times. Copying and redacting every cell at every save made those saves
    O(n²) in Python code (130 ms per save at 500 cells, against 45 ms to serialize); a cell
    that has finished does not change again, so its redacted copy is kept and reused as long
    as its JSON (compared in C) and the redactor are the same.
    """

    def __init__(self) -> None:
        self._redactor: object | None = None
        self._cells: dict[int, tuple[str, Any]] = {}

    def of(self, nb: Any) -> Any:
        import copy

        from nbgate.redact import current_redactor, redact_notebook

        redactor = current_redactor()
        if redactor is not self._redactor:  # other secrets now: nothing cached still holds
            self._redactor, self._cells = redactor, {}
        safe = nbformat.NotebookNode({k: v for k, v in nb.items() if k != "cells"})  # type: ignore[no-untyped-call]
        top = {"metadata": copy.deepcopy(nb.get("metadata", {})), "cells": []}
        redact_notebook(top, redactor)  # may replace the metadata: read it back from `top`
        safe["metadata"] = top["metadata"]
        cells = []
        for index, cell in enumerate(nb.get("cells", [])):
            key = json.dumps(cell, sort_keys=True, default=str)
            cached = self._cells.get(index)
            if cached is None or cached[0] != key:
                # A copy: redaction also rewrites sources, and the live cell is what the kernel runs.
                redacted = copy.deepcopy(cell)
                redact_notebook({"cells": [redacted]}, redactor)
                cached = self._cells[index] = (key, redacted)
            cells.append(cached[1])
        safe["cells"] = cells
        return safe


def write_notebook_atomic(
    nb: Any, path: Path, *, validate: bool = True, copies: RedactedCopies | None = None
) -> None:
    """Write ``nb`` so that ``path`` always holds a whole notebook, old or new.

    Secrets are redacted before anything reaches the disk (and so any artifact upload);
    ``copies`` carries the redacted cells from one save of the same notebook to the next.
    ``validate=False`` skips nbformat's schema validation: the saves between cells are on
    the critical path and the final save validates anyway.
    """
    safe = (copies or RedactedCopies()).of(nb)
    if validate:
        text: str = nbformat.writes(safe)  # type: ignore[no-untyped-call]
    else:
        text = nbformat.v4.nbjson.writes(safe)  # type: ignore[no-untyped-call]
    write_atomic(path, text)


class ExecutionManager(NotebookExecutionManager):  # type: ignore[misc]  # papermill is untyped
    def __init__(
        self,
        nb: Any,
        output_path: Path,
        *,
        memory: MemorySampler,
        on_cell: Callable[[ProgressState, int], None],
    ) -> None:
        # No tqdm bar (the runner draws its own display) and no log echo of outputs.
        super().__init__(nb, output_path=None, log_output=False, progress_bar=False)
        self.target = output_path
        self.memory = memory
        self.on_cell = on_cell
        self.current_index: int | None = None  # the cell running now (or that ran last)
        self.cell_memory: dict[int, int] = {}
        self.failed_at: float | None = None  # time.monotonic() when a cell raised
        self.copies = RedactedCopies()

    def cell_exception(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        if self.failed_at is None:
            self.failed_at = time.monotonic()
        super().cell_exception(cell, cell_index, **kwargs)

    def save(self, **kwargs: Any) -> None:
        nb = kwargs.get("nb")
        if nb is not None:
            self.nb = nb
        write_notebook_atomic(self.nb, self.target, validate=False, copies=self.copies)
        self.last_save_time = self.now()

    def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        if cell_index is not None and cell.get("cell_type") == "code":
            self.current_index = cell_index
            self.memory.cell_started()
            self.on_cell("running", cell_index)
        super().cell_start(cell, cell_index, **kwargs)

    def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        is_code = cell_index is not None and cell.get("cell_type") == "code"
        if is_code and cell_index is not None:
            peak = self.memory.cell_finished()
            if peak is not None:
                self.cell_memory[cell_index] = peak
                # Kept in the cell (metadata.nbgate) so it travels with the executed notebook.
                cell.metadata.setdefault("nbgate", {})["peak_memory_bytes"] = peak
        super().cell_complete(cell, cell_index, **kwargs)
        if is_code and cell_index is not None:
            self.on_cell("cell_done", cell_index)
