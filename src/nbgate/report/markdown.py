"""A Markdown summary for pull-request comments and the KFP UI (``summary.md``)."""

from __future__ import annotations

import os
from pathlib import Path

from nbgate.outcomes import Verdict
from nbgate.results import RunResult

__all__ = ["render_markdown", "write_markdown_report"]

_ICON = {Verdict.PASSED: "✅", Verdict.FAILED: "❌", Verdict.ERROR: "⛔", Verdict.TRANSIENT: "⚠️"}


def _cell(text: str) -> str:
    # Table cells: no pipes or newlines; notebook text is untrusted, so no raw HTML either.
    return " ".join(text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").split())[:300]


def render_markdown(run: RunResult) -> str:
    lines = [f"## nbgate: {_ICON[run.verdict]} {run.verdict.value} — {_cell(run.name)}", ""]
    if run.source and run.source.commit:
        lines.append(f"Commit `{run.source.commit[:12]}` of {_cell(run.source.url or '')}")
        lines.append("")
    lines.append(f"{_cell(run.message)} in {run.duration_seconds:.1f} s.")
    lines += ["", "| notebook | verdict | outcome | time | message |", "|---|---|---|---|---|"]
    for nb in run.notebooks:
        duration = f"{nb.duration_seconds:.1f} s" if nb.duration_seconds is not None else "—"
        lines.append(
            f"| `{_cell(nb.notebook)}` | {_ICON[nb.verdict]} {nb.verdict.value} | {nb.outcome.value} "
            f"| {duration} | {_cell(nb.message)} |"
        )
    return "\n".join(lines) + "\n"


def write_markdown_report(run: RunResult, output_dir: Path) -> Path:
    path = output_dir / "summary.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render_markdown(run), encoding="utf-8")
    os.replace(tmp, path)
    return path
