"""Kernels forked from the pre-imported template (``nbgate.execution.forked``), on real kernels.

A forked kernel must be indistinguishable, to the notebook, from one started with
``python -m ipykernel_launcher``; the ways a kernel ends must read the same; anything the
template cannot stand in for must launch the ordinary way.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from execute_helpers import build_notebook, code_cells, read_notebook, stream_text

from nbgate.execution import forked
from nbgate.steps.execute import ExecuteRequest, execute

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the template forks (Linux)")

INTROSPECT = """\
import json, os, sys, __main__
print(json.dumps({
    "path": sys.path,
    "cwd": os.getcwd(),
    "argv0": sys.argv[0],
    "main": __main__.__name__,
    "session_leader": os.getsid(0) == os.getpid(),
    "ppid": os.getppid(),
    "env": {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"},
    "parent_env": os.environ.get("JPY_PARENT_PID"),
    "modules": sorted(sys.modules),
    "stdin_isatty": os.isatty(0),
}))
"""


@pytest.fixture
def template() -> Iterator[forked.KernelTemplate]:
    assert forked.start_template()
    started = forked.active_template()
    assert started is not None
    try:
        yield started
    finally:
        forked.stop_template()


def _introspect(tmp_path: Path, name: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    nb = build_notebook(tmp_path / name / "probe.ipynb", [INTROSPECT])
    (nb.parent / "neighbour.py").write_text("VALUE = 42\n")
    result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / name / "out.ipynb", env=env or {}))
    assert result.outcome.value == "passed", result.message
    facts: dict[str, Any] = json.loads(
        stream_text(code_cells(read_notebook(tmp_path / name / "out.ipynb"))[0])
    )
    return facts


def test_a_forked_kernel_looks_like_a_fresh_one(tmp_path: Path) -> None:
    fresh = _introspect(tmp_path, "fresh")
    assert fresh["ppid"] == os.getpid()  # no template: launched by us
    with forked.kernel_template() as running:
        assert running
        template = forked.active_template()
        assert template is not None
        fork = _introspect(tmp_path, "forked")
        template_pid = template._proc.pid
    assert fork["ppid"] == template_pid != os.getpid(), "the kernel was forked by the template"
    assert fork["parent_env"] == str(template_pid), "ipykernel watches its real parent"
    for key in ("argv0", "main", "session_leader", "stdin_isatty"):
        assert fork[key] == fresh[key], key
    assert fork["cwd"] == str(tmp_path / "forked") and fresh["cwd"] == str(tmp_path / "fresh")
    assert fork["path"] == [
        str(tmp_path / "forked") if p == str(tmp_path / "fresh") else p for p in fresh["path"]
    ]
    assert fork["env"] == fresh["env"]
    # Only stdlib modules may come extra (the template's own loop); never nbgate's.
    extra = set(fork["modules"]) - set(fresh["modules"])
    assert not [m for m in extra if m.split(".")[0] not in sys.stdlib_module_names], extra
    assert not [m for m in fork["modules"] if m.split(".")[0] == "nbgate"]


def test_a_forked_kernel_imports_its_notebooks_neighbours(tmp_path: Path, template: Any) -> None:
    nb = build_notebook(tmp_path / "nbs" / "uses.ipynb", ["import neighbour", "print(neighbour.VALUE)"])
    (nb.parent / "neighbour.py").write_text("VALUE = 42\n")
    result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / "out.ipynb"))
    assert result.outcome.value == "passed", result.message
    assert stream_text(code_cells(read_notebook(tmp_path / "out.ipynb"))[1]).strip() == "42"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("import os; os._exit(3)", "exited with code 3"), ("import os; os.kill(os.getpid(), 9)", "signal 9")],
)
def test_a_dying_forked_kernel_reports_how_it_died(
    tmp_path: Path, template: Any, code: str, expected: str
) -> None:
    nb = build_notebook(tmp_path / "nbs" / "dies.ipynb", ["print('before')", code, "print('never')"])
    result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / "out.ipynb", cell_timeout=20))
    assert result.outcome.value == "dead_kernel", result.message
    assert expected in result.message
    assert "before" in stream_text(code_cells(read_notebook(tmp_path / "out.ipynb"))[0])


def test_a_cell_timeout_interrupts_a_forked_kernel(tmp_path: Path, template: Any) -> None:
    nb = build_notebook(tmp_path / "nbs" / "slow.ipynb", ["import time; time.sleep(60)"])
    started = time.monotonic()
    result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / "out.ipynb", cell_timeout=2))
    assert result.outcome.value == "cell_timeout", result.message
    assert time.monotonic() - started < 30


def test_an_interpreter_changing_env_is_launched_the_ordinary_way(tmp_path: Path, template: Any) -> None:
    # PYTHONPATH is read when an interpreter starts: a fork of the template would miss it.
    extra = tmp_path / "extra"
    extra.mkdir()
    facts = _introspect(tmp_path, "pythonpath", env={"PYTHONPATH": str(extra)})
    assert facts["ppid"] == os.getpid(), "not forked"
    assert str(extra) in facts["path"]


def test_a_lost_template_falls_back_to_ordinary_launches(tmp_path: Path, template: Any) -> None:
    template._proc.kill()
    template._proc.wait()
    facts = _introspect(tmp_path, "after")
    assert facts["ppid"] == os.getpid()


def test_kernels_do_not_outlive_their_template(tmp_path: Path, template: Any) -> None:
    from nbgate.execution.kernel import launch_kernel

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    handle = launch_kernel("python3", cwd=tmp_path, env={}, scratch_dir=scratch)
    assert isinstance(handle.process, forked.ForkedProcess)
    forked.stop_template()  # as when nbgate itself is gone: the template's stdin closes
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(handle.pid):
        time.sleep(0.1)
    assert not _alive(handle.pid), "the forked kernel outlived its template"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
