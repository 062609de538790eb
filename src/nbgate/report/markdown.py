"""A Markdown summary for pull-request comments and the KFP UI (``summary.md``).

GitHub-flavoured Markdown: a headline with the verdict, the commit and trigger, a table of
notebooks, then for each failing notebook what went wrong (the failing cell's error, the first
golden differences with expected/actual and the numeric error against tolerance, failed probe
checks) inside ``<details>``. Notebook text is untrusted: it is redacted, its HTML escaped, and
it goes only into table cells or fenced code blocks. The whole comment stays under GitHub's
65,536-character limit.
"""

from __future__ import annotations

from pathlib import Path

from nbgate.files import write_atomic
from nbgate.outcomes import Verdict
from nbgate.results import NotebookResult, ProbeResult, RunResult
from nbgate.text import strip_ansi

__all__ = ["MAX_CHARS", "render_markdown", "write_markdown_report"]

_ICON = {Verdict.PASSED: "✅", Verdict.FAILED: "❌", Verdict.ERROR: "⛔", Verdict.TRANSIENT: "⚠️"}
MAX_CHARS = 60_000  # GitHub rejects comments over 65,536 characters
MAX_DIFFS = 5  # per notebook
MAX_BLOCK = 1_500  # characters per code block
TABLE_CHARS = 30_000  # the notebooks table; failure details get the rest


def _cell(text: str) -> str:
    # Table cells: no pipes or newlines; notebook text is untrusted, so no raw HTML either.
    return " ".join(text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").split())[:300]


def _block(text: str) -> str:
    """A fenced code block that the text cannot close early."""
    body = strip_ansi(text)
    if len(body) > MAX_BLOCK:
        body = body[:MAX_BLOCK] + f"\n… [{len(body) - MAX_BLOCK} more characters]"
    fence = "```"
    while fence in body:
        fence += "`"
    return f"{fence}text\n{body}\n{fence}"


def _seconds(value: float | None) -> str:
    return f"{value:.1f} s" if value is not None else "—"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def _failure_details(nb: NotebookResult) -> list[str]:
    lines: list[str] = []
    execution = nb.execution
    if execution is not None and execution.failed_cell is not None:
        for cell in execution.cells:
            if cell.index == execution.failed_cell and cell.error is not None:
                lines += [
                    f"**Cell {cell.index}** raised `{_cell(cell.error.ename)}`:",
                    "",
                    _block(f"{cell.error.ename}: {cell.error.evalue}\n{cell.error.traceback}"),
                    "",
                ]
    if nb.comparison is not None:
        shown = 0
        for cmp in nb.comparison.cells:
            for diff in cmp.diffs:
                if shown >= MAX_DIFFS:
                    break
                shown += 1
                where = f"cell {cmp.index}" if cmp.index is not None else f"golden cell {cmp.golden_index}"
                lines.append(f"- **{where}** `{diff.kind}`: {_cell(diff.message)}")
                if diff.max_abs_error is not None or diff.max_rel_error is not None:
                    lines.append(
                        f"  - max abs error {_num(diff.max_abs_error)}, "
                        f"max rel error {_num(diff.max_rel_error)} "
                        f"(rtol {_num(diff.rtol)}, atol {_num(diff.atol)})"
                    )
                if diff.kind == "image":
                    lines.append(
                        f"  - mean pixel difference {_num(diff.mean_pixel_diff)}/255, "
                        f"changed blocks {_num(diff.changed_pixel_fraction)}"
                    )
                elif diff.expected is not None or diff.actual is not None:
                    lines += [
                        "",
                        "  | golden | executed |",
                        "  |---|---|",
                        f"  | {_cell(diff.expected or '')} | {_cell(diff.actual or '')} |",
                        "",
                    ]
        total = sum(len(c.diffs) for c in nb.comparison.cells)
        if total > shown:
            lines.append(f"- … and {total - shown} more differences (see the HTML report)")
        for diff in nb.comparison.scraps[:MAX_DIFFS]:
            lines.append(f"- **scrap** `{diff.kind}`: {_cell(diff.message)}")
    lines += _probe_lines(nb.probes, failed_only=True)
    return lines


def _probe_lines(probes: list[ProbeResult], *, failed_only: bool) -> list[str]:
    lines: list[str] = []
    for probe in probes:
        for check in probe.checks:
            if failed_only and check.passed:
                continue
            latency = "".join(
                f", {q} {_seconds(check.details[q])}"
                for q in ("p50", "p95", "p99")
                if isinstance(check.details.get(q), (int, float))
            )
            mark = "✅" if check.passed else "❌"
            lines.append(
                f"- {mark} endpoint `{_cell(probe.endpoint)}` {_cell(check.name)}: {_cell(check.message)}"
                f" ({_seconds(check.duration_seconds)}{latency})"
            )
    return lines


def render_markdown(run: RunResult) -> str:
    from nbgate.redact import redact_model

    run = redact_model(run)
    lines = [f"## nbgate: {_ICON[run.verdict]} {run.verdict.value} — {_cell(run.name)}", ""]
    if run.source and run.source.commit:
        lines.append(f"Commit `{run.source.commit[:12]}` of {_cell(run.source.url or '')}")
        lines.append("")
    trigger = run.audit.get("trigger")
    if isinstance(trigger, dict) and trigger.get("type"):
        who = f" by {_cell(str(trigger['pusher']))}" if trigger.get("pusher") else ""
        lines += [f"Triggered by {_cell(str(trigger['type']))}{who} · run `{_cell(run.run_id)}`", ""]
    lines.append(f"{_cell(run.message)} in {run.duration_seconds:.1f} s.")
    lines += ["", "| notebook | verdict | outcome | time | message |", "|---|---|---|---|---|"]
    rows = [
        f"| `{_cell(nb.notebook)}` | {_ICON[nb.verdict]} {nb.verdict.value} | {nb.outcome.value} "
        f"| {_seconds(nb.duration_seconds)} | {_cell(nb.message)} |"
        for nb in run.notebooks
    ]
    if sum(len(r) + 1 for r in rows) > TABLE_CHARS:
        # Hundreds of notebooks: the failing ones first, as many as fit, then a count.
        order = sorted(range(len(rows)), key=lambda i: run.notebooks[i].verdict is Verdict.PASSED)
        used, kept = 0, []
        for i in order:
            if used + len(rows[i]) > TABLE_CHARS:
                break
            kept.append(rows[i])
            used += len(rows[i]) + 1
        rows = [*kept, f"| … {len(rows) - len(kept)} more notebooks | | | | see the HTML report |"]
    lines += rows
    if run.probes:
        lines += ["", "### Endpoints", "", *_probe_lines(run.probes, failed_only=False)]
    failing = [nb for nb in run.notebooks if nb.verdict is not Verdict.PASSED]
    body = "\n".join(lines) + "\n"
    for nb in failing:
        details = _failure_details(nb)
        if not details:
            continue
        section = (
            "\n".join(
                [
                    "",
                    f"<details><summary>{_cell(nb.notebook)}: {nb.outcome.value}</summary>",
                    "",
                    *details,
                    "",
                    "</details>",
                ]
            )
            + "\n"
        )
        if len(body) + len(section) > MAX_CHARS:
            body += "\n… more failures not shown (comment size limit): see the HTML report.\n"
            break
        body += section
    return body


def write_markdown_report(run: RunResult, output_dir: Path) -> Path:
    return write_atomic(output_dir / "summary.md", render_markdown(run))
