"""``nbgate compare`` through the installed console script: exit codes, files, --update-golden."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from compare_support import new_notebook, run_nbclient


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli")
    cells = [
        "import datetime\nprint('at', datetime.datetime.now())",
        "values = [0.5, 1.25]\nvalues",
        "'done'",
    ]
    golden = run_nbclient(new_notebook(cells), root / "golden.ipynb")
    rerun = run_nbclient(new_notebook(cells), root / "rerun.ipynb")
    changed = run_nbclient(
        new_notebook([cells[0], "values = [0.5, 1.3]\nvalues", cells[2]]), root / "changed.ipynb"
    )
    failing = run_nbclient(new_notebook([*cells, "1 / 0"]), root / "failing.ipynb")
    return {"golden": golden, "rerun": rerun, "changed": changed, "failing": failing, "root": root}


def test_match_exits_0(pair: dict[str, Path], nbgate_cli: Callable[..., Any]) -> None:
    proc = nbgate_cli("compare", str(pair["rerun"]), str(pair["golden"]))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED" in proc.stdout


def test_mismatch_exits_1_with_a_readable_diff_and_files(
    pair: dict[str, Path], nbgate_cli: Callable[..., Any], tmp_path: Path
) -> None:
    result, verdict = tmp_path / "r.json", tmp_path / "v.json"
    proc = nbgate_cli(
        "compare",
        str(pair["changed"]),
        str(pair["golden"]),
        "--result",
        str(result),
        "--verdict",
        str(verdict),
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "cell 1" in proc.stdout and "1.25 became 1.3" in proc.stdout and "rel err 0.04" in proc.stdout
    assert "    - " in proc.stdout and "    + " in proc.stdout
    assert json.loads(verdict.read_text()) == {
        "verdict": "failed",
        "exitCode": 1,
        "outcome": "mismatch",
        "message": json.loads(result.read_text())["message"],
    }
    cells = json.loads(result.read_text())["cells"]
    assert [c["status"] for c in cells] == ["match", "mismatch", "match"]
    assert cells[1]["diffs"][0]["maxRelError"] == pytest.approx(0.04)


def test_tolerance_flags_and_options_file(
    pair: dict[str, Path], nbgate_cli: Callable[..., Any], tmp_path: Path
) -> None:
    assert nbgate_cli("compare", str(pair["changed"]), str(pair["golden"]), "--rtol", "0.05").returncode == 0
    opts = tmp_path / "compare.yaml"
    opts.write_text("rtol: 0.05\nignoreStderr: false\n")
    assert (
        nbgate_cli("compare", str(pair["changed"]), str(pair["golden"]), "--options", str(opts)).returncode
        == 0
    )
    # A sanitizer that hides the value makes the pair match too (nbval's file format).
    san = tmp_path / "san.cfg"
    san.write_text("regex: 1\\.3\nreplace: 1.25\n")
    assert (
        nbgate_cli(
            "compare", str(pair["changed"]), str(pair["golden"]), "--sanitizer-file", str(san)
        ).returncode
        == 0
    )


def test_exit_zero_writes_the_failure_in_the_verdict(
    pair: dict[str, Path], nbgate_cli: Callable[..., Any], tmp_path: Path
) -> None:
    verdict = tmp_path / "v.json"
    proc = nbgate_cli(
        "compare", str(pair["changed"]), str(pair["golden"]), "--verdict", str(verdict), "--exit-zero"
    )
    assert proc.returncode == 0
    assert json.loads(verdict.read_text())["exitCode"] == 1


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: p / "nope.ipynb", "does not exist"),
        (lambda p: (p / "bad.ipynb").write_text("{not json") and p / "bad.ipynb", "not valid notebook JSON"),
        (
            lambda p: (p / "v3.ipynb").write_text('{"nbformat": 3, "worksheets": []}') and p / "v3.ipynb",
            "nbformat 4",
        ),
    ],
)
def test_bad_input_exits_2_in_one_line(
    pair: dict[str, Path], nbgate_cli: Callable[..., Any], tmp_path: Path, make: Any, needle: str
) -> None:
    bad = make(tmp_path)
    proc = nbgate_cli("compare", str(pair["rerun"]), str(bad))
    assert proc.returncode == 2
    assert needle in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_bad_options_exit_2(pair: dict[str, Path], nbgate_cli: Callable[..., Any], tmp_path: Path) -> None:
    opts = tmp_path / "o.yaml"
    opts.write_text("rtoll: 0.1\n")
    proc = nbgate_cli("compare", str(pair["rerun"]), str(pair["golden"]), "--options", str(opts))
    assert proc.returncode == 2 and "rtoll" in proc.stderr


def test_update_golden(pair: dict[str, Path], nbgate_cli: Callable[..., Any], tmp_path: Path) -> None:
    golden = tmp_path / "golden.ipynb"
    golden.write_bytes(pair["golden"].read_bytes())
    # Refused from a run with an unexpected error: the golden is left alone.
    proc = nbgate_cli("compare", str(pair["failing"]), str(golden), "--update-golden")
    assert proc.returncode == 2 and "raised an error" in proc.stderr
    assert golden.read_bytes() == pair["golden"].read_bytes()
    # From a clean run: rewritten, volatile metadata stripped, and the next compare passes.
    proc = nbgate_cli("compare", str(pair["changed"]), str(golden), "--update-golden")
    assert proc.returncode == 0, proc.stderr
    assert "updated" in proc.stdout
    nb = nbformat.read(str(golden), as_version=4)
    assert all("execution" not in c.metadata for c in nb.cells)
    assert nbgate_cli("compare", str(pair["changed"]), str(golden)).returncode == 0
    # A missing golden is created.
    fresh = tmp_path / "sub" / "new.ipynb"
    assert nbgate_cli("compare", str(pair["rerun"]), str(fresh), "--update-golden").returncode == 0
    assert nbgate_cli("compare", str(pair["rerun"]), str(fresh)).returncode == 0
