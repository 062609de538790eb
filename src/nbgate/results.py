"""Result models: what each step produces and the report consumes.

The JSON report is ``RunResult.to_wire()``; its schema is versioned by ``apiVersion``
(``nbgate.dev/report/v1``) and published by ``nbgate schema --report``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from nbgate._model import WireModel
from nbgate.outcomes import Outcome, Verdict

__all__ = [
    "REPORT_API_VERSION",
    "CellComparison",
    "CellError",
    "CellExecution",
    "CheckResult",
    "CloneResult",
    "CompareResult",
    "ExecutionResult",
    "NotebookResult",
    "OutputDiff",
    "ProbeResult",
    "RunResult",
    "SourceInfo",
]

REPORT_API_VERSION = "nbgate.dev/report/v1"


class CellError(WireModel):
    ename: str
    evalue: str
    traceback: str = Field(default="", description="Plain text, ANSI codes removed.")


class CellExecution(WireModel):
    index: int = Field(description="Position in the executed notebook (0-based).")
    cell_id: str | None = None
    status: str = Field(description="ok | error | timeout | deadline | dead_kernel | not_run")
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_seconds: float | None = None
    peak_memory_bytes: int | None = None
    error: CellError | None = None
    source_excerpt: str | None = None


class ExecutionResult(WireModel):
    notebook: str
    executed_path: str | None = None
    kernel: str | None = None
    parameters: dict[str, Any] = {}
    outcome: Outcome
    message: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_seconds: float | None = None
    failed_cell: int | None = None
    cells: list[CellExecution] = []
    peak_memory_bytes: int | None = None
    environment: dict[str, Any] | None = None


class OutputDiff(WireModel):
    """One difference between an executed output and its golden."""

    output_index: int | None = None
    output_type: str | None = None
    mime_type: str | None = None
    kind: str = Field(description="e.g. text, number, table, image, json, stream, error, missing, extra")
    message: str = ""
    expected: str | None = Field(default=None, description="Bounded excerpt of the golden.")
    actual: str | None = Field(default=None, description="Bounded excerpt of the executed output.")
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    rtol: float | None = None
    atol: float | None = None
    mean_pixel_diff: float | None = Field(
        default=None, description="Images: mean absolute channel difference, 0-255."
    )
    changed_pixel_fraction: float | None = Field(
        default=None, description="Images: fraction of changed pixel blocks."
    )
    details: dict[str, Any] = {}


class CellComparison(WireModel):
    index: int | None = Field(default=None, description="Cell position in the executed notebook.")
    golden_index: int | None = None
    cell_id: str | None = None
    status: str = Field(description="match | mismatch | skipped | inserted | removed")
    message: str = Field(default="", description="Why a cell was skipped, inserted or removed.")
    diffs: list[OutputDiff] = []


class CompareResult(WireModel):
    notebook: str
    golden: str
    outcome: Outcome
    message: str = ""
    cells: list[CellComparison] = []
    scraps: list[OutputDiff] = []
    duration_seconds: float | None = None
    counts: dict[str, int] = Field(default={}, description="Cells per status (match, mismatch, skipped…).")


class CheckResult(WireModel):
    """One probe check (health, metadata, golden request, consistency, latency…)."""

    name: str
    passed: bool
    outcome: Outcome = Outcome.PASSED
    message: str = ""
    duration_seconds: float | None = None
    details: dict[str, Any] = {}


class ProbeResult(WireModel):
    endpoint: str
    platform: str
    url: str | None = None
    outcome: Outcome
    message: str = ""
    checks: list[CheckResult] = []


class CloneResult(WireModel):
    checkout_dir: str
    url: str | None = None
    ref: str | None = None
    commit: str | None = None
    notebooks: list[str] = []
    warnings: list[str] = Field(
        default=[], description="e.g. Git LFS files left as pointers (git-lfs missing)."
    )


class SourceInfo(WireModel):
    kind: str = Field(description="git | local | pvc")
    url: str | None = None
    ref: str | None = None
    commit: str | None = None
    path: str | None = None


class NotebookResult(WireModel):
    notebook: str
    outcome: Outcome
    verdict: Verdict
    message: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_seconds: float | None = None
    execution: ExecutionResult | None = None
    comparison: CompareResult | None = None
    probes: list[ProbeResult] = []
    findings: list[dict[str, Any]] = []
    environment_changes: list[str] | None = Field(
        default=None,
        description="When the golden comparison failed: what changed in the environment since the "
        "golden's run, e.g. 'pandas 2.1.4 → 2.2.3'.",
    )
    suggested_resources: dict[str, Any] | None = Field(
        default=None,
        description="Pod resources from the measured peak memory (requests = peak × 1.2, limits = × 1.5).",
    )


class RunResult(WireModel):
    api_version: str = Field(default=REPORT_API_VERSION, alias="apiVersion")
    kind: str = "ValidationReport"
    run_id: str
    name: str
    verdict: Verdict
    exit_code: int
    message: str = ""
    started_at: datetime
    finished_at: datetime
    duration_seconds: float
    source: SourceInfo | None = None
    parameters: dict[str, Any] = {}
    notebooks: list[NotebookResult] = []
    probes: list[ProbeResult] = []
    counts: dict[str, int] = {}
    audit: dict[str, Any] = {}
