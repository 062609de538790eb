"""nbval parity: notebooks marked for nbval get the verdict real ``pytest --nbval`` gives.

Each notebook's stored outputs are the golden (as nbval uses them); nbval re-runs it in its
own venv (.venvs/nbval, `make nbval-venv`); nbgate executes it with nbclient and compares the
result with the stored notebook. Verdicts must agree notebook by notebook.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from compare_support import new_notebook, require_tool, run_nbclient

from nbgate.compare.options import CompareOptions
from nbgate.outcomes import Outcome
from nbgate.steps.compare import compare

RANDOM = "import random, uuid\nprint(uuid.uuid4().hex, random.random())"


def _stale(nb: nbformat.NotebookNode, needle: str, old: str, new: str) -> None:
    """Edit a stored output, as a golden goes stale when the code changes."""
    for cell in nb.cells:
        if cell.cell_type == "code" and needle in cell.source:
            for out in cell.outputs:
                if out.output_type == "stream":
                    out.text = out.text.replace(old, new)
                elif "data" in out:
                    out.data["text/plain"] = out.data["text/plain"].replace(old, new)


# name -> (cells, mutate stored notebook, nbval mode)
CASES = {
    "ignore_output_tag": ([("print('fixed')"), (RANDOM, ["nbval-ignore-output"]), "6 * 7"], None, "strict"),
    "ignore_output_comment": (["x = 2", "# NBVAL_IGNORE_OUTPUT\n" + RANDOM, "x ** 10"], None, "strict"),
    "stale_output": (["print('total', 40 + 2)", "6 * 7"], ("40 + 2", "42", "41"), "strict"),
    "raises_tag": (["print('before')", ("1 / 0", ["raises-exception"]), "'after'"], None, "strict"),
    "raises_comment": (["# NBVAL_RAISES_EXCEPTION\nraise KeyError('k')", "print('after')"], None, "strict"),
    "unexpected_error": (["print('ok')", "{}['missing']"], None, "strict"),
    "skip_marker": (
        ["# NBVAL_SKIP\n" + RANDOM, ("print(__import__('random').random())", ["nbval-skip"]), "2 + 2"],
        None,
        "strict",
    ),
    "lax_checked_stable": (
        ["print(__import__('random').random())", "# NBVAL_CHECK_OUTPUT\n3 * 3"],
        None,
        "lax",
    ),
    "lax_checked_stale": (
        [RANDOM, ("print('checked', 9)", ["nbval-check-output"])],
        ("checked", "9", "8"),
        "lax",
    ),
    "sanitized": (["import uuid\nprint('token', uuid.uuid4().hex[:12] + 'Z')", "1 + 1"], None, "sanitize"),
}
SANITIZE = "regex: [0-9a-f]{12}Z\nreplace: TOKEN\n"


@pytest.fixture(scope="module")
def parity(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bool, bool]]:
    python = require_tool("nbval", "nbval-venv")
    root = tmp_path_factory.mktemp("nbval")
    sanitize = root / "sanitize.cfg"
    sanitize.write_text(SANITIZE, encoding="utf-8")
    dirs = {mode: root / mode for mode in ("strict", "lax", "sanitize")}
    for d in dirs.values():
        d.mkdir()
    stored: dict[str, Path] = {}
    for name, (cells, mutate, mode) in CASES.items():
        nb = new_notebook(cells)
        path = dirs[mode] / f"{name}.ipynb"
        run_nbclient(nb, path)  # the golden: outputs stored by a real run
        if mutate:
            _stale(nb, *mutate)
        nbformat.write(nb, str(path))
        stored[name] = path
    nbval: dict[str, bool] = {}
    for mode, d in dirs.items():
        args = {
            "strict": ["--nbval"],
            "lax": ["--nbval-lax"],
            "sanitize": ["--nbval", "--nbval-sanitize-with", str(sanitize)],
        }[mode]
        junit = root / f"{mode}.xml"
        subprocess.run(
            [
                str(python),
                "-m",
                "pytest",
                *args,
                "-p",
                "no:cacheprovider",
                "-q",
                f"--junitxml={junit}",
                str(d),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=root,
        )
        for case in ET.parse(junit).getroot().iter("testcase"):
            failed = case.find("failure") is not None or case.find("error") is not None
            key = next(n for n in CASES if n in (case.get("classname", "") + case.get("file", "")))
            nbval[key] = nbval.get(key, True) and not failed
    out: dict[str, tuple[bool, bool]] = {}
    for name, path in stored.items():
        mode = CASES[name][2]
        executed = run_nbclient(nbformat.read(str(path), as_version=4), path.with_suffix(".executed.json"))
        options = CompareOptions(
            lax=mode == "lax", sanitize_file=str(sanitize) if mode == "sanitize" else None
        )
        passed = compare(executed, path, options).outcome == Outcome.PASSED
        out[name] = (nbval[name], passed)
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_verdict_as_nbval(parity: dict[str, tuple[bool, bool]], name: str) -> None:
    nbval_passed, nbgate_passed = parity[name]
    assert nbgate_passed == nbval_passed, f"nbval {'passed' if nbval_passed else 'failed'}"


def test_the_cases_cover_both_verdicts(parity: dict[str, tuple[bool, bool]]) -> None:
    verdicts = {v[0] for v in parity.values()}
    assert verdicts == {True, False}
    assert parity["stale_output"][0] is False and parity["ignore_output_tag"][0] is True
