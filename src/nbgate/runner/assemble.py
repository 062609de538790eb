"""Assemble step results into notebook and run results.

Shared by the local runner and the ``report`` step (which, in a cluster, receives the
execute/compare/probe results of every notebook as separate artifacts).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from nbgate.outcomes import Outcome, Verdict, exit_code_for, verdict_for
from nbgate.results import (
    CompareResult,
    ExecutionResult,
    NotebookResult,
    ProbeResult,
    RunResult,
    SourceInfo,
)

__all__ = ["new_run_id", "notebook_result", "run_result", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def notebook_result(
    notebook: str,
    execution: ExecutionResult | None,
    comparison: CompareResult | None = None,
    probes: Iterable[ProbeResult] = (),
    *,
    outcome: Outcome | None = None,
    message: str | None = None,
    findings: list[dict[str, Any]] | None = None,
) -> NotebookResult:
    """A notebook's outcome: the first thing that went wrong, in DAG order.

    Execution problems come first (nothing after them is meaningful), then the golden
    comparison, then the endpoint probes.
    """
    probe_list = list(probes)
    if outcome is None:
        outcome, message = Outcome.PASSED, message or "passed"
        if execution is not None and execution.outcome is not Outcome.PASSED:
            outcome, message = execution.outcome, execution.message
        elif comparison is not None and comparison.outcome is not Outcome.PASSED:
            outcome, message = comparison.outcome, comparison.message
        else:
            for probe in probe_list:
                if probe.outcome is not Outcome.PASSED:
                    outcome, message = probe.outcome, f"endpoint {probe.endpoint}: {probe.message}"
                    break
    started = execution.started_at if execution else None
    finished = execution.finished_at if execution else None
    duration = execution.duration_seconds if execution else None
    if comparison is not None and comparison.duration_seconds and duration is not None:
        duration += comparison.duration_seconds
    return NotebookResult(
        notebook=notebook,
        outcome=outcome,
        verdict=verdict_for(outcome),
        message=message or outcome.value,
        started_at=started,
        finished_at=finished,
        duration_seconds=duration,
        execution=execution,
        comparison=comparison,
        probes=probe_list,
        findings=findings or [],
    )


def run_result(
    name: str,
    notebooks: list[NotebookResult],
    *,
    started_at: datetime,
    finished_at: datetime | None = None,
    run_id: str | None = None,
    source: SourceInfo | None = None,
    parameters: dict[str, Any] | None = None,
    probes: list[ProbeResult] | None = None,
    audit: dict[str, Any] | None = None,
) -> RunResult:
    finished_at = finished_at or utcnow()
    verdicts = [nb.verdict for nb in notebooks]
    for probe in probes or []:
        verdicts.append(verdict_for(probe.outcome))
    code = exit_code_for(verdicts)
    verdict = {0: Verdict.PASSED, 1: Verdict.FAILED, 2: Verdict.ERROR, 3: Verdict.TRANSIENT}[int(code)]
    counts: Counter[str] = Counter(nb.outcome.value for nb in notebooks)
    counts["total"] = len(notebooks)
    counts["passed"] = sum(1 for nb in notebooks if nb.verdict is Verdict.PASSED)
    counts["failed"] = sum(1 for nb in notebooks if nb.verdict is Verdict.FAILED)
    counts["errors"] = sum(1 for nb in notebooks if nb.verdict in (Verdict.ERROR, Verdict.TRANSIENT))
    failing = [nb for nb in notebooks if nb.verdict is not Verdict.PASSED]
    if not notebooks:
        message = "no notebooks"
    elif not failing:
        message = f"all {len(notebooks)} notebook(s) passed"
    else:
        message = f"{len(failing)} of {len(notebooks)} notebook(s) did not pass"
    return RunResult(
        run_id=run_id or new_run_id(),
        name=name,
        verdict=verdict,
        exit_code=int(code),
        message=message,
        started_at=started_at,
        finished_at=finished_at,
        duration_seconds=(finished_at - started_at).total_seconds(),
        source=source,
        parameters=parameters or {},
        notebooks=notebooks,
        probes=probes or [],
        counts=dict(counts),
        audit=audit or {},
    )
