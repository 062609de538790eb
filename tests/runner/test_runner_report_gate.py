"""The cluster-mode chain: steps with --exit-zero write verdicts, `report` assembles, `gate` decides."""

from __future__ import annotations

import json
from pathlib import Path


def test_step_results_assemble_into_the_same_verdict_as_run(
    tmp_path: Path, run_nbgate, notebook_factory
) -> None:
    ok = notebook_factory(tmp_path / "nbs" / "ok.ipynb", "print(1)")
    bad = notebook_factory(tmp_path / "nbs" / "bad.ipynb", "1/0")
    results = tmp_path / "results"
    for nb in (ok, bad):
        done = run_nbgate(
            "execute",
            nb,
            "-o",
            tmp_path / "executed" / nb.name,
            "--result",
            results / f"{nb.stem}.execute.json",
            "--verdict",
            results / f"{nb.stem}.verdict.json",
            "--exit-zero",
        )
        assert done.code == 0, done.stderr  # cluster mode: the verdict file carries the failure
    assert json.loads((results / "bad.verdict.json").read_text())["verdict"] == "failed"
    out = tmp_path / "report"
    done = run_nbgate("report", results, "-o", out, "--format", "json,junit,markdown")
    assert done.code == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert {nb["notebook"]: nb["verdict"] for nb in report["notebooks"]} == {
        str(bad): "failed",
        str(ok): "passed",
    } or {Path(nb["notebook"]).name: nb["verdict"] for nb in report["notebooks"]} == {
        "bad.ipynb": "failed",
        "ok.ipynb": "passed",
    }
    assert report["verdict"] == "failed"
    gate = run_nbgate("gate", out / "verdict.json")
    assert gate.code == 1
    assert run_nbgate("gate", results / "ok.verdict.json").code == 0
    missing = run_nbgate("gate", tmp_path / "none.json")
    assert missing.code == 2 and "Traceback" not in missing.stderr


def test_gate_takes_the_worst_verdict(tmp_path: Path, run_nbgate) -> None:
    def verdict(name: str, value: str) -> Path:
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"verdict": value, "message": name}))
        return path

    passed, failed = verdict("a", "passed"), verdict("b", "failed")
    error, transient = verdict("c", "error"), verdict("d", "transient")
    assert run_nbgate("gate", passed).code == 0
    assert run_nbgate("gate", passed, failed).code == 1
    assert run_nbgate("gate", failed, transient).code == 3
    assert run_nbgate("gate", transient, error, failed).code == 2
