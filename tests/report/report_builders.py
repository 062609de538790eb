"""Synthetic runs for the format tests: real notebook files and real result models, no kernel."""

from __future__ import annotations

import base64
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nbgate.outcomes import Outcome, Verdict
from nbgate.results import (
    CellComparison,
    CellError,
    CellExecution,
    CheckResult,
    CompareResult,
    ExecutionResult,
    NotebookResult,
    OutputDiff,
    ProbeResult,
    RunResult,
    SourceInfo,
)

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def png(shift: int = 0, size: tuple[int, int] = (60, 40)) -> str:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).line([(0, 30), (30, 10 + shift), (59, 30)], fill="blue", width=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def write_pair(folder: Path, name: str, *, big_text: int = 0) -> tuple[Path, Path]:
    """An executed notebook and its golden differing in a number and an image."""
    folder.mkdir(parents=True, exist_ok=True)
    cells = [
        new_markdown_cell("# Title\n<script>alert(1)</script>[x](javascript:alert(2))"),
        new_code_cell("print(value)", outputs=[new_output("stream", name="stdout", text="value = 1.5\n")]),
        new_code_cell(
            "plot()",
            outputs=[new_output("display_data", data={"image/png": png(12), "text/plain": "<Figure>"})],
        ),
        new_code_cell(
            "html()",
            outputs=[
                new_output(
                    "display_data",
                    data={
                        "text/html": "<script>alert(3)</script><img src=x onerror=alert(4)><table><tr><td>1</td></tr></table>",
                        "text/plain": "table",
                    },
                )
            ],
        ),
    ]
    if big_text:
        cells.append(
            new_code_cell("spam()", outputs=[new_output("stream", name="stdout", text="x" * big_text)])
        )
    executed = new_notebook(cells=cells)
    golden = nbformat.reads(nbformat.writes(executed), as_version=4)
    golden.cells[1].outputs[0].text = "value = 1.0\n"
    golden.cells[2].outputs[0].data["image/png"] = png(0)
    e, g = folder / f"{name}.ipynb", folder / f"{name}.golden.ipynb"
    nbformat.write(executed, e)
    nbformat.write(golden, g)
    return e, g


def failing_notebook(folder: Path, name: str, *, big_text: int = 0) -> NotebookResult:
    executed, golden = write_pair(folder, name, big_text=big_text)
    execution = ExecutionResult(
        notebook=f"{name}.ipynb",
        executed_path=str(executed),
        kernel="python3",
        outcome=Outcome.PASSED,
        message="ran",
        started_at=T0,
        finished_at=T0 + timedelta(seconds=3),
        duration_seconds=3.0,
        cells=[
            CellExecution(index=i, status="ok", duration_seconds=0.5 * i, peak_memory_bytes=50_000_000)
            for i in (1, 2, 3)
        ],
    )
    comparison = CompareResult(
        notebook=f"{name}.ipynb",
        golden=str(golden),
        outcome=Outcome.MISMATCH,
        message="2 cells differ",
        cells=[
            CellComparison(
                index=1,
                golden_index=1,
                status="mismatch",
                diffs=[
                    OutputDiff(
                        output_type="stream",
                        kind="number",
                        message="stdout: number 1.0 became 1.5 on line 1",
                        expected="value = 1.0",
                        actual="value = 1.5",
                        max_abs_error=0.5,
                        max_rel_error=0.5,
                        rtol=1e-6,
                        atol=1e-9,
                        details={
                            "numbers": [
                                {
                                    "index": 0,
                                    "line": 1,
                                    "expected": 1.0,
                                    "actual": 1.5,
                                    "absError": 0.5,
                                    "relError": 0.5,
                                }
                            ]
                        },
                    )
                ],
            ),
            CellComparison(
                index=2,
                golden_index=2,
                status="mismatch",
                diffs=[
                    OutputDiff(
                        output_index=0,
                        output_type="display_data",
                        mime_type="image/png",
                        kind="image",
                        message="12% of blocks changed",
                        mean_pixel_diff=3.2,
                        changed_pixel_fraction=0.12,
                    )
                ],
            ),
        ],
        counts={"match": 1, "mismatch": 2},
    )
    return NotebookResult(
        notebook=f"{name}.ipynb",
        outcome=Outcome.MISMATCH,
        verdict=Verdict.FAILED,
        message="2 cells differ",
        started_at=T0,
        finished_at=T0 + timedelta(seconds=3),
        duration_seconds=3.2,
        execution=execution,
        comparison=comparison,
    )


def crashed_notebook(name: str, secret: str = "") -> NotebookResult:
    execution = ExecutionResult(
        notebook=f"{name}.ipynb",
        outcome=Outcome.CELL_ERROR,
        message=f"cell 1 raised ValueError {secret}",
        failed_cell=1,
        duration_seconds=1.0,
        cells=[
            CellExecution(
                index=1,
                status="error",
                duration_seconds=0.2,
                error=CellError(
                    ename="ValueError",
                    evalue=f"bad value {secret}",
                    traceback=f"Traceback\n\x1b[31mValueError\x1b[0m: bad {secret}",
                ),
            )
        ],
    )
    return NotebookResult(
        notebook=f"{name}.ipynb",
        outcome=Outcome.CELL_ERROR,
        verdict=Verdict.FAILED,
        message=execution.message,
        duration_seconds=1.0,
        execution=execution,
    )


def run_of(notebooks: list[NotebookResult], *, probes: list[ProbeResult] | None = None) -> RunResult:
    failed = sum(nb.verdict is not Verdict.PASSED for nb in notebooks)
    return RunResult(
        run_id="run123",
        name="synthetic",
        verdict=Verdict.FAILED if failed else Verdict.PASSED,
        exit_code=1 if failed else 0,
        message=f"{failed} of {len(notebooks)} notebook(s) did not pass",
        started_at=T0,
        finished_at=T0 + timedelta(seconds=10),
        duration_seconds=10.0,
        source=SourceInfo(kind="git", url="https://example.com/repo.git", ref="main", commit="a" * 40),
        notebooks=notebooks,
        probes=probes or [],
        audit={
            "runId": "run123",
            "trigger": {"type": "push", "pusher": "alice"},
            "pod": {"profile": "gpu", "image": "registry.example/nb:1"},
            "images": ["registry.example/nb:1"],
        },
    )


def probe(passed: bool = True) -> ProbeResult:
    return ProbeResult(
        endpoint="churn",
        platform="kserve",
        url="http://127.0.0.1:1/v2",
        outcome=Outcome.PASSED if passed else Outcome.MISMATCH,
        checks=[
            CheckResult(
                name="latency",
                passed=passed,
                outcome=Outcome.PASSED if passed else Outcome.MISMATCH,
                message="p95 12.0ms",
                duration_seconds=1.5,
                details={"p50": 0.008, "p95": 0.012, "p99": 0.02, "requests": 100},
            )
        ],
    )
