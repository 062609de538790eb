"""``nbgate execute`` through the real console script: outcomes, exit codes, files on disk."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from execute_helpers import NBGATE, code_cells, read_notebook, stream_text

from nbgate.cli.execute import default_output

# name -> (cells, expected outcome, exit code, outputs that must be saved, extra CLI args, words)
CASES: dict[str, tuple[list[str], str, int, list[str], list[str], str]] = {
    "raises": (
        ["print('one')", "print('two')\ndef f():\n    raise KeyError('missing-key')\nf()", "print('never')"],
        "cell_error",
        1,
        ["one", "two"],
        [],
        "raised KeyError: 'missing-key'",
    ),
    "cell_timeout": (
        ["print('one')", "import time\ntime.sleep(60)", "print('never')"],
        "cell_timeout",
        1,
        ["one"],
        ["--cell-timeout", "2"],
        "ran past the cell timeout (2s)",
    ),
    # Every cell fits the 3 s cell timeout; together they pass the 4 s deadline.
    "deadline": (
        ["import time\nprint('one')"] + ["time.sleep(1)"] * 10 + ["print('never')"],
        "notebook_deadline",
        1,
        [],
        ["--cell-timeout", "3", "--deadline", "4s"],
        "ran past its deadline (4s)",
    ),
    "os_exit": (
        ["print('one')", "import os\nos._exit(1)", "print('never')"],
        "dead_kernel",
        1,
        ["one"],
        [],
        "exited with code 1",
    ),
    # What the OOM killer does: SIGKILL after two cells ran.
    "sigkill": (
        [
            "print('one')",
            "print('two')",
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
            "print('never')",
        ],
        "dead_kernel",
        1,
        ["one", "two"],
        [],
        "killed by signal 9 (likely out of memory)",
    ),
}


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NBGATE), "execute", *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_failing_notebooks_get_their_outcome(
    case: str, make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    cells, outcome, code, saved, extra, words = CASES[case]
    nb_path = make_notebook(f"{case}.ipynb", cells)
    out = tmp_path / "out" / f"{case}.ipynb"
    result, verdict = tmp_path / "result.json", tmp_path / "verdict.json"

    proc = run_cli(nb_path, "-o", out, "--result", result, "--verdict", verdict, *extra)

    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert outcome in proc.stderr
    data = json.loads(result.read_text())
    assert data["outcome"] == outcome
    assert words in data["message"]
    assert json.loads(verdict.read_text())["outcome"] == outcome
    executed = read_notebook(out)
    text = "".join(stream_text(c) for c in code_cells(executed))
    for line in saved:  # the executed notebook holds what ran before the failure, no more
        assert line in text
    assert "never" not in text
    ran = [c for c in data["cells"] if c["status"] == "ok"]
    assert all(c["durationSeconds"] is not None for c in ran)
    if data["failedCell"] is None:
        # Only when a busy machine spends the whole deadline starting the kernel.
        assert outcome == "notebook_deadline" and "kernel start-up" in data["message"]
        return
    failed = data["cells"][[c["index"] for c in data["cells"]].index(data["failedCell"])]
    assert failed["status"] != "ok"
    assert executed["cells"][data["failedCell"]]["metadata"]["papermill"]["status"] == "failed"
    assert "".join(executed["cells"][0]["source"]).startswith("<span")  # papermill's error banner
    if outcome == "cell_error":  # which cell, ename, evalue, traceback without ANSI codes
        assert failed["error"]["ename"] == "KeyError"
        assert "missing-key" in failed["error"]["evalue"]
        assert "raise KeyError" in failed["error"]["traceback"]
        assert "\x1b[" not in failed["error"]["traceback"]


def test_unknown_kernel_exits_2_and_lists_installed(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    nb_path = make_notebook("k.ipynb", ["print(1)"], kernel="no-such-kernel-xyz")
    out, verdict = tmp_path / "o.ipynb", tmp_path / "v.json"
    proc = run_cli(nb_path, "-o", out, "--verdict", verdict)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "no-such-kernel-xyz" in proc.stderr and "python3" in proc.stderr
    assert json.loads(verdict.read_text())["outcome"] == "missing_kernel"
    assert out.exists()  # the (unexecuted) notebook is still written
    assert "".join(code_cells(read_notebook(out))[0]["source"]) == "print(1)"


def test_exit_zero_writes_verdict_and_exits_0(make_notebook: Callable[..., Path], tmp_path: Path) -> None:
    nb_path = make_notebook("k.ipynb", ["print(1)"], kernel="no-such-kernel-xyz")
    verdict = tmp_path / "v.json"
    proc = run_cli(nb_path, "-o", tmp_path / "o.ipynb", "--verdict", verdict, "--exit-zero")
    assert proc.returncode == 0
    assert json.loads(verdict.read_text())["exitCode"] == 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["missing.ipynb"], "missing.ipynb"),
        (["{nb}", "-o", "{nb}"], "is the input notebook"),
        (["{nb}", "-p", "not valid"], "name=value"),
        (["{nb}", "--cell-timeout", "soon"], "duration"),
        (["{bad}"], "not valid JSON"),
        (["{nokernelspec}"], "--kernel"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str], needle: str, make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    nb = make_notebook("ok.ipynb", ["print(1)"])
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    nokernelspec = tmp_path / "nks.ipynb"
    nokernelspec.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    argv = [a.format(nb=nb, bad=bad, nokernelspec=nokernelspec) for a in args]
    verdict = tmp_path / "v.json"
    proc = run_cli(*argv, "--verdict", verdict, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert needle in proc.stderr


def test_parameters_and_default_output(make_notebook: Callable[..., Path], tmp_path: Path) -> None:
    nb_path = make_notebook(
        "params.ipynb", [("alpha = 1\nname = 'x'", ["parameters"]), "print(alpha * 2, name, flag)"]
    )
    (tmp_path / "p.yaml").write_text("flag: true\nname: from-file\n")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    proc = run_cli(
        nb_path,
        "-p",
        "alpha=21",
        "-p",
        "name=cli",
        "-f",
        tmp_path / "p.yaml",
        "--kernel",
        "python3",
        cwd=run_dir,
    )
    assert proc.returncode == 0, proc.stderr
    executed = read_notebook(run_dir / "params.ipynb")  # default: ./NAME in the current dir
    injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1
    assert stream_text(code_cells(executed)[-1]) == "42 cli True\n"
    assert executed["metadata"]["papermill"]["parameters"] == {"alpha": 21, "name": "cli", "flag": True}


def test_default_output_never_the_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    nb = folder / "x.ipynb"
    monkeypatch.chdir(tmp_path)
    assert default_output(nb) == tmp_path / "x.ipynb"
    monkeypatch.chdir(folder)  # ./x.ipynb would be the input itself
    assert default_output(nb) == folder / "x.executed.ipynb"
