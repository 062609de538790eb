"""The HTML report: one self-contained file for a whole run (``report.html``).

No network fetches (inline CSS, images as ``data:`` URIs, no scripts at all), so it works
offline, as a CI artifact and as a KFP ``HTML`` artifact. A strict CSP
(``default-src 'none'; img-src data:; style-src 'unsafe-inline'``) is the last fence around
untrusted notebook outputs (see ``nbview`` for the others); the report itself needs no JS:
collapsible sections are ``<details>``.

Layout: the run (verdict, commit, trigger, pod profile), a summary table of notebooks, then a
section per notebook: its failure (error, traceback, log tail), its golden differences (text
and tables side by side, numbers against tolerance, images golden/executed/difference), probe
results with latency, per-cell timings, and the executed notebook rendered. Size stays bounded
for hundreds of notebooks: failing notebooks are rendered first, rendering stops at a total
budget, image diffs are capped, long texts are cut with a note.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbgate.files import write_atomic
from nbgate.outcomes import Verdict
from nbgate.report.imagediff import ImageTriple, image_triple
from nbgate.report.nbview import CellView, load_notebook, notebook_view, text_of
from nbgate.results import CellComparison, NotebookResult, OutputDiff, ProbeResult, RunResult
from nbgate.text import excerpt

__all__ = ["CSP", "render_html", "write_html_report"]

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
TOTAL_BUDGET = 20_000_000  # bytes of rendered notebooks in one report
MAX_IMAGE_DIFFS = 40
MAX_DIFF_LINES = 200
MAX_TIMINGS = 400
LOG_TAIL_LINES = 60
_TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Row:
    tag: str  # equal | replace | delete | insert
    left_no: int | None
    left: str
    right_no: int | None
    right: str


@dataclass
class DiffView:
    kind: str
    message: str
    mime: str = ""
    output_index: int | None = None
    rows: list[Row] = field(default_factory=list)
    numbers: list[dict[str, Any]] = field(default_factory=list)
    table_cells: list[dict[str, Any]] = field(default_factory=list)
    image: ImageTriple | None = None
    image_note: str = ""
    raw: OutputDiff | None = None


@dataclass
class CellDiffView:
    index: int | None
    golden_index: int | None
    status: str
    message: str
    diffs: list[DiffView]


@dataclass
class NotebookView:
    anchor: str
    result: NotebookResult
    failure_cell: int | None = None
    failure_text: str = ""
    log_tail: str = ""
    cell_diffs: list[CellDiffView] = field(default_factory=list)
    scrap_diffs: list[DiffView] = field(default_factory=list)
    timings: list[dict[str, Any]] = field(default_factory=list)
    timings_note: str = ""
    max_cell_seconds: float = 0.0
    cells: list[CellView] = field(default_factory=list)
    cells_note: str = ""


def _side_by_side(expected: str | None, actual: str | None) -> list[Row]:
    left = text_of(expected or "").splitlines()
    right = text_of(actual or "").splitlines()
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        n = max(i2 - i1, j2 - j1)
        for k in range(n):
            li, rj = i1 + k, j1 + k
            rows.append(
                Row(
                    tag=tag,
                    left_no=li + 1 if li < i2 else None,
                    left=left[li] if li < i2 else "",
                    right_no=rj + 1 if rj < j2 else None,
                    right=right[rj] if rj < j2 else "",
                )
            )
            if len(rows) >= MAX_DIFF_LINES:
                rows.append(Row("note", None, "… diff cut here", None, ""))
                return rows
    return rows


def _image_data(nb: Any, cell_index: int | None, nth: int, mime: str) -> Any:
    if nb is None or cell_index is None or not 0 <= cell_index < len(nb.cells):
        return None
    found = [o for o in nb.cells[cell_index].get("outputs", []) if mime in (o.get("data") or {})]
    return found[nth]["data"][mime] if nth < len(found) else None


class _Images:
    """Loads the executed and golden notebooks lazily, once, for a notebook's image diffs."""

    def __init__(self, executed: str | None, golden: str | None, base: Path | None) -> None:
        self.paths, self.base = (executed, golden), base
        self.loaded: tuple[Any, Any] | None = None

    def pair(self, cmp: CellComparison, diff: OutputDiff) -> tuple[Any, Any]:
        if self.loaded is None:
            self.loaded = (
                load_notebook(self.paths[0], base=self.base),
                load_notebook(self.paths[1], base=self.base),
            )
        executed, golden = self.loaded
        mime = diff.mime_type or "image/png"
        nth = 0
        if executed is not None and cmp.index is not None and diff.output_index is not None:
            outputs = executed.cells[cmp.index].get("outputs", []) if cmp.index < len(executed.cells) else []
            nth = sum(1 for o in outputs[: diff.output_index] if mime in (o.get("data") or {}))
        golden_index = cmp.golden_index if cmp.golden_index is not None else cmp.index
        return _image_data(executed, cmp.index, nth, mime), _image_data(golden, golden_index, nth, mime)


def _diff_view(
    diff: OutputDiff, cmp: CellComparison | None, images: _Images | None, state: dict[str, int]
) -> DiffView:
    view = DiffView(
        kind=diff.kind,
        message=text_of(diff.message),
        mime=diff.mime_type or "",
        output_index=diff.output_index,
        raw=diff,
    )
    if diff.kind == "image":
        if images is None or cmp is None:
            view.image_note = "images not available"
        elif state["images"] >= MAX_IMAGE_DIFFS:
            view.image_note = f"image not shown: the report shows at most {MAX_IMAGE_DIFFS} image diffs"
        else:
            actual, expected = images.pair(cmp, diff)
            view.image = (
                image_triple(actual, expected) if actual is not None and expected is not None else None
            )
            if view.image is None:
                view.image_note = "the images are not available here (executed or golden notebook not found)"
            else:
                state["images"] += 1
        return view
    numbers = diff.details.get("numbers")
    if isinstance(numbers, list):
        view.numbers = [n for n in numbers if isinstance(n, dict)][:50]
    cells = diff.details.get("cells")
    if isinstance(cells, list):
        view.table_cells = [
            {k: text_of(str(v)) for k, v in c.items()} for c in cells[:50] if isinstance(c, dict)
        ]
    if diff.expected is not None or diff.actual is not None:
        view.rows = _side_by_side(diff.expected, diff.actual)
    return view


def _log_tail(output_dir: Path | None, notebook: str) -> str:
    if output_dir is None:
        return ""
    path = output_dir / "logs" / f"{notebook}.log"
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return ""
    tail = lines[-LOG_TAIL_LINES:]
    note = (
        f"… {len(lines) - len(tail)} earlier lines in logs/{notebook}.log\n" if len(lines) > len(tail) else ""
    )
    return note + text_of("".join(tail))


def _notebook_view(
    nb: NotebookResult, n: int, output_dir: Path | None, state: dict[str, int]
) -> NotebookView:
    view = NotebookView(anchor=f"nb-{n}", result=nb)
    execution, comparison = nb.execution, nb.comparison
    if execution is not None:
        view.failure_cell = execution.failed_cell
        for cell in execution.cells:
            if cell.index == execution.failed_cell:
                if cell.error is not None:
                    view.failure_text = excerpt(
                        text_of(f"{cell.error.ename}: {cell.error.evalue}\n{cell.error.traceback}"), 20_000
                    )
                elif cell.status != "ok":
                    view.failure_text = f"cell {cell.index}: {cell.status}"
        cells = execution.cells
        view.timings = [
            {
                "index": c.index,
                "status": c.status,
                "seconds": c.duration_seconds,
                "memory": c.peak_memory_bytes,
            }
            for c in cells[:MAX_TIMINGS]
        ]
        if len(cells) > MAX_TIMINGS:
            view.timings_note = f"{len(cells) - MAX_TIMINGS} more cells not listed"
        view.max_cell_seconds = max((c.duration_seconds or 0.0 for c in cells), default=0.0)
    if nb.verdict is not Verdict.PASSED:
        view.log_tail = _log_tail(output_dir, nb.notebook)
    if comparison is not None:
        images = _Images(execution.executed_path if execution else None, comparison.golden, output_dir)
        for cmp in comparison.cells:
            if cmp.status not in ("mismatch", "inserted", "removed") and not cmp.diffs:
                continue
            view.cell_diffs.append(
                CellDiffView(
                    index=cmp.index,
                    golden_index=cmp.golden_index,
                    status=cmp.status,
                    message=text_of(cmp.message),
                    diffs=[_diff_view(d, cmp, images, state) for d in cmp.diffs],
                )
            )
        view.scrap_diffs = [_diff_view(d, None, None, state) for d in comparison.scraps]
    return view


def _render_cells(views: list[NotebookView], output_dir: Path | None) -> None:
    """Render executed notebooks, failing ones first, until the report's budget is spent."""
    used = 0
    order = sorted(views, key=lambda v: v.result.verdict is Verdict.PASSED)
    for view in order:
        execution = view.result.execution
        if execution is None or not execution.executed_path:
            continue
        if used > TOTAL_BUDGET:
            view.cells_note = (
                f"not rendered, to keep the report small: open notebooks/{view.result.notebook} instead"
            )
            continue
        nb = load_notebook(execution.executed_path, base=output_dir)
        if nb is None:
            view.cells_note = "the executed notebook is not available here"
            continue
        durations = {c.index: c.duration_seconds for c in execution.cells if c.duration_seconds is not None}
        view.cells, view.cells_note = notebook_view(
            nb, failed_cell=execution.failed_cell, durations=durations
        )
        used += sum(
            len(c.source)
            + len(c.markdown_html)
            + sum(len(o.text) + len(o.html) + len(o.src) for o in c.outputs)
            for c in view.cells
        )


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.1f} s"
    return f"{value / 60:.1f} min"


def _bytes(value: int | None) -> str:
    if not value:
        return "—"
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "—" if value is None else str(value)


def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["seconds"] = _seconds
    env.filters["bytes"] = _bytes
    env.filters["num"] = _number
    env.filters["safe_text"] = text_of
    return env


def _probes(probes: list[ProbeResult]) -> list[ProbeResult]:
    from nbgate.redact import redact_model

    return [redact_model(p) for p in probes]


def render_html(run: RunResult, output_dir: Path | None = None) -> str:
    """The report as one HTML document. ``output_dir`` is where logs and relative paths are found."""
    from nbgate.redact import redact_model

    run = redact_model(run)
    state = {"images": 0}
    views = [_notebook_view(nb, n, output_dir, state) for n, nb in enumerate(run.notebooks)]
    _render_cells(views, output_dir)
    template = _environment().get_template("report.html.j2")
    return str(
        template.render(
            run=run,
            notebooks=views,
            csp=CSP,
            run_probes=_probes(run.probes),
            css=(_TEMPLATES / "report.css").read_text(encoding="utf-8"),
        )
    )


def write_html_report(run: RunResult, output_dir: Path) -> Path:
    return write_atomic(output_dir / "report.html", render_html(run, output_dir))
