"""A pre-flight finding: which cell, which line, which rule, how bad, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Finding", "Severity", "format_finding"]

Severity = Literal["error", "warning", "off"]


@dataclass(frozen=True)
class Finding:
    rule: str  # the spec's name for it: absolutePaths, undeclaredImports, pipInstall, parametersCell…
    message: str
    severity: Severity = "error"
    cell: int | None = None  # position in the source notebook (0-based, all cells); None: the notebook
    line: int | None = None  # 1-based line in the cell
    notebook: str | None = None

    def to_wire(self) -> dict[str, Any]:
        """The camelCase dict stored in ``NotebookResult.findings``."""
        data: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "message": self.message}
        if self.notebook is not None:
            data["notebook"] = self.notebook
        if self.cell is not None:
            data["cell"] = self.cell
        if self.line is not None:
            data["line"] = self.line
        return data


def format_finding(finding: Finding) -> str:
    """``nb.ipynb: cell 2, line 1: error [absolutePaths] …`` — one line, as the CLI prints it."""
    where = [finding.notebook] if finding.notebook else []
    if finding.cell is not None:
        where.append(f"cell {finding.cell}" + (f", line {finding.line}" if finding.line is not None else ""))
    prefix = ": ".join(where)
    return f"{prefix + ': ' if prefix else ''}{finding.severity} [{finding.rule}] {finding.message}"
