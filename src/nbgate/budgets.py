"""Compute budgets (``spec.budgets``): per-cell time and memory, notebook memory.

Time is enforced while the notebook runs, by the execute step's per-cell timeout (the
runner passes ``min(timeouts.cell, budgets.cellSeconds)``); a timeout caused by the budget
is then reported as ``budget_exceeded``. Memory is the kernel process tree's peak RSS per
cell (measured by the execute step) and is checked once the notebook is done. The report
also gets suggested pod resources from the measured peak.
"""

from __future__ import annotations

import math
from typing import Any

from nbgate.envs.options import parse_quantity
from nbgate.errors import InputError
from nbgate.outcomes import Outcome
from nbgate.results import CellExecution, ExecutionResult
from nbgate.spec.model import Budgets

__all__ = ["MIB", "apply_budgets", "cell_timeout", "format_bytes", "suggest_resources"]

MIB = 2**20
REQUEST_FACTOR = 1.2  # headroom over the measured peak for the scheduler's request
LIMIT_FACTOR = 1.5  # …and for the limit, above which the kernel is OOM-killed


def format_bytes(value: int) -> str:
    return f"{value / MIB:.0f}Mi" if value < 2**30 else f"{value / 2**30:.2f}Gi"


def _quantity(value: str | None, field: str) -> int | None:
    if value is None:
        return None
    try:
        return parse_quantity(value, field=field)
    except ValueError as exc:
        raise InputError(f"{exc}: use a Kubernetes quantity such as 512Mi or 2Gi") from None


def cell_timeout(timeout: float | None, budget_seconds: float | None) -> float | None:
    """The per-cell timeout to enforce: the tighter of the timeout and the time budget."""
    limits = [t for t in (timeout, budget_seconds) if t is not None]
    return min(limits) if limits else None


def _label(cell: CellExecution) -> str:
    return f"cell {cell.index}" + (f" ({cell.source_excerpt})" if cell.source_excerpt else "")


def _exceeded(execution: ExecutionResult, cell: CellExecution | None, message: str) -> ExecutionResult:
    return execution.model_copy(
        update={
            "outcome": Outcome.BUDGET_EXCEEDED,
            "message": message,
            "failed_cell": cell.index if cell is not None else execution.failed_cell,
        }
    )


def apply_budgets(
    budgets: Budgets, execution: ExecutionResult, *, timeout: float | None = None
) -> ExecutionResult:
    """``execution`` with outcome ``budget_exceeded`` (the cell named) when a budget was exceeded.

    ``timeout`` is ``timeouts.cell``: a cell timeout only counts against the budget when the
    budget, not the timeout, was the limit that fired.
    """
    seconds = budgets.cell_seconds
    cell_memory = _quantity(budgets.cell_memory, "budgets.cellMemory")
    notebook_memory = _quantity(budgets.notebook_memory, "budgets.notebookMemory")
    if (
        execution.outcome is Outcome.CELL_TIMEOUT
        and seconds is not None
        and (timeout is None or seconds < timeout)
    ):
        cell = next((c for c in execution.cells if c.index == execution.failed_cell), None)
        name = _label(cell) if cell else f"cell {execution.failed_cell}"
        return _exceeded(execution, cell, f"{name} ran past budgets.cellSeconds ({seconds:g}s)")
    if execution.outcome is not Outcome.PASSED:
        return execution  # the first failure is the one to fix
    for cell in execution.cells:
        if seconds is not None and cell.duration_seconds is not None and cell.duration_seconds > seconds:
            return _exceeded(
                execution,
                cell,
                f"{_label(cell)} ran {cell.duration_seconds:.1f}s, over budgets.cellSeconds ({seconds:g}s)",
            )
        if (
            cell_memory is not None
            and cell.peak_memory_bytes is not None
            and cell.peak_memory_bytes > cell_memory
        ):
            return _exceeded(
                execution,
                cell,
                f"{_label(cell)} peaked at {format_bytes(cell.peak_memory_bytes)} of kernel memory, over "
                f"budgets.cellMemory ({budgets.cell_memory})",
            )
    peak = execution.peak_memory_bytes
    if notebook_memory is not None and peak is not None and peak > notebook_memory:
        top = max(execution.cells, key=lambda c: c.peak_memory_bytes or 0, default=None)
        where = f" (highest in {_label(top)})" if top is not None and top.peak_memory_bytes else ""
        return _exceeded(
            execution,
            top,
            f"the notebook peaked at {format_bytes(peak)} of kernel memory{where}, over "
            f"budgets.notebookMemory ({budgets.notebook_memory})",
        )
    return execution


def suggest_resources(execution: ExecutionResult) -> dict[str, Any] | None:
    """Pod resources from the measured peak: request = peak * 1.2, limit = peak * 1.5 (whole Mi)."""
    peak = execution.peak_memory_bytes
    if not peak:
        return None
    request = math.ceil(peak * REQUEST_FACTOR / MIB)
    limit = math.ceil(peak * LIMIT_FACTOR / MIB)
    slowest = max((c.duration_seconds or 0.0 for c in execution.cells), default=0.0)
    return {
        "peakMemoryBytes": peak,
        "slowestCellSeconds": round(slowest, 3),
        "totalSeconds": execution.duration_seconds,
        "requests": {"memory": f"{request}Mi"},
        "limits": {"memory": f"{limit}Mi"},
    }
