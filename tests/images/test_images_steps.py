"""Each step image runs its step on a tiny example as a PSA-restricted pod would run it.

Read-only root, uid 1000, every capability dropped, no privilege gain, no network; writable only
/tmp, ~/.cache and the output volume (see images_support.run_restricted). Images are built on the
local debootstrap base (`make base-image`); the execute image on a docker-stacks stand-in
(images/tools/stacks-like.Dockerfile) because quay.io cannot be reached here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from images_examples import executed_notebook, git_repo, probe_spec, tiny_notebook
from images_support import (
    HOMES,
    Images,
    probe_in_image,
    readable_tree,
    run_restricted,
    writable_dir,
)

pytestmark = pytest.mark.images


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, (
        f"exit {proc.returncode}\nstdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-3000:]}"
    )
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("step", ["clone", "execute", "compare", "probe", "report", "byoi"])
def test_image_runs_as_uid_1000_with_the_step_cli_as_entrypoint(images: Images, step: str) -> None:
    config = json.loads(
        subprocess.run(
            ["podman", "image", "inspect", "--format", "{{json .Config}}", images.refs[step]],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    assert config["User"].split(":")[0] == "1000"
    entrypoint = config["Entrypoint"]
    if step == "byoi":
        assert entrypoint[:2] == ["cp", "-R"]
    else:
        assert Path(entrypoint[0]).name == "nbgate" and entrypoint[1] == step
    # The image itself says who it runs as: `id -u` under the image's own user.
    proc = run_restricted(
        images.refs[step], ["-c", "id -u"], entrypoint="sh", home=HOMES.get(step, "/home/nbgate")
    )
    assert _ok(proc).strip() == "1000"


def test_clone_image_clones_a_local_file_repo(images: Images, tmp_path: Path) -> None:
    commit = git_repo(tmp_path / "src" / "repo")
    readable_tree(tmp_path / "src")
    out = writable_dir(tmp_path / "out")
    proc = run_restricted(
        images.refs["clone"],
        ["--url", "file:///src/repo", "--ref", "main", "--dest", "/out/checkout",
         "--notebooks-out", "/out/notebooks.json", "--result", "/out/clone.json"],
        volumes=[(tmp_path / "src", "/src", "ro"), (out, "/out", "rw")],
    )  # fmt: skip
    _ok(proc)
    assert (out / "checkout" / "notebooks" / "a.ipynb").is_file()
    assert json.loads((out / "notebooks.json").read_text()) == ["notebooks/a.ipynb"]
    assert json.loads((out / "clone.json").read_text())["commit"] == commit


def test_execute_image_executes_a_notebook(images: Images, tmp_path: Path) -> None:
    work = tmp_path / "work"
    tiny_notebook(work / "tiny.ipynb")
    out = writable_dir(tmp_path / "out")
    proc = run_restricted(
        images.refs["execute"],
        [
            "/work/tiny.ipynb",
            "-o",
            "/out/tiny.ipynb",
            "-p",
            "x=2",
            "--result",
            "/out/result.json",
            "--cwd",
            "/tmp",
        ],
        volumes=[(work, "/work", "ro"), (out, "/out", "rw")],
        home=HOMES["execute"],
    )
    _ok(proc)
    assert "total 42" in (out / "tiny.ipynb").read_text()
    assert json.loads((out / "result.json").read_text())["outcome"] == "passed"


def test_execute_image_reports_a_failing_cell(images: Images, tmp_path: Path) -> None:
    work = tmp_path / "work"
    tiny_notebook(work / "bad.ipynb", body="raise ValueError('boom')")
    out = writable_dir(tmp_path / "out")
    proc = run_restricted(
        images.refs["execute"],
        ["/work/bad.ipynb", "-o", "/out/bad.ipynb", "--verdict", "/out/verdict.json", "--cwd", "/tmp"],
        volumes=[(work, "/work", "ro"), (out, "/out", "rw")],
        home=HOMES["execute"],
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads((out / "verdict.json").read_text())["outcome"] == "cell_error"
    assert "boom" in (out / "bad.ipynb").read_text()  # the executed notebook is written on failure too


@pytest.mark.parametrize(("golden_value", "code", "outcome"), [("42", 0, "passed"), ("43", 1, "mismatch")])
def test_compare_image_compares_two_notebooks(
    images: Images, tmp_path: Path, golden_value: str, code: int, outcome: str
) -> None:
    work = tmp_path / "work"
    executed_notebook(work / "executed.ipynb", "42")
    executed_notebook(work / "golden.ipynb", golden_value)
    out = writable_dir(tmp_path / "out")
    proc = run_restricted(
        images.refs["compare"],
        ["/work/executed.ipynb", "/work/golden.ipynb", "--result", "/out/compare.json"],
        volumes=[(work, "/work", "ro"), (out, "/out", "rw")],
    )
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert json.loads((out / "compare.json").read_text())["outcome"] == outcome


@pytest.mark.parametrize(("model", "code", "outcome"), [("right", 0, "passed"), ("wrong", 1, "mismatch")])
def test_probe_image_probes_a_server_in_the_same_container(
    images: Images, tmp_path: Path, model: str, code: int, outcome: str
) -> None:
    """--network none leaves only the container's loopback, so the endpoint (the stdlib V2 server
    of the probe tests, tests/probe/servers) runs inside the probe container itself, started by
    the image's own python. Real HTTP over 127.0.0.1; no cluster model server is involved."""
    work = tmp_path / "work"
    work.mkdir()
    probe_spec(work / "spec.yaml", 8123, model)
    out = writable_dir(tmp_path / "out")
    servers = (
        "python3 /servers/stdlib_v2.py 8123 & "
        "for i in $(seq 100); do python3 -c 'import urllib.request as u; "
        'u.urlopen("http://127.0.0.1:8123/v2/health/ready")\' 2>/dev/null && break; sleep 0.1; done; '
    )
    proc = probe_in_image(images, work, out, servers)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert json.loads((out / "verdict.json").read_text())["outcome"] == outcome


def test_probe_image_unreachable_endpoint_is_transient(images: Images, tmp_path: Path) -> None:
    """No server at all under --network none: exit 3 (what retry policies retry)."""
    work = tmp_path / "work"
    work.mkdir()
    probe_spec(work / "spec.yaml", 9, "right")
    out = writable_dir(tmp_path / "out")
    proc = run_restricted(
        images.refs["probe"], ["/work/spec.yaml", "--deadline", "20s", "--verdict", "/out/verdict.json"],
        volumes=[(work, "/work", "ro"), (out, "/out", "rw")],
    )  # fmt: skip
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert json.loads((out / "verdict.json").read_text())["verdict"] == "transient"


def _execution_result(path: Path, outcome: str) -> Path:
    from datetime import datetime, timezone

    from nbgate.outcomes import Outcome
    from nbgate.results import ExecutionResult

    now = datetime.now(timezone.utc)
    result = ExecutionResult(
        notebook="notebooks/a.ipynb",
        outcome=Outcome(outcome),
        started_at=now,
        finished_at=now,
        duration_seconds=1.0,
    )
    path.write_text(json.dumps(result.to_wire(), default=str), encoding="utf-8")
    return path


def test_report_image_renders_reports_and_gate_sets_the_status(images: Images, tmp_path: Path) -> None:
    """`gate` shares the report image (entrypoint overridden), as the Argo/KFP templates run it."""
    work = tmp_path / "work"
    work.mkdir()
    _execution_result(work / "execute.json", "cell_error")
    out = writable_dir(tmp_path / "out")
    proc = run_restricted(
        images.refs["report"],
        ["/work/execute.json", "-o", "/out/report", "--format", "json,junit,html,markdown",
         "--verdict", "/out/verdict.json"],
        volumes=[(work, "/work", "ro"), (out, "/out", "rw")],
    )  # fmt: skip
    _ok(proc)
    report = json.loads((out / "report" / "report.json").read_text())
    assert report["verdict"] == "failed"
    assert (out / "report" / "junit.xml").is_file()
    gate = run_restricted(
        images.refs["report"],
        ["gate", "/out/verdict.json"],
        entrypoint="nbgate",
        volumes=[(out, "/out", "ro")],
    )
    assert gate.returncode == 1, gate.stdout + gate.stderr


def test_byoi_runner_executes_in_an_image_without_nbgate(images: Images, tmp_path: Path) -> None:
    """The init container copies the runner into a shared dir; the user's image (python + ipykernel,
    no nbgate) then runs nbgate's execute with its own python and its own kernel."""
    user = images.refs["byoi-user"]
    lacks = run_restricted(user, ["-c", "import nbgate"], entrypoint="python3", home="/tmp")
    assert lacks.returncode != 0 and "No module named 'nbgate'" in lacks.stderr
    shared = writable_dir(tmp_path / "shared")  # the emptyDir
    _ok(run_restricted(images.refs["byoi"], [], volumes=[(shared, "/nbgate-runner", "rw")]))
    check = run_restricted(
        user, ["/nbgate-runner/nbgate-execute", "--check"], entrypoint="python3", home="/tmp",
        volumes=[(shared, "/nbgate-runner", "ro")],
    )  # fmt: skip
    assert json.loads(_ok(check).strip().splitlines()[-1])["contract"] == "ok"
    work = tmp_path / "work"
    tiny_notebook(work / "tiny.ipynb", body="import sys; print('total', x * 21, sys.executable)")
    out = writable_dir(tmp_path / "out")
    proc = run_restricted(
        user,
        ["/nbgate-runner/nbgate-execute", "/work/tiny.ipynb", "-o", "/out/tiny.ipynb", "-p", "x=2",
         "--result", "/out/result.json", "--cwd", "/tmp"],
        entrypoint="python3", home="/tmp",
        volumes=[(shared, "/nbgate-runner", "ro"), (work, "/work", "ro"), (out, "/out", "rw")],
    )  # fmt: skip
    _ok(proc)
    executed = (out / "tiny.ipynb").read_text()
    assert "total 42 /opt/venv/bin/python" in executed  # the user's interpreter ran the notebook
    assert json.loads((out / "result.json").read_text())["outcome"] == "passed"


def test_byoi_check_names_what_an_image_lacks(images: Images, tmp_path: Path) -> None:
    """The plain base has python 3.11 but no ipykernel: the contract check says so, exit 2."""
    shared = writable_dir(tmp_path / "shared")
    _ok(run_restricted(images.refs["byoi"], [], volumes=[(shared, "/nbgate-runner", "rw")]))
    from images_support import BASE

    proc = run_restricted(
        BASE, ["/nbgate-runner/nbgate-execute", "--check"], entrypoint="python3", home="/tmp",
        volumes=[(shared, "/nbgate-runner", "ro")],
    )  # fmt: skip
    assert proc.returncode == 2
    assert "ipykernel is not installed" in proc.stderr and "pip install ipykernel" in proc.stderr
