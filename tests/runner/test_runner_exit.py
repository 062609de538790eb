"""How `nbgate` ends: exit handlers run, outputs complete, nothing left behind (real processes)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import psutil


def _kernels_of(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info.get("cmdline") or [])
        with contextlib.suppress(psutil.Error):
            if (
                "ipykernel_launcher" in cmdline
                and marker in cmdline
                and proc.status() != psutil.STATUS_ZOMBIE
            ):
                found.append(proc)
    return found


def test_a_prelaunched_kernel_never_outlives_an_early_error(
    tmp_path: Path, run_nbgate, notebook_factory
) -> None:
    # The kernel starts before the arguments are checked; the bad parameter then ends the run.
    nb = notebook_factory(tmp_path / "nb.ipynb", "1 + 1")
    done = run_nbgate(
        "run",
        "--notebook",
        nb,
        "-p",
        "not-a-parameter",
        "-o",
        tmp_path / "out",
        env={"TMPDIR": str(tmp_path)},
    )
    assert done.code == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    # nbgate stops it on its way out, so it is gone already (left to itself, a kernel notices
    # its parent is gone only at its next parent check, up to a second or more later).
    assert not _kernels_of(str(tmp_path)), "the pre-launched kernel outlived nbgate"


def test_every_output_is_complete_when_nbgate_exits(tmp_path: Path, run_nbgate, notebook_factory) -> None:
    nbs = tmp_path / "nbs"
    for name in ("a", "b", "c"):
        notebook_factory(nbs / f"{name}.ipynb", "print('hello')", "x = 41 + 1", "x")
    spec = tmp_path / "validation.yaml"
    spec.write_text(
        "apiVersion: nbgate.dev/v1alpha1\nkind: NotebookValidation\nmetadata: {name: t}\n"
        "spec:\n  source: {local: nbs}\n  report: {formats: [json, junit, markdown]}\n"
    )
    out = tmp_path / "out"
    done = run_nbgate("run", spec, "-o", out, "--jobs", "2", env={"TMPDIR": str(tmp_path)})
    assert done.code == 0, done.stdout + done.stderr
    assert "PASSED" in done.stderr + done.stdout  # the summary line reached the terminal
    report = json.loads((out / "report.json").read_text())
    assert sorted(nb["outcome"] for nb in report["notebooks"]) == ["passed"] * 3
    assert (out / "junit.xml").read_text().rstrip().endswith("</testsuites>")
    assert json.loads((out / "verdict.json").read_text())
    for name in ("a", "b", "c"):
        executed = json.loads((out / "notebooks" / f"{name}.ipynb").read_text())
        assert "".join(executed["cells"][-1]["outputs"][0]["data"]["text/plain"]) == "42"
        assert (out / "logs" / f"{name}.ipynb.log").read_text().rstrip().splitlines()[-1]
    assert not _kernels_of(str(tmp_path)), "a kernel outlived nbgate"
