"""The one-screen summary printed at the end of ``nbgate run``."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nbgate.outcomes import Verdict
from nbgate.results import RunResult
from nbgate.text import strip_ansi

__all__ = ["print_summary"]


def print_summary(run: RunResult, output_dir: Path, *, stream: TextIO, max_failures: int = 15) -> None:
    write = stream.write
    failing = [nb for nb in run.notebooks if nb.verdict is not Verdict.PASSED]
    for nb in failing[:max_failures]:
        where = ""
        if nb.execution and nb.execution.failed_cell is not None:
            where = f" (cell {nb.execution.failed_cell})"
        write(
            f"  {nb.verdict.value.upper():9} {nb.notebook}{where}: {nb.outcome.value}: "
            f"{strip_ansi(nb.message)[:300]}\n"
        )
        if nb.comparison:
            shown = 0
            for cell in nb.comparison.cells:
                for diff in cell.diffs:
                    if shown >= 3:
                        break
                    write(f"            cell {cell.index}: [{diff.kind}] {strip_ansi(diff.message)[:200]}\n")
                    shown += 1
    if len(failing) > max_failures:
        write(f"  … and {len(failing) - max_failures} more (see report.json)\n")
    for probe in run.probes:
        write(f"  probe {probe.endpoint}: {probe.outcome.value} {strip_ansi(probe.message)[:200]}\n")
    counts = run.counts
    write(
        f"nbgate: {run.verdict.value.upper()}: {run.message} "
        f"({counts.get('passed', 0)} passed, {counts.get('failed', 0)} failed, "
        f"{counts.get('errors', 0)} errors) "
        f"in {run.duration_seconds:.1f}s — reports in {output_dir}/\n"
    )
    stream.flush()
