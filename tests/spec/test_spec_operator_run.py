"""An operator NotebookValidationJob runs through ``nbgate run``, unchanged.

Real parts: a bare Git repository served by ``git daemon`` on 127.0.0.1 (the CRD only accepts
https/git/ssh URLs, so no file://), a real kernel, the real local runner.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import yaml

NBGATE = Path(sys.executable).with_name("nbgate")
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def git_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A repo with a notebook and its executed golden, served at git://127.0.0.1:PORT/repo.git."""
    work = tmp_path / "work"
    (work / "notebooks").mkdir(parents=True)
    (work / "golden").mkdir()
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(round(2 / 3, 6))")])
    notebook.metadata["kernelspec"] = kernelspec
    nbformat.write(notebook, work / "notebooks" / "ratio.ipynb")
    golden = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(round(2 / 3, 6))")])
    golden.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.666667\n")]
    golden.cells[0].execution_count = 1
    golden.metadata["kernelspec"] = kernelspec
    nbformat.write(golden, work / "golden" / "ratio.ipynb")
    _git("init", "-q", "-b", "main", cwd=work)
    _git("add", ".", cwd=work)
    _git("commit", "-qm", "notebooks", cwd=work)
    served = tmp_path / "served"
    served.mkdir()
    _git("clone", "-q", "--bare", str(work), str(served / "repo.git"), cwd=tmp_path)
    port = _free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={served}", "--listen=127.0.0.1",
         f"--port={port}", str(served)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"git://127.0.0.1:{port}/repo.git", tmp_path
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def test_operator_job_runs_locally(git_server) -> None:
    url, tmp_path = git_server
    job = {
        "apiVersion": "mlops.mlops.dev/v1alpha1",
        "kind": "NotebookValidationJob",
        "metadata": {"name": "ratio", "namespace": "mlops"},
        "spec": {
            "notebook": {"git": {"url": url, "ref": "main"}, "path": "notebooks/ratio.ipynb"},
            "goldenNotebook": {"git": {"url": url, "ref": "main"}, "path": "golden/ratio.ipynb"},
            "podConfig": {"containerImage": "quay.io/jupyter/minimal-notebook:2024-05-27"},
            "timeout": "5m",
            "comparisonConfig": {"strategy": "normalized", "floatingPointTolerance": "0.001"},
        },
    }
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(job, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [str(NBGATE), "run", str(path), "-o", str(out), "-q"],
        capture_output=True, text=True, timeout=240, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["verdict"] == "passed"
    assert (out / "notebooks" / "notebooks" / "ratio.ipynb").is_file()
