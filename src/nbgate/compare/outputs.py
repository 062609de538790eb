"""One cell's outputs against the golden's: streams per name, then rich outputs in order.

Identical values are skipped by a plain equality test before anything is parsed, so a cell
whose outputs did not change costs a string comparison. For each rich output the richest MIME
type both sides have is compared (a DataFrame's HTML table rather than its text repr, a
figure's pixels rather than ``<Figure size …>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nbgate.compare.images import compare_images
from nbgate.compare.markup import Document, Table, parse_markup
from nbgate.compare.options import CompareOptions
from nbgate.compare.sanitize import Sanitizer
from nbgate.compare.scraps import is_scrap_output
from nbgate.compare.streams import merge_streams
from nbgate.compare.structured import compare_structured
from nbgate.compare.text import Tolerance, compare_text, excerpt, first_difference, text_equal
from nbgate.results import OutputDiff

__all__ = ["Context", "compare_outputs", "compare_text_value", "joined"]

_ALWAYS_IGNORED = {"application/vnd.jupyter.widget-view+json"}  # model ids are random per run
_RICH = ("execute_result", "display_data", "error")


@dataclass
class Context:
    options: CompareOptions
    tolerance: Tolerance
    sanitizer: Sanitizer


def joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rank(mime: str) -> int:
    if mime == "image/png":
        return 0
    if mime == "image/jpeg":
        return 1
    if mime == "image/svg+xml":
        return 2
    if mime == "text/html":
        return 3
    if mime == "application/json" or mime.endswith("+json"):
        return 4
    if mime in ("text/latex", "text/markdown"):
        return 5
    if mime == "text/plain":
        return 7
    if mime.startswith("text/"):
        return 6
    return 8


def compare_text_value(
    actual: str, golden: str, ctx: Context, base: dict[str, Any], *, what: str = "text"
) -> OutputDiff | None:
    """Sanitize both, compare with tolerance; an OutputDiff with bounded excerpts if they differ."""
    if actual == golden:
        return None
    tol = ctx.tolerance
    # Equal when the sanitized texts are, or the raw ones (without whitespace normalization).
    # The sanitized comparison goes first: it passes float noise as well (sanitizers leave
    # numbers alone), and where a volatile value differs the raw one would be spent in vain.
    # The raw one can only add a pass where sanitizing changed a text (a rule took part of a
    # number, say); unchanged texts it compares like the sanitized one, with stricter whitespace.
    sa, sg = ctx.sanitizer.apply(actual), ctx.sanitizer.apply(golden)
    if text_equal(sa, sg, tol):
        return None
    if (sa != actual or sg != golden) and text_equal(actual, golden, tol, normalize=False):
        return None
    result = compare_text(sa, sg, tol, ctx.options.max_details)  # the details of the difference
    base = dict(base)
    extra = base.pop("details", {})
    limit = ctx.options.max_excerpt
    if result.kind == "number":
        first = result.number_diffs[0]
        more = result.mismatched_numbers - 1
        message = (
            f"{what}: number {first.expected} became {first.actual} on line {first.line} "
            f"(abs err {first.abs_error:.3g}, rel err {first.rel_error:.3g}; "
            f"allowed {tol.atol:g} + {tol.rtol:g}*|golden|)"
            + (f"; {more} more numbers differ" if more else "")
        )
        line = first.line - 1
        return OutputDiff(
            **base,
            kind="number",
            message=message,
            expected=excerpt(sg, line, limit),
            actual=excerpt(sa, line, limit),
            max_abs_error=result.max_abs_error,
            max_rel_error=result.max_rel_error,
            rtol=tol.rtol,
            atol=tol.atol,
            details={
                "numbers": [
                    {
                        "index": d.index,
                        "line": d.line,
                        "expected": d.expected,
                        "actual": d.actual,
                        "absError": d.abs_error,
                        "relError": d.rel_error,
                    }
                    for d in result.number_diffs
                ],
                "mismatchedNumbers": result.mismatched_numbers,
                **extra,
            },
        )
    line = first_difference(sa, sg)
    return OutputDiff(
        **base,
        kind="text",
        message=f"{what} differs from line {line + 1}",
        expected=excerpt(sg, line, limit),
        actual=excerpt(sa, line, limit),
        details=extra,
    )


def compare_outputs(
    actual: list[dict[str, Any]], golden: list[dict[str, Any]], ctx: Context
) -> list[OutputDiff]:
    diffs: list[OutputDiff] = []
    diffs.extend(_compare_streams(actual, golden, ctx))
    rich_a = [
        (i, o) for i, o in enumerate(actual) if o.get("output_type") in _RICH and not is_scrap_output(o)
    ]
    rich_g = [
        (i, o) for i, o in enumerate(golden) if o.get("output_type") in _RICH and not is_scrap_output(o)
    ]
    rich_a = [(i, o) for i, o in rich_a if _has_comparable_data(o, ctx)]
    rich_g = [(i, o) for i, o in rich_g if _has_comparable_data(o, ctx)]
    for (ia, oa), (_, og) in zip(rich_a, rich_g, strict=False):
        diff = _compare_rich(ia, oa, og, ctx)
        if diff is not None:
            diffs.append(diff)
    limit = ctx.options.max_excerpt
    for ia, oa in rich_a[len(rich_g) :]:
        diffs.append(
            OutputDiff(
                output_index=ia,
                output_type=oa.get("output_type"),
                kind="extra",
                message=f"an extra {oa.get('output_type')} output the golden does not have",
                actual=_clip(_summary(oa), limit),
            )
        )
    for _, og in rich_g[len(rich_a) :]:
        diffs.append(
            OutputDiff(
                output_type=og.get("output_type"),
                kind="missing",
                message=f"the golden's {og.get('output_type')} output is missing",
                expected=_clip(_summary(og), limit),
            )
        )
    return diffs


def _has_comparable_data(output: dict[str, Any], ctx: Context) -> bool:
    if output.get("output_type") == "error":
        return True
    return any(
        m not in _ALWAYS_IGNORED and m not in ctx.options.ignore_mime_types for m in output.get("data") or {}
    )


def _summary(output: dict[str, Any]) -> str:
    if output.get("output_type") == "error":
        return f"{output.get('ename')}: {output.get('evalue')}"
    data = output.get("data") or {}
    if "text/plain" in data:
        return joined(data["text/plain"])
    return ", ".join(sorted(data))


def _compare_streams(
    actual: list[dict[str, Any]], golden: list[dict[str, Any]], ctx: Context
) -> list[OutputDiff]:
    sa, sg = merge_streams(actual), merge_streams(golden)
    diffs: list[OutputDiff] = []
    for name in dict.fromkeys([*sg, *sa]):
        if name == "stderr" and ctx.options.ignore_stderr:
            continue
        base: dict[str, Any] = {"output_type": "stream", "details": {"stream": name}}
        if name not in sa:
            diffs.append(
                OutputDiff(
                    **base,
                    kind="missing",
                    message=f"{name} is missing",
                    expected=_clip(sg[name], ctx.options.max_excerpt),
                )
            )
        elif name not in sg:
            diffs.append(
                OutputDiff(
                    **base,
                    kind="extra",
                    message=f"an extra {name} stream the golden does not have",
                    actual=_clip(sa[name], ctx.options.max_excerpt),
                )
            )
        else:
            diff = compare_text_value(sa[name], sg[name], ctx, base, what=name)
            if diff is not None:
                diffs.append(diff)
    return diffs


def _compare_rich(
    index: int, actual: dict[str, Any], golden: dict[str, Any], ctx: Context
) -> OutputDiff | None:
    ta, tg = actual.get("output_type"), golden.get("output_type")
    base: dict[str, Any] = {"output_index": index, "output_type": ta}
    if (ta == "error") != (tg == "error"):
        return OutputDiff(
            **base,
            kind="error" if ta == "error" else "missing",
            message=(
                f"the cell raised {actual.get('ename')}: {_clip(str(actual.get('evalue')), 120)}"
                if ta == "error"
                else f"the golden raised {golden.get('ename')} here; the executed cell did not"
            ),
            expected=_clip(_summary(golden), ctx.options.max_excerpt),
            actual=_clip(_summary(actual), ctx.options.max_excerpt),
        )
    if ta == "error":
        if actual.get("ename") != golden.get("ename"):
            return OutputDiff(
                **base,
                kind="error",
                message=f"raised {actual.get('ename')}, the golden raised {golden.get('ename')}",
                expected=_clip(_summary(golden), ctx.options.max_excerpt),
                actual=_clip(_summary(actual), ctx.options.max_excerpt),
            )
        return compare_text_value(
            str(actual.get("evalue", "")), str(golden.get("evalue", "")), ctx, base, what="error value"
        )
    return _compare_bundle(base, actual.get("data") or {}, golden.get("data") or {}, ctx)


def _compare_bundle(
    base: dict[str, Any], da: dict[str, Any], dg: dict[str, Any], ctx: Context
) -> OutputDiff | None:
    ignored = _ALWAYS_IGNORED | set(ctx.options.ignore_mime_types)
    common = sorted((m for m in dg if m in da and m not in ignored), key=_rank)
    if not common:
        return OutputDiff(
            **base,
            kind="mime",
            message=f"no MIME type in common: golden has {sorted(dg)}, executed has {sorted(da)}",
        )
    mime = common[0]
    base = {**base, "mime_type": mime}
    va, vg = da[mime], dg[mime]
    if va == vg:
        return None
    if mime in ("image/png", "image/jpeg"):
        if not ctx.options.images.compare:
            return None
        cmp = compare_images(va, vg, ctx.options.images)
        if cmp.equal:
            return None
        details: dict[str, Any] = {}
        if cmp.size_actual:
            details["sizeActual"] = list(cmp.size_actual)
        if cmp.size_expected:
            details["sizeExpected"] = list(cmp.size_expected)
        return OutputDiff(
            **base,
            kind="image",
            message=cmp.message,
            mean_pixel_diff=cmp.mean_diff,
            changed_pixel_fraction=cmp.changed_fraction,
            details=details,
        )
    if mime == "application/json" or mime.endswith("+json"):
        s = compare_structured(va, vg, ctx.tolerance, ctx.options.max_details)
        if s.equal:
            return None
        return OutputDiff(
            **base,
            kind="json",
            message=f"{mime} differs: {s.changes[0] if s.changes else 'structure'}",
            max_abs_error=s.max_abs_error or None,
            max_rel_error=s.max_rel_error or None,
            rtol=ctx.tolerance.rtol,
            atol=ctx.tolerance.atol,
            details={"changes": s.changes},
        )
    ta, tg = joined(va), joined(vg)
    if mime in ("text/html", "image/svg+xml"):
        return _compare_markup(base, ta, tg, ctx, svg=mime == "image/svg+xml")
    if mime.startswith("text/"):
        return compare_text_value(ta, tg, ctx, base, what=mime)
    return OutputDiff(**base, kind="data", message=f"{mime} data differs (compared exactly)")


def _compare_markup(
    base: dict[str, Any], actual: str, golden: str, ctx: Context, *, svg: bool
) -> OutputDiff | None:
    # Same markup up to numbers within tolerance: equal cell-wise too, without parsing.
    if text_equal(actual, golden, ctx.tolerance, normalize=False):
        return None
    doc_a, doc_g = parse_markup(actual), parse_markup(golden)
    if not svg and (doc_a.tables or doc_g.tables):
        diff = _compare_tables(base, doc_a, doc_g, ctx)
        if diff is not None:
            return diff
    return compare_text_value(doc_a.text, doc_g.text, ctx, base, what="SVG" if svg else "HTML")


def _compare_tables(base: dict[str, Any], da: Document, dg: Document, ctx: Context) -> OutputDiff | None:
    if len(da.tables) != len(dg.tables):
        return OutputDiff(
            **base,
            kind="table",
            message=f"{len(da.tables)} tables, the golden has {len(dg.tables)}",
        )
    for n, (ta, tg) in enumerate(zip(da.tables, dg.tables, strict=False)):
        diff = _compare_table(base, n, ta, tg, ctx)
        if diff is not None:
            return diff
    return None


def _cells_close(a: str, g: str, ctx: Context) -> tuple[bool, float, float]:
    if a == g:
        return True, 0.0, 0.0
    r = compare_text(ctx.sanitizer.apply(a), ctx.sanitizer.apply(g), ctx.tolerance)
    return r.equal, r.max_abs_error, r.max_rel_error


def _compare_table(base: dict[str, Any], n: int, ta: Table, tg: Table, ctx: Context) -> OutputDiff | None:
    label = f"table {n + 1}" if n else "table"
    limit = ctx.options.max_excerpt
    head_a = [[c.text for c in row] for row in ta.head]
    head_g = [[c.text for c in row] for row in tg.head]
    same_head = len(head_a) == len(head_g) and all(
        len(ra) == len(rg) and all(_cells_close(a, g, ctx)[0] for a, g in zip(ra, rg, strict=False))
        for ra, rg in zip(head_a, head_g, strict=False)
    )
    if not same_head:
        return OutputDiff(
            **base,
            kind="table",
            message=f"{label}: column names differ",
            expected=_clip(" | ".join(tg.columns), limit),
            actual=_clip(" | ".join(ta.columns), limit),
            details={"columnsExpected": tg.columns[:50], "columnsActual": ta.columns[:50]},
        )
    if ta.shape() != tg.shape():
        return OutputDiff(
            **base,
            kind="table",
            message=f"{label}: shape {ta.shape()} differs from the golden's {tg.shape()}",
            details={"shapeActual": list(ta.shape()), "shapeExpected": list(tg.shape())},
        )
    columns = tg.columns
    cells: list[dict[str, Any]] = []
    mismatched = 0
    max_abs = max_rel = 0.0
    for r, (row_a, row_g) in enumerate(zip(ta.body, tg.body, strict=False)):
        if [c.text for c in row_a] == [c.text for c in row_g]:
            continue
        index = " / ".join(c.text for c in row_g if c.header) or str(r)
        n_index = sum(1 for c in row_g if c.header)
        for k, (ca, cg) in enumerate(zip(row_a, row_g, strict=False)):
            ok, abs_err, rel_err = _cells_close(ca.text, cg.text, ctx)
            max_abs, max_rel = max(max_abs, abs_err), max(max_rel, rel_err)
            if ok:
                continue
            mismatched += 1
            if len(cells) < ctx.options.max_details:
                col = k if len(row_g) == len(columns) else k + (len(columns) - len(row_g))
                name = columns[col] if 0 <= col < len(columns) and k >= n_index else f"column {k}"
                cells.append({"row": index, "column": name, "expected": cg.text, "actual": ca.text})
    if not mismatched:
        return None
    first = cells[0]
    what = "index" if first["column"] == "" else f"column {first['column']!r}"
    return OutputDiff(
        **base,
        kind="table",
        message=(
            f"{label}: {mismatched} cell(s) differ; first at row {first['row']!r}, {what}: "
            f"{first['expected']} → {first['actual']}"
        ),
        expected=_clip("; ".join(f"[{c['row']}, {c['column']}] {c['expected']}" for c in cells), limit),
        actual=_clip("; ".join(f"[{c['row']}, {c['column']}] {c['actual']}" for c in cells), limit),
        max_abs_error=max_abs or None,
        max_rel_error=max_rel or None,
        rtol=ctx.tolerance.rtol,
        atol=ctx.tolerance.atol,
        details={"cells": cells, "mismatchedCells": mismatched},
    )
