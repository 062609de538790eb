"""JUnit XML: one ``<testsuite>`` per notebook, a test case for the notebook and one per code cell.

CI systems (GitHub Actions reporters, GitLab, Jenkins) read this. Validation failures are
``<failure>``; could-not-run outcomes (bad input, transient) are ``<error>``. No ANSI codes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from nbgate.files import write_atomic
from nbgate.outcomes import Outcome, Verdict
from nbgate.results import CellComparison, NotebookResult, RunResult
from nbgate.text import excerpt, strip_ansi

__all__ = ["render_junit", "write_junit_report"]


def _classname(notebook: str) -> str:
    stem = notebook[:-6] if notebook.endswith(".ipynb") else notebook
    return stem.replace("/", ".")


def _seconds(value: float | None) -> str:
    return f"{value or 0.0:.3f}"


def _fail(case: ET.Element, nb: NotebookResult, message: str, text: str = "") -> None:
    tag = "failure" if nb.verdict is Verdict.FAILED else "error"
    element = ET.SubElement(case, tag, message=strip_ansi(message), type=nb.outcome.value)
    if text:
        element.text = excerpt(strip_ansi(text), 20000)


def _diff_text(comparison: CellComparison) -> str:
    lines = []
    for diff in comparison.diffs:
        lines.append(f"[{diff.kind}] {diff.message}")
        if diff.expected is not None:
            lines.append(f"  expected: {diff.expected}")
        if diff.actual is not None:
            lines.append(f"  actual:   {diff.actual}")
    return "\n".join(lines)


def _suite(nb: NotebookResult) -> ET.Element:
    suite = ET.Element("testsuite", name=nb.notebook)
    if nb.started_at:
        suite.set("timestamp", nb.started_at.isoformat())
    classname = _classname(nb.notebook)
    tests = failures = errors = skipped = 0

    case = ET.SubElement(suite, "testcase", name="notebook", classname=classname)
    case.set("time", _seconds(nb.duration_seconds))
    tests += 1
    if nb.outcome is Outcome.SKIPPED:
        ET.SubElement(case, "skipped", message=strip_ansi(nb.message))
        skipped += 1
    elif nb.verdict is not Verdict.PASSED:
        detail = ""
        if nb.execution and nb.execution.failed_cell is not None:
            for cell in nb.execution.cells:
                if cell.index == nb.execution.failed_cell and cell.error:
                    detail = f"{cell.error.ename}: {cell.error.evalue}\n{cell.error.traceback}"
        _fail(case, nb, nb.message, detail)
        if nb.verdict is Verdict.FAILED:
            failures += 1
        else:
            errors += 1

    diffs_by_cell = {}
    if nb.comparison:
        diffs_by_cell = {c.index: c for c in nb.comparison.cells if c.status == "mismatch"}
    for cell in nb.execution.cells if nb.execution else []:
        name = f"cell[{cell.index}]" + (f" {cell.cell_id}" if cell.cell_id else "")
        cell_case = ET.SubElement(suite, "testcase", name=name, classname=classname)
        cell_case.set("time", _seconds(cell.duration_seconds))
        tests += 1
        if cell.status == "not_run":
            ET.SubElement(cell_case, "skipped", message="not run: an earlier cell failed")
            skipped += 1
        elif cell.status != "ok":
            message = f"cell {cell.index} {cell.status}"
            text = ""
            if cell.error:
                message = f"cell {cell.index}: {cell.error.ename}: {cell.error.evalue}"
                text = cell.error.traceback
            _fail(cell_case, nb, message, text)
            if nb.verdict is Verdict.FAILED:
                failures += 1
            else:
                errors += 1
        elif cell.index in diffs_by_cell:
            comparison = diffs_by_cell[cell.index]
            first = comparison.diffs[0].message if comparison.diffs else "differs from golden"
            element = ET.SubElement(
                cell_case, "failure", message=strip_ansi(f"cell {cell.index}: {first}"), type="mismatch"
            )
            element.text = excerpt(strip_ansi(_diff_text(comparison)), 20000)
            failures += 1
    for probe in nb.probes:
        for check in probe.checks:
            probe_case = ET.SubElement(
                suite, "testcase", name=f"probe {probe.endpoint} {check.name}", classname=classname
            )
            probe_case.set("time", _seconds(check.duration_seconds))
            tests += 1
            if not check.passed:
                ET.SubElement(
                    probe_case, "failure", message=strip_ansi(check.message), type=check.outcome.value
                )
                failures += 1
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    suite.set("time", _seconds(nb.duration_seconds))
    return suite


def render_junit(run: RunResult) -> bytes:
    root = ET.Element("testsuites", name=f"nbgate {run.name}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for nb in run.notebooks:
        suite = _suite(nb)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    if run.probes:
        pseudo = NotebookResult(
            notebook="endpoints", outcome=Outcome.PASSED, verdict=Verdict.PASSED, probes=run.probes
        )
        suite = _suite(pseudo)
        # The run-level probe suite has no notebook case of its own.
        suite.remove(suite.find("testcase"))  # type: ignore[arg-type]
        suite.set("tests", str(int(suite.get("tests", "1")) - 1))
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", _seconds(run.duration_seconds))
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def write_junit_report(run: RunResult, output_dir: Path) -> Path:
    return write_atomic(output_dir / "junit.xml", render_junit(run))
