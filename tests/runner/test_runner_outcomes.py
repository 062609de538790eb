"""`nbgate run` over many notebooks: outcomes, isolation, concurrency, exit codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import nbformat


def _spec(root: Path, body: str) -> Path:
    path = root / "validation.yaml"
    path.write_text(
        "apiVersion: nbgate.dev/v1alpha1\nkind: NotebookValidation\nmetadata: {name: t}\nspec:\n" + body
    )
    return path


def test_each_failure_gets_its_own_outcome(tmp_path: Path, run_nbgate, notebook_factory) -> None:
    nbs = tmp_path / "nbs"
    notebook_factory(nbs / "ok.ipynb", "x = 1", "print(x)")
    notebook_factory(nbs / "raises.ipynb", "a = 1", "raise ValueError('boom')", "b = 2")
    notebook_factory(nbs / "slow_cell.ipynb", "import time; time.sleep(30)")
    notebook_factory(nbs / "dies.ipynb", "print('before')", "import os; os._exit(1)")
    notebook_factory(nbs / "nokernel.ipynb", "1", kernel="no-such-kernel-xyz")
    # Generous deadline here: the machine may be loaded; the deadline case has its own run below.
    spec = _spec(tmp_path, "  source: {local: nbs}\n  timeouts: {cell: 3s, notebook: 120s, startup: 60s}\n")
    out = tmp_path / "out"
    done = run_nbgate("run", spec, "-o", out, "--jobs", "2")
    # A missing kernel is a could-not-run (2): it outranks the validation failures (1).
    assert done.code == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    report = done.report(out)
    outcomes = {nb["notebook"]: nb["outcome"] for nb in report["notebooks"]}
    assert outcomes == {
        "dies.ipynb": "dead_kernel",
        "nokernel.ipynb": "missing_kernel",
        "ok.ipynb": "passed",
        "raises.ipynb": "cell_error",
        "slow_cell.ipynb": "cell_timeout",
    }
    raises = next(nb for nb in report["notebooks"] if nb["notebook"] == "raises.ipynb")
    failed = raises["execution"]["failedCell"]
    cell = next(c for c in raises["execution"]["cells"] if c["index"] == failed)
    assert cell["error"]["ename"] == "ValueError" and cell["error"]["evalue"] == "boom"
    assert "\x1b[" not in cell["error"]["traceback"]
    # Executed notebooks are on disk for every notebook that started, failures included.
    for name in ("raises", "slow_cell", "dies"):
        executed = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        assert executed.cells
    dies = nbformat.read(out / "notebooks" / "dies.ipynb", as_version=4)
    printed = [o for c in dies.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("before" in o.get("text", "") for o in printed), "outputs before the crash are kept"
    # JUnit carries the same outcomes: failures for validation failures, an error for the kernel.
    suites = {s.get("name"): s for s in ET.parse(out / "junit.xml").getroot().findall("testsuite")}
    assert suites["nokernel.ipynb"].find("testcase/error") is not None
    assert suites["raises.ipynb"].find("testcase/failure").get("type") == "cell_error"
    assert suites["ok.ipynb"].get("failures") == "0"
    for suite in suites.values():
        assert "\x1b[" not in ET.tostring(suite, encoding="unicode")


def test_notebook_deadline_is_enforced_when_every_cell_is_quick(
    tmp_path: Path, run_nbgate, notebook_factory
) -> None:
    nbs = tmp_path / "nbs"
    notebook_factory(nbs / "deadline.ipynb", *["import time; time.sleep(1)"] * 60)
    spec = _spec(tmp_path, "  source: {local: nbs}\n  timeouts: {cell: 5s, notebook: 20s}\n")
    out = tmp_path / "out"
    done = run_nbgate("run", spec, "-o", out)
    assert done.code == 1, done.stdout + done.stderr
    nb = done.report(out)["notebooks"][0]
    assert nb["outcome"] == "notebook_deadline"
    assert nb["durationSeconds"] < 45  # stopped at the deadline, not after 60 cells
    executed = nbformat.read(out / "notebooks" / "deadline.ipynb", as_version=4)
    assert executed.cells


def test_jobs_run_concurrently_and_a_failure_does_not_stop_the_others(
    tmp_path: Path, run_nbgate, notebook_factory
) -> None:
    nbs = tmp_path / "nbs"
    for i in range(8):
        body = ["import time; time.sleep(1.0)"]
        if i == 3:
            body.append("raise RuntimeError('notebook 3 fails')")
        notebook_factory(nbs / f"nb{i}.ipynb", *body)
    spec = _spec(tmp_path, "  source: {local: nbs}\n")
    out = tmp_path / "out"
    done = run_nbgate("run", spec, "-o", out, "--jobs", "2", "--quiet")
    assert done.code == 1, done.stdout + done.stderr
    report = done.report(out)
    assert len(report["notebooks"]) == 8
    verdicts = {nb["notebook"]: nb["verdict"] for nb in report["notebooks"]}
    assert verdicts.pop("nb3.ipynb") == "failed"
    assert set(verdicts.values()) == {"passed"}
    spans = [
        (datetime.fromisoformat(nb["startedAt"]), datetime.fromisoformat(nb["finishedAt"]))
        for nb in report["notebooks"]
    ]
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    running = peak = 0
    for _, delta in events:
        running += delta
        peak = max(peak, running)
    assert peak == 2, f"expected 2 notebooks at once with --jobs 2, saw {peak}"


def test_parameters_and_parameter_sets(tmp_path: Path, run_nbgate, notebook_factory) -> None:
    nbs = tmp_path / "nbs"
    notebook_factory(
        nbs / "p.ipynb",
        "assert (alpha, rows) == (expected_alpha, expected_rows), (alpha, rows)",
        parameters="alpha = 0.1\nrows = 10\nexpected_alpha = 0.1\nexpected_rows = 10",
    )
    spec = _spec(
        tmp_path,
        "  source: {local: nbs}\n  parameterSets:\n    smoke: {rows: 5, expected_rows: 5}\n"
        "  parameters: {alpha: 0.5, expected_alpha: 0.5}\n",
    )
    out = tmp_path / "out"
    assert run_nbgate("run", spec, "-o", out, "--parameter-set", "smoke").code == 0
    done = run_nbgate("run", spec, "-o", out, "--parameter-set", "smoke", "-p", "alpha=0.7")
    assert done.code == 1  # alpha overridden, expected_alpha not: the assert in the notebook fails
    done = run_nbgate("run", spec, "-o", out, "--parameter-set", "nightly")
    assert done.code == 2
    assert done.stderr.strip().count("\n") == 0 and "nightly" in done.stderr and "smoke" in done.stderr


def test_adhoc_run_with_golden(tmp_path: Path, run_nbgate, notebook_factory) -> None:
    nb = notebook_factory(tmp_path / "nb.ipynb", "print(round(alpha * 2, 6))", parameters="alpha = 0.5")
    golden_out = tmp_path / "g"
    assert run_nbgate("run", "--notebook", nb, "-o", golden_out).code == 0
    golden = golden_out / "notebooks" / "nb.ipynb"
    out = tmp_path / "out"
    assert run_nbgate("run", "--notebook", nb, "--golden", golden, "-o", out).code == 0
    done = run_nbgate("run", "--notebook", nb, "--golden", golden, "-o", out, "-p", "alpha=0.75")
    assert done.code == 1
    assert done.report(out)["notebooks"][0]["outcome"] == "mismatch"


def test_bad_inputs_are_one_line_exit_2(tmp_path: Path, run_nbgate) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: nbgate.dev/v1alpha1\nkind: NotebookValidation\nspec:\n  source: {local: .}\n  notebok: [a]\n"
    )
    done = run_nbgate("run", bad)
    assert done.code == 2
    assert "spec.notebok" in done.stderr and "notebooks" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    missing = run_nbgate("run", tmp_path / "nope.yaml")
    assert missing.code == 2 and "nope.yaml" in missing.stderr and "Traceback" not in missing.stderr
    nothing = run_nbgate("run")
    assert nothing.code == 2 and "spec" in nothing.stderr
