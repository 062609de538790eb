"""Kernel stops: at once for a plain ``execute()``, in the background inside a runner's block.

Each notebook registers an exit handler that takes a while and leaves a file behind: the
file shows when the kernel's graceful stop (the notebook's own exit handlers) has run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from execute_helpers import build_notebook

from nbgate.execution import forked
from nbgate.execution.stopping import background_stops
from nbgate.steps.execute import ExecuteRequest, execute

SLOW_EXIT = """\
import atexit, pathlib, time
def _leave():
    time.sleep(1.5)
    pathlib.Path({marker!r}).write_text("stopped gracefully")
atexit.register(_leave)
"""


def _notebook(tmp_path: Path, name: str) -> tuple[Path, Path]:
    marker = tmp_path / f"{name}.stopped"
    nb = build_notebook(tmp_path / "nbs" / f"{name}.ipynb", [SLOW_EXIT.format(marker=str(marker)), "1 + 1"])
    return nb, marker


def test_a_plain_execute_returns_once_its_kernel_is_gone(tmp_path: Path) -> None:
    nb, marker = _notebook(tmp_path, "plain")
    result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / "out.ipynb"))
    assert result.outcome.value == "passed", result.message
    assert marker.read_text() == "stopped gracefully"


@pytest.mark.parametrize("fork", [False, True], ids=["launched", "forked"])
def test_inside_background_stops_the_stop_overlaps_and_is_awaited(tmp_path: Path, fork: bool) -> None:
    if fork and not sys.platform.startswith("linux"):
        pytest.skip("the kernel template forks (Linux)")
    nbs = [_notebook(tmp_path, f"nb{i}") for i in range(2)]
    with forked.kernel_template(enabled=fork):
        with background_stops():
            for nb, marker in nbs:
                result = execute(ExecuteRequest(notebook=nb, output_path=tmp_path / f"{nb.stem}.out.ipynb"))
                assert result.outcome.value == "passed", result.message
                assert not marker.exists(), "execute() waited for the kernel's stop"
        # Leaving the block waited for every stop, and each one ran the notebook's exit handlers.
        assert [marker.read_text() for _, marker in nbs] == ["stopped gracefully"] * 2
