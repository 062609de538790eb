"""`nbgate run` with a git source (file:// bare repo) and the operator's NotebookValidationJob."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def example_remote(tmp_path: Path) -> tuple[str, str]:
    """The example project pushed to a bare repo; returns (file:// URL, commit SHA)."""
    work = tmp_path / "work"
    shutil.copytree(REPO / "examples" / "churn", work)
    _git("init", "-q", "-b", "main", cwd=work)
    _git("-c", "user.name=t", "-c", "user.email=t@e", "add", "-A", cwd=work)
    _git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "example", cwd=work)
    _git("tag", "v1", cwd=work)
    bare = tmp_path / "remote.git"
    _git("clone", "-q", "--bare", str(work), str(bare), cwd=tmp_path)
    return f"file://{bare}", _git("rev-parse", "HEAD", cwd=work)


def test_git_source_at_tag(tmp_path: Path, run_nbgate, example_remote) -> None:
    url, sha = example_remote
    spec = tmp_path / "v.yaml"
    spec.write_text(
        "apiVersion: nbgate.dev/v1alpha1\nkind: NotebookValidation\nmetadata: {name: g}\nspec:\n"
        f"  source: {{git: {{url: '{url}', ref: v1}}}}\n  notebooks: [notebooks/01_prepare.ipynb]\n"
        "  golden: {path: 'golden/{name}'}\n"
    )
    out = tmp_path / "out"
    done = run_nbgate("run", spec, "-o", out)
    assert done.code == 0, done.stdout + done.stderr
    report = done.report(out)
    assert report["source"]["commit"] == sha
    assert report["notebooks"][0]["comparison"]["outcome"] == "passed"


def test_wrong_ref_is_exit_2_with_a_report(tmp_path: Path, run_nbgate, example_remote) -> None:
    url, _ = example_remote
    spec = tmp_path / "v.yaml"
    spec.write_text(
        "apiVersion: nbgate.dev/v1alpha1\nkind: NotebookValidation\nspec:\n"
        f"  source: {{git: {{url: '{url}', ref: no-such-branch}}}}\n"
    )
    out = tmp_path / "out"
    done = run_nbgate("run", spec, "-o", out)
    assert done.code == 2
    assert "no-such-branch" in done.stderr and "Traceback" not in done.stderr
    report = done.report(out)  # the partial report says why
    assert report["verdict"] == "error" and "no-such-branch" in report["message"]


@pytest.fixture
def git_daemon_url(tmp_path: Path, example_remote) -> Iterator[str]:
    """The bare repo served by a real `git daemon` on 127.0.0.1 (the operator CRD allows git://)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            f"--base-path={tmp_path}",
            "--export-all",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(tmp_path),
        ],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"git://127.0.0.1:{port}/remote.git"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def test_operator_notebookvalidationjob_runs(tmp_path: Path, run_nbgate, git_daemon_url) -> None:
    url = git_daemon_url
    job = tmp_path / "job.yaml"
    job.write_text(
        "apiVersion: mlops.mlops.dev/v1alpha1\nkind: NotebookValidationJob\nmetadata: {name: churn-prep}\n"
        "spec:\n"
        f"  notebook:\n    git: {{url: '{url}', ref: main}}\n    path: notebooks/01_prepare.ipynb\n"
        f"  goldenNotebook:\n    git: {{url: '{url}', ref: main}}\n    path: golden/01_prepare.ipynb\n"
        "  podConfig:\n    containerImage: quay.io/jupyter/scipy-notebook:2024-05-27\n"
        "  timeout: 10m\n"
    )
    out = tmp_path / "out"
    done = run_nbgate("run", job, "-o", out)
    assert done.code == 0, done.stdout + done.stderr
    report = done.report(out)
    assert [nb["notebook"] for nb in report["notebooks"]] == ["notebooks/01_prepare.ipynb"]
    assert report["notebooks"][0]["comparison"]["outcome"] == "passed"
