"""The environment fingerprint: recorded with the executed notebook; a failing golden shows what changed."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_output
from preflight_support import nbgate, write_notebook, write_spec

from nbgate.fingerprint import collect_fingerprint, diff_fingerprints, kernel_python


def _golden(path: Path, source: str, text: str, environment: dict) -> None:
    nb = nbformat.read(write_notebook(path, source), as_version=4)
    nb.cells[0].outputs = [new_output("stream", name="stdout", text=text)]
    nb.cells[0].execution_count = 1
    nb.metadata["nbgate"] = {"environment": environment}
    nbformat.write(nb, path)


def test_golden_made_with_another_package_version_shows_the_change(tmp_path: Path) -> None:
    python = kernel_python("python3")
    assert python is not None
    actual = collect_fingerprint(python)  # the kernel's own interpreter, as the runner records it
    version = actual["packages"]["ipykernel"]
    older = {**actual, "packages": {**actual["packages"], "ipykernel": "0.0.1"}}

    repo = tmp_path / "repo"
    write_notebook(repo / "changed.ipynb", "print('new figure')")
    write_notebook(repo / "same.ipynb", "print('same figure')")
    _golden(repo / "golden" / "changed.ipynb", "print('new figure')", "old figure\n", older)
    _golden(repo / "golden" / "same.ipynb", "print('same figure')", "same figure\n", older)
    spec = write_spec(
        repo / "validation.yaml",
        {
            "source": {"local": "."},
            "notebooks": ["*.ipynb"],
            "golden": {"path": "golden/{name}"},
            "jobs": 1,
        },
    )
    out = tmp_path / "out"
    done = nbgate("run", spec, "-o", out, "-q")
    assert done.code == 1, done.stdout + done.stderr
    results = {nb["notebook"]: nb for nb in done.report(out)["notebooks"]}

    changed = results["changed.ipynb"]
    assert changed["outcome"] == "mismatch"
    assert changed["environmentChanges"] == [f"ipykernel 0.0.1 → {version}"]
    assert f"ipykernel 0.0.1 → {version}" in changed["message"]
    assert f"ipykernel 0.0.1 → {version}" in done.stdout  # the one-screen summary shows it

    same = results["same.ipynb"]
    assert same["outcome"] == "passed" and "environmentChanges" not in same  # only when the golden fails

    environment = changed["execution"]["environment"]
    assert environment["python"]["version"] == actual["python"]["version"]
    assert environment["packages"]["ipykernel"] == version
    assert {"os", "cpu", "memory"} <= set(environment)
    executed = nbformat.read(out / "notebooks" / "changed.ipynb", as_version=4)
    assert executed.metadata["nbgate"]["environment"]["packages"]["ipykernel"] == version


def test_fingerprint_is_read_from_the_kernels_interpreter_not_nbgates(tmp_path: Path) -> None:
    """A bare venv (no packages) as the 'kernel' interpreter: its distributions, not ours."""
    import venv

    venv.EnvBuilder(with_pip=False).create(tmp_path / "bare")
    bare = tmp_path / "bare" / "bin" / "python"
    mine = collect_fingerprint(sys.executable)
    theirs = collect_fingerprint(str(bare))
    assert "pydantic" in mine["packages"]
    assert "pydantic" not in theirs["packages"]
    assert theirs["python"]["executable"] == str(bare)


def test_diff_fingerprints_lines() -> None:
    golden = {
        "python": {"version": "3.10.12"},
        "packages": {"pandas": "2.1.4", "six": "1.16.0", "NumPy": "1.26"},
        "os": {"platform": "Linux-a"},
    }
    actual = {
        "python": {"version": "3.11.7"},
        "packages": {"pandas": "2.2.3", "numpy": "1.26", "polars": "1.0"},
        "os": {"platform": "Linux-a"},
        "gpus": [{"name": "NVIDIA H100"}],
    }
    assert diff_fingerprints(golden, actual) == [
        "python 3.10.12 → 3.11.7",
        "pandas 2.1.4 → 2.2.3",
        "+ polars 1.0",
        "- six 1.16.0",
        "gpu none → NVIDIA H100",
    ]
    assert diff_fingerprints(actual, actual) == []
