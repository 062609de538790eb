"""The engine on small notebooks built in memory: alignment, controls, every output type.

These are real outputs as kernels write them (copied shapes of IPython/pandas/matplotlib
outputs), compared by the real engine; the executed-notebook tests live in test_compare_rerun.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest

from nbgate.compare.options import CompareOptions
from nbgate.compare.render import render_text
from nbgate.compare.sanitize import parse_nbval_sanitize_file, sanitizer_for
from nbgate.errors import InputError
from nbgate.outcomes import Outcome
from nbgate.steps.compare import compare


def cell(
    source: str, outputs: list[dict[str, Any]], *, tags: list[str] | None = None, cid: str | None = None
) -> Any:
    c = nbformat.v4.new_code_cell(source)
    c.outputs = [nbformat.from_dict(o) for o in outputs]
    c.execution_count = 1
    if tags:
        c.metadata["tags"] = tags
    if cid:
        c.id = cid
    return c


def nb(*cells: Any, meta: dict[str, Any] | None = None) -> Any:
    n = nbformat.v4.new_notebook()
    n.cells = list(cells)
    n.metadata.update(meta or {})
    return n


def out(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def result(value: str, mime: str = "text/plain", **more: Any) -> dict[str, Any]:
    return {
        "output_type": "execute_result",
        "execution_count": 1,
        "metadata": {},
        "data": {mime: value, **more},
    }


def test_streams_are_merged_and_carriage_returns_applied() -> None:
    golden = nb(cell("p()", [out("step 3/3\nloss 0.5\n")]))
    executed = nb(cell("p()", [out("step 1/3\rstep 2"), out("/3\rstep 3/3\nloss "), out("0.5\n")]))
    assert compare(executed, golden).outcome == Outcome.PASSED


def test_numpy_repr_rewrapped_and_repadded_passes() -> None:
    g = "array([1.        , 2.5       , 3.        , 4.        , 5.        ,\n       6.        ])"
    a = "array([1.0000000000001, 2.5, 3., 4., 5.,\n       6.])"
    assert compare(nb(cell("a", [result(a)])), nb(cell("a", [result(g)]))).outcome == Outcome.PASSED


@pytest.mark.parametrize(
    ("actual", "golden", "same"),
    [
        ("nan inf -inf", "nan inf -inf", True),
        ("NaN", "nan", True),
        ("inf", "-inf", False),
        ("(1+2.0000000001j)", "(1+2j)", True),
        ("(1+2.1j)", "(1+2j)", False),
        ("1.0000000000000002e-300", "1e-300", True),
        ("1001", "1000", False),  # integers exactly
        ("3.0.1", "3.0.2", False),  # a version is text
    ],
)
def test_number_forms(actual: str, golden: str, same: bool) -> None:
    r = compare(nb(cell("x", [result(actual)])), nb(cell("x", [result(golden)])))
    assert (r.outcome == Outcome.PASSED) is same, render_text(r)


def test_inserted_and_removed_cells_do_not_cascade() -> None:
    g = [cell(f"c{i}", [out(f"{i}\n")]) for i in range(6)]
    a = [cell(f"c{i}", [out(f"{i}\n")]) for i in range(6) if i != 4]
    a.insert(1, cell("new()", [out("hello\n")]))
    for c in (*g, *a):
        c.pop("id", None)  # no ids: positional alignment anchored on sources
    r = compare(nb(*a), nb(*g))
    assert sorted(c.status for c in r.cells if c.status != "match") == ["inserted", "removed"]
    assert [c.golden_index for c in r.cells if c.status == "removed"] == [4]


def test_alignment_by_id_and_papermill_cells_ignored() -> None:
    injected = cell("alpha = 2", [], tags=["injected-parameters"], cid="inj1")
    g = nb(cell("a", [out("1\n")], cid="x1"), cell("b", [out("2\n")], cid="x2"))
    a = nb(injected, cell("b", [out("2\n")], cid="x2"), cell("a", [out("1\n")], cid="x1"))
    r = compare(a, g)
    assert r.outcome == Outcome.PASSED and r.counts == {"match": 2}


def test_cell_tags_and_nbval_markers() -> None:
    g = nb(
        cell("a", [out("0.50\n")], tags=["nbgate-tolerance=0.1"]),
        cell("b", [out("x 1\n")], tags=["nbgate-skip-compare"]),
        cell("# NBVAL_IGNORE_OUTPUT\nc", [out("random 7\n")]),
        cell("d", [out("0.5\n")], tags=["nbgate-rtol=0", "nbgate-atol=0.01"]),
    )
    a = nb(
        cell("a", [out("0.54\n")], tags=["nbgate-tolerance=0.1"]),
        cell("b", [out("x 2\n")], tags=["nbgate-skip-compare"]),
        cell("# NBVAL_IGNORE_OUTPUT\nc", [out("random 9\n")]),
        cell("d", [out("0.509\n")], tags=["nbgate-rtol=0", "nbgate-atol=0.01"]),
    )
    r = compare(a, g)
    assert r.outcome == Outcome.PASSED, render_text(r)
    assert [c.status for c in r.cells] == ["match", "skipped", "skipped", "match"]
    bad = nb(cell("a", [out("1\n")], tags=["nbgate-tolerance=lots"]))
    with pytest.raises(InputError, match="nbgate-tolerance=lots"):
        compare(bad, bad)


def test_notebook_metadata_overrides_options() -> None:
    meta = {"nbgate": {"compare": {"rtol": 0.1}}}
    g = nb(cell("a", [out("1.0\n")]), meta=meta)
    a = nb(cell("a", [out("1.05\n")]), meta=meta)
    assert compare(a, g).outcome == Outcome.PASSED
    assert compare(a, nb(cell("a", [out("1.0\n")]))).outcome == Outcome.PASSED  # executed side's metadata
    with pytest.raises(InputError, match=r"nbgate\.compare\.rtol"):
        compare(nb(cell("a", []), meta={"nbgate": {"compare": {"rtol": "x"}}}), g)


STYLER = """<style type="text/css">#T_{u}_row0_col1 {{ color: red; }}</style>
<table id="T_{u}"><thead><tr><th class="blank level0">&nbsp;</th><th id="T_{u}_level0_col0">name</th>
<th id="T_{u}_level0_col1">{col}</th></tr></thead><tbody>
<tr><th id="T_{u}_level0_row0">0</th><td id="T_{u}_row0_col0">a</td><td id="T_{u}_row0_col1">{v0}</td></tr>
<tr><th id="T_{u}_level0_row1">1</th><td id="T_{u}_row1_col0">b</td><td id="T_{u}_row1_col1">{v1}</td></tr>
</tbody></table>"""


def _styler(u: str, col: str = "score", v0: str = "0.5", v1: str = "2.0") -> Any:
    return nb(
        cell(
            "df.style",
            [result(STYLER.format(u=u, col=col, v0=v0, v1=v1), "text/html", **{"text/plain": "<Styler>"})],
        )
    )


def test_styler_tables_cell_wise() -> None:
    golden = _styler("8f9a3")
    assert compare(_styler("12ab4", v1="2.000000001"), golden).outcome == Outcome.PASSED
    r = compare(_styler("12ab4", v1="2.5"), golden)
    (diff,) = r.cells[0].diffs
    assert diff.kind == "table" and "row '1'" in diff.message and "'score'" in diff.message
    assert diff.max_rel_error == pytest.approx(0.25)
    r = compare(_styler("12ab4", col="Score"), golden)
    assert "column names" in r.cells[0].diffs[0].message


def test_json_svg_and_errors() -> None:
    g = nb(
        cell("j", [result({"auc": 0.9, "labels": ["a", "b"]}, "application/json")]),
        cell(
            "s",
            [
                result(
                    '<svg><defs><path id="p1f3" d="M 0 1.5"/></defs><use href="#p1f3"/></svg>',
                    "image/svg+xml",
                )
            ],
        ),
        cell(
            "e",
            [{"output_type": "error", "ename": "ValueError", "evalue": "bad value 3", "traceback": []}],
            tags=["raises-exception"],
        ),
    )
    a = nb(
        cell("j", [result({"auc": 0.9000000001, "labels": ["a", "b"]}, "application/json")]),
        cell(
            "s",
            [
                result(
                    '<svg><defs><path id="pzz9" d="M 0 1.5000000001"/></defs><use href="#pzz9"/></svg>',
                    "image/svg+xml",
                )
            ],
        ),
        cell(
            "e",
            [{"output_type": "error", "ename": "ValueError", "evalue": "bad value 3", "traceback": ["x"]}],
            tags=["raises-exception"],
        ),
    )
    assert compare(a, g).outcome == Outcome.PASSED
    a.cells[0].outputs[0]["data"]["application/json"]["labels"] = ["a", "c"]
    a.cells[2].outputs[0]["ename"] = "TypeError"
    r = compare(a, g)
    kinds = {c.index: [d.kind for d in c.diffs] for c in r.cells if c.diffs}
    assert kinds == {0: ["json"], 2: ["error"]}


def test_unexpected_error_is_a_mismatch_even_when_outputs_ignored() -> None:
    err = {
        "output_type": "error",
        "ename": "ZeroDivisionError",
        "evalue": "division by zero",
        "traceback": [],
    }
    g = nb(cell("# NBVAL_IGNORE_OUTPUT\n1/0", [err]))
    r = compare(nb(cell("# NBVAL_IGNORE_OUTPUT\n1/0", [err])), g)
    assert r.outcome == Outcome.MISMATCH and "raises-exception" in r.message


def test_presets() -> None:
    s = sanitizer_for(CompareOptions())
    text = (
        "at 2024-01-05T12:00:01.5+00:00 \x1b[31mred\x1b[0m <object object at 0x7f12ab34cd56> /tmp/tmpab12cd/x "
        "Wall time: 1.2 ms 100%|##########| 3/3 [00:01<00:00,  2.99it/s] 5a7e6a54-8f1b-4a43-9d0e-7b9e2b6b1c0e"
    )
    assert (
        s.apply(text)
        == "at <timestamp> red <object object at <address>> <tmp> Wall time: <duration> <progress> <uuid>"
    )
    assert sanitizer_for(CompareOptions(presets=[])).apply(text) == text


def test_nbval_sanitize_file(tmp_path: Any) -> None:
    f = tmp_path / "s.cfg"
    f.write_text(
        "[regex1]\nregex: \\d{4}-\\d{2}\nreplace: DATE\n\n[regex2]\nregex: id=\\w+\nreplace: id=ID\n"
    )
    rules = parse_nbval_sanitize_file(f)
    assert [(r.regex, r.replace) for r in rules] == [("\\d{4}-\\d{2}", "DATE"), ("id=\\w+", "id=ID")]
    f.write_text("nothing useful\n")
    with pytest.raises(InputError, match="regex:"):
        parse_nbval_sanitize_file(f)


def test_not_run_cells_are_reported_once_each() -> None:
    g = nb(cell("a", [out("1\n")]), cell("b", [out("2\n")]))
    a = nb(cell("a", [out("1\n")]), cell("b", []))
    a.cells[1].execution_count = None
    r = compare(a, g)
    assert [d.kind for d in r.cells[1].diffs] == ["not_run"]
