"""Kernels started before jupyter_client is imported (``nbgate.execution.early``), real kernels.

The early kernel is adopted only when it is exactly what jupyter_client would start; any
difference replaces it with an ordinary launch, and nothing is left running.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import psutil
import pytest
from execute_helpers import build_notebook

from nbgate.execution import early, prelaunch
from nbgate.steps.execute import ExecuteRequest, execute


def _prelaunched(nb: Path) -> early.EarlyKernel:
    assert prelaunch.prelaunch(nb)
    [(started, _scratch)] = [v for k, v in prelaunch._pending.items() if k[0] == str(nb.resolve())]
    assert isinstance(started, early.EarlyKernel), "the plain python3 kernelspec starts early"
    return started


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_the_early_kernel_is_adopted_and_runs_the_notebook(tmp_path: Path) -> None:
    nb = build_notebook(tmp_path / "nbs" / "nb.ipynb", ["import os", "print(os.getpid())"])
    started = _prelaunched(nb)
    result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / "out.ipynb"))
    assert result.outcome.value == "passed", result.message
    out = json.loads((tmp_path / "out.ipynb").read_text())
    # The kernel that ran the notebook is the process started early, not a second one.
    assert "".join(out["cells"][-1]["outputs"][0]["text"]).strip() == str(started.process.pid)
    assert _gone(started.process.pid), "the adopted kernel was stopped with the run"


def test_a_changed_environment_replaces_the_early_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = build_notebook(
        tmp_path / "nbs" / "nb.ipynb", ["import os", "print(os.environ.get('NBGATE_TEST_LATE'))"]
    )
    started = _prelaunched(nb)
    # Set after the early start: the kernel jupyter_client would start now has it, the early one not.
    monkeypatch.setenv("NBGATE_TEST_LATE", "late-value")
    result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / "out.ipynb"))
    assert result.outcome.value == "passed", result.message
    out = json.loads((tmp_path / "out.ipynb").read_text())
    assert "".join(out["cells"][-1]["outputs"][0]["text"]).strip() == "late-value"
    assert started.process.poll() is not None, "the early kernel was stopped, not left running"


def test_an_early_kernel_that_died_is_replaced(tmp_path: Path) -> None:
    nb = build_notebook(tmp_path / "nbs" / "nb.ipynb", ["print('ran')"])
    started = _prelaunched(nb)
    started.process.kill()
    started.process.wait()
    result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / "out.ipynb"))
    assert result.outcome.value == "passed", result.message


def test_only_the_plain_ipython_kernelspec_starts_early(tmp_path: Path) -> None:
    def spec(**fields: object) -> Path:
        directory = tmp_path / f"spec{len(list(tmp_path.iterdir()))}"
        directory.mkdir()
        body = {
            "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "language": "python",
        }
        (directory / "kernel.json").write_text(json.dumps({**body, **fields}))
        return directory

    conn = str(tmp_path / "kernel.json")
    plain = early._command(spec(), conn, ["--x"])
    assert plain is not None and plain[0] == sys.executable
    assert plain[1:] == ["-m", "ipykernel_launcher", "-f", os.path.realpath(conn), "--x"]
    assert early._command(spec(env={"A": "1"}), conn, []) is None
    assert early._command(spec(metadata={"kernel_provisioner": {"provisioner_name": "x"}}), conn, []) is None
    assert early._command(spec(argv=["R", "--slave", "-f", "{connection_file}"]), conn, []) is None
    assert early._command(spec(interrupt_mode="message"), conn, []) is None
