"""A CompareResult as a terminal diff a person can read: ``render_text(result)``."""

from __future__ import annotations

from nbgate.outcomes import Outcome
from nbgate.results import CellComparison, CompareResult, OutputDiff

__all__ = ["render_text"]

_RED, _GREEN, _BOLD, _DIM, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render_text(result: CompareResult, *, color: bool = False, max_cells: int = 25) -> str:
    """Header line, then each differing cell with its diffs and bounded -/+ excerpts."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    verdict = "PASSED" if result.outcome == Outcome.PASSED else result.outcome.value.upper()
    counts = ", ".join(f"{n} {k}" for k, n in sorted(result.counts.items()))
    lines = [
        paint(_BOLD, f"{result.notebook} vs golden {result.golden}: {verdict}")
        + (f" ({counts})" if counts else ""),
    ]
    bad = [c for c in result.cells if c.status in ("mismatch", "inserted", "removed")]
    for cell in bad[:max_cells]:
        lines.extend(_cell(cell, paint))
    if len(bad) > max_cells:
        lines.append(f"… and {len(bad) - max_cells} more cells differ (see the result JSON)")
    if result.scraps:
        lines.append(paint(_BOLD, "scraps:"))
        for diff in result.scraps:
            lines.extend(_diff(diff, paint))
    if result.outcome != Outcome.PASSED and not bad and not result.scraps:
        lines.append(result.message)
    return "\n".join(lines) + "\n"


def _cell(cell: CellComparison, paint: object) -> list[str]:
    assert callable(paint)
    where = f"cell {cell.index}" if cell.index is not None else f"golden cell {cell.golden_index}"
    if cell.cell_id:
        where += f" (id {cell.cell_id})"
    if cell.status in ("inserted", "removed"):
        return [paint(_BOLD, f"{where}: {cell.status}") + f" — {cell.message}"]
    out = [paint(_BOLD, f"{where}:")]
    for diff in cell.diffs:
        out.extend(_diff(diff, paint))
    return out


def _diff(diff: OutputDiff, paint: object) -> list[str]:
    assert callable(paint)
    label = diff.kind + (f" [{diff.mime_type}]" if diff.mime_type else "")
    out = [f"  {label}: {diff.message}"]
    if diff.expected:
        out.extend(paint(_RED, f"    - {line}") for line in diff.expected.splitlines())
    if diff.actual:
        out.extend(paint(_GREEN, f"    + {line}") for line in diff.actual.splitlines())
    return out
