"""The same notebook executed for real three times with papermill: a golden run, a re-run that
differs only by noise (timestamps, memory addresses, UUIDs, float noise, a re-rendered figure,
a DataFrame value moved by 1e-9, a scrap within tolerance) and a run with planted changes.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from compare_support import new_notebook, run_papermill

from nbgate.compare.options import CompareOptions, ScrapOptions
from nbgate.compare.render import render_text
from nbgate.outcomes import Outcome
from nbgate.steps.compare import compare

PARAMETERS = """\
noise = 0.0
bump = 0.0
figure_style = {}
moved_point = False
column = "score"
df_delta = 0.0
scrap_delta = 0.0
glue_extra = True
boundary = 0.99995
"""

CELLS = [
    (PARAMETERS, ["parameters"]),
    "%matplotlib inline\nimport datetime, tempfile, time, uuid, warnings\nimport numpy as np\n"
    "import pandas as pd\nimport matplotlib.pyplot as plt\nimport scrapbook as sb",
    'print("run at", datetime.datetime.now())\nprint("request", uuid.uuid4())\nprint(object())\n'
    'print("scratch", tempfile.mkdtemp())\nt0 = time.perf_counter()\n'
    'for i in range(3):\n    print(f"\\rstep {i + 1}/3 {time.perf_counter() - t0:.4f}s", end="")\nprint()',
    "values = np.sqrt(np.linspace(0, 1, 13) + 1) * (1 + noise)\nvalues[3] += bump\nvalues",
    ('print("metric", boundary)', ["nbgate-tolerance=1e-6:1e-4"]),
    'pd.set_option("display.precision", 12)\n'
    'df = pd.DataFrame({"name": list("abcd"), column: [0.5, 1.25, 2.0, 3.75]})\n'
    "df.loc[2, column] += df_delta\ndf",
    "plt.rcParams.update(figure_style)\nys = [5, 4, 3.5, 3, 2.6, 2.4, 2.2, 2.1, 2.0, 1.95]\n"
    "if moved_point:\n    ys[5] = 3.2\nfig, ax = plt.subplots()\nax.plot(range(10), ys)\n"
    'ax.set_title("Validation loss per epoch")\nax.set_xlabel("epoch")\nplt.show()',
    'warnings.warn(f"random warning {np.random.rand()}")\nprint("warned")',
    'sb.glue("accuracy", 0.912345 + scrap_delta)\nsb.glue("summary", {"auc": 0.87 + scrap_delta, "n": 100})\n'
    'if glue_extra:\n    sb.glue("f1", 0.8)',
]

RERUN = {
    "noise": 1e-13,
    "figure_style": {"font.family": "DejaVu Serif", "text.antialiased": False},
    "df_delta": 1e-9,
    "scrap_delta": 1e-8,
    "boundary": 1.00004,
}
PLANTED = {"bump": 0.05, "moved_point": True, "column": "Score", "scrap_delta": 1e-3, "glue_extra": False}


@pytest.fixture(scope="session")
def runs(executed_pair_dir: Path) -> dict[str, Path]:
    template = executed_pair_dir / "template.ipynb"
    nbformat.write(new_notebook(CELLS), str(template))
    return {
        "golden": run_papermill(template, executed_pair_dir / "golden.ipynb", {}),
        "rerun": run_papermill(template, executed_pair_dir / "rerun.ipynb", RERUN),
        "planted": run_papermill(template, executed_pair_dir / "planted.ipynb", PLANTED),
    }


def _cell_of(path: Path, needle: str) -> int:
    nb = nbformat.read(str(path), as_version=4)
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and needle in c.source)


def test_rerun_with_noise_passes(runs: dict[str, Path]) -> None:
    result = compare(runs["rerun"], runs["golden"])
    assert result.outcome == Outcome.PASSED, render_text(result)
    # The noise was there: the outputs did differ, and were compared rather than skipped.
    raw_a = nbformat.read(str(runs["rerun"]), as_version=4)
    raw_g = nbformat.read(str(runs["golden"]), as_version=4)
    differing = [
        i
        for i, (a, g) in enumerate(zip(raw_a.cells, raw_g.cells, strict=False))
        if a.get("outputs") != g.get("outputs")
    ]
    assert len(differing) >= 6
    assert result.counts.get("match", 0) >= 8
    assert result.counts.get("skipped", 0) == 0


def test_planted_changes_are_named_and_nothing_else(runs: dict[str, Path]) -> None:
    result = compare(runs["planted"], runs["golden"])
    assert result.outcome == Outcome.MISMATCH
    bad = {c.index: c for c in result.cells if c.status != "match"}
    array_cell = _cell_of(runs["planted"], "values[3] += bump")
    table_cell = _cell_of(runs["planted"], "pd.DataFrame")
    figure_cell = _cell_of(runs["planted"], "plt.rcParams.update")
    assert set(bad) == {array_cell, table_cell, figure_cell}, render_text(result)

    (number,) = bad[array_cell].diffs
    assert number.kind == "number"
    assert "1.11803399 became 1.16803399" in number.message and "rel err 0.0447" in number.message
    assert number.details["numbers"][0]["index"] == 3  # the fourth number of the array
    assert number.max_rel_error == pytest.approx(0.05 / 1.11803399, rel=1e-3)

    (table,) = bad[table_cell].diffs
    assert table.kind == "table" and "column names" in table.message
    assert table.details["columnsExpected"][-1] == "score" and table.details["columnsActual"][-1] == "Score"

    (image,) = bad[figure_cell].diffs
    assert image.kind == "image" and image.mime_type == "image/png"
    assert image.changed_pixel_fraction is not None and image.changed_pixel_fraction > 0.001

    scraps = {d.details["scrap"]: d for d in result.scraps}
    assert set(scraps) == {"accuracy", "summary", "f1"}
    assert scraps["f1"].kind == "missing"
    assert scraps["accuracy"].max_rel_error == pytest.approx(1e-3 / 0.912345, rel=1e-3)
    assert "auc" in scraps["summary"].message

    text = render_text(result)
    assert f"cell {array_cell}" in text and "rel err" in text and "scrap 'f1' is missing" in text


def test_per_scrap_tolerance(runs: dict[str, Path]) -> None:
    options = CompareOptions(scraps={"accuracy": ScrapOptions(rtol=1e-2), "summary": ScrapOptions(atol=2e-3)})
    result = compare(runs["planted"], runs["golden"], options)
    assert {d.details["scrap"] for d in result.scraps} == {"f1"}


def test_rounding_boundary_needs_the_cells_atol(runs: dict[str, Path]) -> None:
    """0.99995 vs 1.00004 passes with the tagged atol 1e-4 and fails once the tag is gone."""
    golden = nbformat.read(str(runs["golden"]), as_version=4)
    rerun = nbformat.read(str(runs["rerun"]), as_version=4)
    for nb in (golden, rerun):
        for cell in nb.cells:
            cell.metadata.pop("tags", None) if "boundary)" in cell.source else None
    result = compare(rerun, golden)
    (bad,) = [c for c in result.cells if c.status == "mismatch"]
    assert "0.99995" in bad.diffs[0].message and "1.00004" in bad.diffs[0].message
    assert compare(rerun, golden, CompareOptions(atol=1e-4)).outcome == Outcome.PASSED


def test_figure_with_default_thresholds_tightened_fails(runs: dict[str, Path]) -> None:
    """The re-rendered figure did change pixels: a zero threshold sees it, the default absorbs it."""
    strict = CompareOptions.model_validate({"images": {"maxChangedFraction": 0.0, "pixelThreshold": 0}})
    result = compare(runs["rerun"], runs["golden"], strict)
    kinds = {d.kind for c in result.cells for d in c.diffs}
    assert "image" in kinds
