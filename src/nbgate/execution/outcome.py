"""What happened to a notebook, from papermill's per-cell metadata and nbclient's exception.

The order matters: an enforced deadline explains whatever came after it (an interrupted
cell, a killed kernel); a per-cell timeout and a dead kernel arrive as nbclient
exceptions; a cell that raised is marked ``failed`` by papermill (which stops there and
raises nothing). ``SystemExit`` with code 0 or none counts as success, as in papermill.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nbgate.execution.ansi import strip_ansi
from nbgate.outcomes import Outcome
from nbgate.results import CellError, CellExecution

__all__ = ["Classified", "cell_results", "classify", "mark_failed_cell", "unmark_unrun"]

_CELL_STATUS = {
    Outcome.CELL_ERROR: "error",
    Outcome.CELL_TIMEOUT: "timeout",
    Outcome.NOTEBOOK_DEADLINE: "deadline",
    Outcome.DEAD_KERNEL: "dead_kernel",
}
_EXCERPT = 80


_MARK = "\x00cell\x00"  # where the cell's label goes once its final position is known


@dataclass
class Classified:
    outcome: Outcome
    message: str
    failed_cell: int | None = None  # index in the notebook as executed (before any banner)
    error_name: str | None = None  # for the error output added to a cell that raised nothing
    cell: Any = None  # the failed (or running) cell itself: banners shift indices

    def finalize(self, nb: Any) -> None:
        """Name the cell by its position in the final notebook (after papermill's banner)."""
        if _MARK not in self.message:
            return
        index = next((i for i, c in enumerate(nb.cells) if c is self.cell), self.failed_cell)
        label = "kernel start-up" if index is None else _label_at(nb, index)
        self.message = self.message.replace(_MARK, label)
        self.failed_cell = index


def _secs(value: float | None) -> str:
    return "none" if value is None else f"{value:g}s"


def _excerpt(cell: Any) -> str:
    first = next((line for line in str(cell.get("source", "")).splitlines() if line.strip()), "")
    return first if len(first) <= _EXCERPT else first[: _EXCERPT - 1] + "…"


def _label_at(nb: Any, index: int) -> str:
    excerpt = _excerpt(nb.cells[index])
    return f"cell {index}" + (f" ({excerpt})" if excerpt else "")


def _cell_label(nb: Any, index: int | None) -> str:
    return "kernel start-up" if index is None else _MARK


def _error_output(cell: Any) -> Any | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output
    return None


def _failed_by_papermill(nb: Any) -> int | None:
    for index, cell in enumerate(nb.cells):
        if cell.get("metadata", {}).get("papermill", {}).get("status") == "failed":
            return index
    return None


def _clean_exit(output: Any | None) -> bool:
    return output is not None and output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0")


def classify(
    nb: Any,
    error: BaseException | None,
    running: int | None,
    *,
    deadline: float | None,
    deadline_fired_at: float | None,
    deadline_killed: bool,
    failed_at: float | None,
    cell_timeout: float | None,
    kernel_exit: Callable[[], str],
    started: bool,
) -> Classified:
    """The outcome; ``running`` is the cell that was running (or ran last).

    ``failed_at`` is when the first failure (a cell raising, an nbclient exception) was
    seen: a deadline that fires only after it, while the kernel winds down, explains nothing.
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    failed = _failed_by_papermill(nb)
    deadline_first = deadline_fired_at is not None and (failed_at is None or deadline_fired_at <= failed_at)

    def at(index: int | None) -> Any:
        return None if index is None else nb.cells[index]

    if deadline_first and (error is not None or failed is not None):
        where = _cell_label(nb, failed if failed is not None else running if started else None)
        how = "the kernel was killed" if deadline_killed else "the kernel was interrupted"
        return Classified(
            Outcome.NOTEBOOK_DEADLINE,
            f"the notebook ran past its deadline ({_secs(deadline)}) during {where}; {how}",
            failed if failed is not None else running,
            "NotebookDeadlineExceeded",
            at(failed if failed is not None else running),
        )
    if isinstance(error, CellTimeoutError):
        return Classified(
            Outcome.CELL_TIMEOUT,
            f"{_cell_label(nb, running)} ran past the cell timeout ({_secs(cell_timeout)})",
            running,
            "CellTimeoutError",
            at(running),
        )
    if isinstance(error, (DeadKernelError, TimeoutError, RuntimeError)):
        if not started:
            detail = " ".join(str(error).split()) or type(error).__name__
            return Classified(
                Outcome.DEAD_KERNEL, f"the kernel did not start: {detail} ({kernel_exit()})", None
            )
        return Classified(
            Outcome.DEAD_KERNEL,
            f"the kernel died during {_cell_label(nb, running)}: {kernel_exit()}",
            running,
            "DeadKernelError",
            at(running),
        )
    if error is not None:
        detail = " ".join(str(error).split())
        return Classified(
            Outcome.TRANSIENT_ERROR,
            f"execution failed during {_cell_label(nb, running)}: {type(error).__name__}: {detail}",
            running,
            type(error).__name__,
            at(running),
        )
    if failed is not None:
        output = _error_output(nb.cells[failed])
        if _clean_exit(output):
            return Classified(
                Outcome.PASSED, f"stopped by SystemExit at {_cell_label(nb, failed)}", cell=at(failed)
            )
        if output is not None:
            what = f"{output.get('ename')}: {strip_ansi(str(output.get('evalue', '')))}"
        else:
            what = "an error"
        return Classified(
            Outcome.CELL_ERROR, f"{_cell_label(nb, failed)} raised {what}", failed, cell=at(failed)
        )
    return Classified(Outcome.PASSED, "")


def mark_failed_cell(nb: Any, verdict: Classified) -> None:
    """Make the executed notebook say what stopped it, at the cell where it stopped.

    papermill marks only cells that raised; a timeout, a deadline or a dead kernel leave
    the cell ``completed`` and without an error output. Mark it ``failed`` and add an
    error output, so papermill's error banner points at it and a reader sees why.
    """
    import nbformat

    index = verdict.failed_cell
    if index is None or verdict.outcome not in _CELL_STATUS:
        return
    cell = nb.cells[index]
    papermill = cell.metadata.setdefault("papermill", {})
    papermill["status"] = "failed"
    papermill["exception"] = True
    nb.metadata.setdefault("papermill", {})["exception"] = True
    if cell.get("execution_count") is None:  # no reply came: number it as nbclient would have
        counts = [c.get("execution_count") or 0 for c in nb.cells if c.get("cell_type") == "code"]
        cell["execution_count"] = max(counts, default=0) + 1
    if _error_output(cell) is None and verdict.error_name:
        cell.setdefault("outputs", []).append(
            nbformat.v4.new_output(  # type: ignore[no-untyped-call]
                "error", ename=verdict.error_name, evalue=verdict.message, traceback=[verdict.message]
            )
        )


def unmark_unrun(nb: Any) -> None:
    """Undo papermill's end-of-run tidy-up for cells that never started.

    ``notebook_complete`` marks ``pending`` cells ``completed`` up to the first ``failed``
    one; when the run stopped before any cell failed (a deadline during kernel start-up),
    that would claim cells ran that never did.
    """
    for cell in nb.cells:
        papermill = cell.get("metadata", {}).get("papermill", {})
        if papermill.get("status") == "completed" and not papermill.get("start_time"):
            papermill["status"] = "pending"


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def cell_results(nb: Any, outcome: Outcome) -> tuple[list[CellExecution], int | None]:
    """One ``CellExecution`` per code cell of the final notebook, and the failed cell's index."""
    cells: list[CellExecution] = []
    failed_index: int | None = None
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {})
        papermill = meta.get("papermill", {})
        state = papermill.get("status")
        output = _error_output(cell)
        error = None
        if state == "failed" and outcome is not Outcome.PASSED:
            status = _CELL_STATUS.get(outcome, "error")
            failed_index = index if failed_index is None else failed_index
        elif (state == "completed" and papermill.get("start_time")) or (
            state == "failed" and _clean_exit(output)
        ):
            status = "ok"
        elif state == "running":
            status = _CELL_STATUS.get(outcome, "error")
        else:
            status = "not_run"
        if output is not None and status != "ok":
            error = CellError(
                ename=str(output.get("ename", "")),
                evalue=strip_ansi(str(output.get("evalue", ""))),
                traceback=strip_ansi("\n".join(output.get("traceback", []))),
            )
        cells.append(
            CellExecution(
                index=index,
                cell_id=cell.get("id"),
                status=status,
                started_at=_when(papermill.get("start_time")),
                finished_at=_when(papermill.get("end_time")),
                duration_seconds=papermill.get("duration"),
                peak_memory_bytes=meta.get("nbgate", {}).get("peak_memory_bytes"),
                error=error,
                source_excerpt=_excerpt(cell) or None,
            )
        )
    return cells, failed_index
