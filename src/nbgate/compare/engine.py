"""The golden-compare engine: align cells, compare each pair's outputs, compare scraps."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nbgate.compare.align import align
from nbgate.compare.controls import CellControl, cell_control
from nbgate.compare.notebook import load_notebook, notebook_options
from nbgate.compare.options import CompareOptions
from nbgate.compare.outputs import Context, compare_outputs, compare_text_value, joined
from nbgate.compare.sanitize import sanitizer_for
from nbgate.compare.scraps import decoded_value, read_scraps
from nbgate.compare.structured import compare_structured
from nbgate.compare.text import Tolerance
from nbgate.outcomes import Outcome
from nbgate.results import CellComparison, CompareResult, OutputDiff

__all__ = ["compare_notebooks"]


def compare_notebooks(
    executed: Path | str | dict[str, Any],
    golden: Path | str | dict[str, Any],
    options: CompareOptions | None = None,
    *,
    notebook: str | None = None,
    golden_name: str | None = None,
) -> CompareResult:
    with _cyclic_gc_paused():
        return _compare_notebooks(executed, golden, options, notebook=notebook, golden_name=golden_name)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while comparing (restored after, also on errors).

    Loading two notebooks creates hundreds of thousands of dicts and lists, which the collector
    then counts as long-lived: the next full collection, due during the comparison, walks all of
    them (about 50 ms for a 20 MB pair, more than the comparison of its 2,000 cells' text) to
    free nothing, since notebooks hold no reference cycles. Paused, the comparison frees them by
    reference counting when it returns, and a later collection no longer finds them.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _compare_notebooks(
    executed: Path | str | dict[str, Any],
    golden: Path | str | dict[str, Any],
    options: CompareOptions | None,
    *,
    notebook: str | None,
    golden_name: str | None,
) -> CompareResult:
    started = time.perf_counter()
    nb_a, name_a = load_notebook(executed, "executed")
    nb_g, name_g = load_notebook(golden, "golden")
    base_dir = Path(golden).parent if isinstance(golden, (str, Path)) else None
    opts = notebook_options(options or CompareOptions(), nb_g, nb_a)
    cells_a, cells_g = nb_a["cells"], nb_g["cells"]

    comparisons: list[CellComparison] = []
    contexts: dict[tuple[float, float], Context] = {}
    sanitizer = sanitizer_for(opts, base_dir)

    def context(control: CellControl) -> Context:
        rtol = opts.rtol if control.rtol is None else control.rtol
        atol = opts.atol if control.atol is None else control.atol
        if (rtol, atol) not in contexts:
            tol = Tolerance(rtol, atol, opts.exact_integers, opts.whitespace == "normalize")
            contexts[(rtol, atol)] = Context(opts, tol, sanitizer)
        return contexts[(rtol, atol)]

    for pair in align(cells_a, cells_g):
        if pair.golden is None:
            assert pair.actual is not None
            cell = cells_a[pair.actual]
            comparisons.append(
                CellComparison(
                    index=pair.actual,
                    cell_id=cell.get("id"),
                    status="inserted",
                    message="a code cell the golden does not have",
                )
            )
            continue
        if pair.actual is None:
            cell = cells_g[pair.golden]
            comparisons.append(
                CellComparison(
                    golden_index=pair.golden,
                    cell_id=cell.get("id"),
                    status="removed",
                    message="a code cell of the golden is missing from the executed notebook",
                )
            )
            continue
        comparisons.append(
            _compare_cell(
                pair.actual, pair.golden, cells_a=cells_a, cells_g=cells_g, opts=opts, context=context
            )
        )

    scrap_diffs = (
        _compare_scraps(cells_a, cells_g, opts, context(CellControl())) if opts.compare_scraps else []
    )
    counts: dict[str, int] = {}
    for c in comparisons:
        counts[c.status] = counts.get(c.status, 0) + 1
    bad = [c for c in comparisons if c.status in ("mismatch", "inserted", "removed")]
    outcome = Outcome.MISMATCH if bad or scrap_diffs else Outcome.PASSED
    return CompareResult(
        notebook=notebook or name_a,
        golden=golden_name or name_g,
        outcome=outcome,
        message=_summary(bad, scrap_diffs, counts),
        cells=comparisons,
        scraps=scrap_diffs,
        duration_seconds=round(time.perf_counter() - started, 6),
        counts=counts,
    )


def _compare_cell(
    ia: int,
    ig: int,
    *,
    cells_a: list[dict[str, Any]],
    cells_g: list[dict[str, Any]],
    opts: CompareOptions,
    context: Callable[[CellControl], Context],
) -> CellComparison:
    ca, cg = cells_a[ia], cells_g[ig]
    base: dict[str, Any] = {"index": ia, "golden_index": ig, "cell_id": ca.get("id") or cg.get("id")}
    control = cell_control(ca, cg, f"cell {ia}")
    if control.skip:
        return CellComparison(**base, status="skipped", message=f"not compared ({control.reason})")
    outs_a, outs_g = ca.get("outputs") or [], cg.get("outputs") or []
    ctx = context(control)
    # nbval fails a cell that raised without being marked, whatever its output check says.
    unexpected = [] if control.raises else [o for o in outs_a if o.get("output_type") == "error"]
    error_diffs = [
        OutputDiff(
            output_index=outs_a.index(o),
            output_type="error",
            kind="error",
            message=(
                f"the cell raised {o.get('ename')}: {str(o.get('evalue'))[:200]} "
                "(tag it raises-exception if that is expected)"
            ),
            actual=f"{o.get('ename')}: {str(o.get('evalue'))[: opts.max_excerpt]}",
        )
        for o in unexpected
    ]
    check = control.check if control.check is not None else not opts.lax
    if not check:
        status = "mismatch" if error_diffs else "skipped"
        why = control.reason or "lax mode: not marked NBVAL_CHECK_OUTPUT"
        return CellComparison(
            **base, status=status, message=f"outputs not compared ({why})", diffs=error_diffs
        )
    if cg.get("execution_count") is None and not outs_g:
        # As nbval: a golden cell that was never run pins nothing.
        status = "mismatch" if error_diffs else "skipped"
        return CellComparison(**base, status=status, message="the golden cell was not run", diffs=error_diffs)
    if _not_run(ca) and outs_g:
        return CellComparison(
            **base,
            status="mismatch",
            diffs=[
                OutputDiff(
                    kind="not_run",
                    message="the cell did not run in the executed notebook "
                    "(an earlier cell failed or the run stopped)",
                )
            ],
        )
    if outs_a == outs_g:
        diffs: list[OutputDiff] = []
    else:
        diffs = compare_outputs(outs_a, outs_g, ctx)
    if error_diffs:
        # An unexpected error already compared as an output difference is not reported twice.
        reported = {d.output_index for d in diffs if d.kind == "error"}
        diffs.extend(d for d in error_diffs if d.output_index not in reported)
    return CellComparison(**base, status="mismatch" if diffs else "match", diffs=diffs)


def _not_run(cell: dict[str, Any]) -> bool:
    status = ((cell.get("metadata") or {}).get("papermill") or {}).get("status")
    if status == "pending":
        return True
    return cell.get("execution_count") is None and not cell.get("outputs")


def _compare_scraps(
    cells_a: list[dict[str, Any]], cells_g: list[dict[str, Any]], opts: CompareOptions, ctx: Context
) -> list[OutputDiff]:
    sa, sg = read_scraps(cells_a), read_scraps(cells_g)
    diffs: list[OutputDiff] = []
    for name in dict.fromkeys([*sg, *sa]):
        per = opts.scraps.get(name)
        if per is not None and per.ignore:
            continue
        base: dict[str, Any] = {"details": {"scrap": name}}
        if name not in sa:
            diffs.append(
                OutputDiff(
                    **base, kind="missing", message=f"scrap {name!r} is missing from the executed notebook"
                )
            )
            continue
        if name not in sg:
            if not opts.allow_extra_scraps:
                diffs.append(OutputDiff(**base, kind="extra", message=f"scrap {name!r} is not in the golden"))
            continue
        a, g = sa[name], sg[name]
        if a.encoder != g.encoder:
            diffs.append(
                OutputDiff(
                    **base,
                    kind="scrap",
                    message=f"scrap {name!r} is encoded as {a.encoder}, the golden as {g.encoder}",
                )
            )
            continue
        if a.data == g.data:
            continue
        tol = ctx.tolerance
        if per is not None and (per.rtol is not None or per.atol is not None):
            tol = Tolerance(
                per.rtol if per.rtol is not None else tol.rtol,
                per.atol if per.atol is not None else tol.atol,
                tol.exact_integers,
                tol.normalize_whitespace,
            )
        scrap_ctx = Context(opts, tol, ctx.sanitizer)
        if a.encoder == "text":
            d = compare_text_value(joined(a.data), joined(g.data), scrap_ctx, base, what=f"scrap {name!r}")
            if d is not None:
                d.kind = "scrap"
                diffs.append(d)
            continue
        s = compare_structured(decoded_value(a), decoded_value(g), tol, opts.max_details)
        if not s.equal:
            diffs.append(
                OutputDiff(
                    kind="scrap",
                    message=f"scrap {name!r} differs: {s.changes[0] if s.changes else 'structure'}",
                    expected=_short(g.data, opts.max_excerpt),
                    actual=_short(a.data, opts.max_excerpt),
                    max_abs_error=s.max_abs_error or None,
                    max_rel_error=s.max_rel_error or None,
                    rtol=tol.rtol,
                    atol=tol.atol,
                    details={"scrap": name, "changes": s.changes},
                )
            )
    return diffs


def _short(value: Any, limit: int) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(bad: list[CellComparison], scraps: list[OutputDiff], counts: dict[str, int]) -> str:
    compared = sum(counts.values())
    if not bad and not scraps:
        return (
            f"matches the golden ({counts.get('match', 0)} cells matched, {counts.get('skipped', 0)} skipped)"
        )
    parts = []
    if bad:
        first = bad[0]
        where = f"cell {first.index}" if first.index is not None else f"golden cell {first.golden_index}"
        what = first.diffs[0].message if first.diffs else first.message
        parts.append(f"{len(bad)} of {compared} cells differ from the golden; first: {where}: {what}")
    if scraps:
        parts.append(f"{len(scraps)} scrap difference(s); first: {scraps[0].message}")
    return "; ".join(parts)
