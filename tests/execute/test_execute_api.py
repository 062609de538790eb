"""``execute()`` as the local runner calls it: results, progress, memory, live saves, threads."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from execute_helpers import code_cells, read_notebook, stream_text

from nbgate.errors import InputError
from nbgate.execution.ansi import strip_ansi
from nbgate.execution.kernel import describe_exit
from nbgate.outcomes import Outcome
from nbgate.steps.execute import ExecuteRequest, ProgressEvent, execute

MIB = 1024 * 1024


def test_passed_notebook_result_progress_memory_env_cwd(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    nb_path = make_notebook(
        "ok.ipynb",
        [
            ("n = 1", ["parameters"]),
            "import os\nprint(os.getcwd())\nprint(os.environ['NBGATE_TEST_VALUE'])",
            "block = bytearray(150 * 1024 * 1024)\nblock[::4096] = b'x' * len(block[::4096])",
            "del block\nprint(n * 2)",
        ],
    )
    events: list[ProgressEvent] = []
    out = tmp_path / "out" / "ok.ipynb"
    result = execute(
        ExecuteRequest(
            notebook=nb_path,
            output_path=out,
            parameters={"n": 21},
            env={"NBGATE_TEST_VALUE": "from-env"},
            cell_timeout=30,
            deadline=120,
        ),
        on_progress=events.append,
    )
    assert result.outcome is Outcome.PASSED, result.message
    assert result.failed_cell is None
    executed = read_notebook(out)
    cells = code_cells(executed)
    assert "injected-parameters" in cells[1]["metadata"]["tags"]
    # cwd defaults to the notebook's directory; env reaches the kernel only.
    assert stream_text(cells[2]).splitlines() == [str(nb_path.parent.resolve()), "from-env"]
    assert stream_text(cells[4]) == "42\n"
    assert [c.status for c in result.cells] == ["ok"] * 5
    assert all(c.duration_seconds is not None and c.started_at is not None for c in result.cells)
    # Peak memory: the 150 MiB cell stands out; the notebook's peak is at least that.
    alloc = result.cells[3]
    assert alloc.peak_memory_bytes is not None and result.peak_memory_bytes is not None
    assert alloc.peak_memory_bytes - (result.cells[0].peak_memory_bytes or 0) > 100 * MIB
    assert result.peak_memory_bytes >= alloc.peak_memory_bytes
    # Progress: starting, running/cell_done per code cell, finished with the outcome.
    assert events[0].state == "starting" and events[-1].state == "finished"
    assert events[-1].outcome is Outcome.PASSED
    running = [e.cell_index for e in events if e.state == "running"]
    assert running == [c.index for c in result.cells]
    assert all(e.cell_count == len(executed["cells"]) for e in events[1:])
    assert [e.elapsed_seconds for e in events] == sorted(e.elapsed_seconds for e in events)
    wire = result.to_wire()
    assert wire["outcome"] == "passed" and wire["parameters"] == {"n": 21}


def test_notebook_on_disk_is_current_after_each_cell(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    """While cell 2 sleeps, the file already holds cell 1's output (papermill's per-cell save)."""
    nb_path = make_notebook(
        "live.ipynb", ["print('first done')", "import time\ntime.sleep(4)", "print('end')"]
    )
    out = tmp_path / "live.ipynb"
    seen: list[str] = []
    sleeping = threading.Event()

    def on_progress(event: ProgressEvent) -> None:
        if event.state == "running" and event.cell_index == 2:  # markdown 0, code 1, code 2
            sleeping.set()

    def watch() -> None:
        assert sleeping.wait(120)
        time.sleep(0.5)
        nb = json.loads(out.read_text(encoding="utf-8"))  # always whole: saves are atomic
        seen.append("".join(stream_text(c) for c in code_cells(nb)))
        running = code_cells(nb)[1]["metadata"]["papermill"]
        seen.append(str(running["status"]))

    watcher = threading.Thread(target=watch)
    watcher.start()
    result = execute(ExecuteRequest(notebook=nb_path, output_path=out), on_progress=on_progress)
    watcher.join()
    assert result.outcome is Outcome.PASSED
    assert seen == ["first done\n", "running"]


def test_two_notebooks_in_two_threads(make_notebook: Callable[..., Path], tmp_path: Path) -> None:
    """The local runner's pattern: concurrent execute() calls, each with its own kernel."""
    paths = [
        make_notebook(f"t{i}.ipynb", [f"import os, time\ntime.sleep(2)\nprint({i}, os.getpid())"])
        for i in range(2)
    ]
    results: dict[int, object] = {}

    def run(i: int) -> None:
        results[i] = execute(ExecuteRequest(notebook=paths[i], output_path=tmp_path / f"o{i}.ipynb"))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    outs = [stream_text(code_cells(read_notebook(tmp_path / f"o{i}.ipynb"))[0]).split() for i in range(2)]
    assert [o[0] for o in outs] == ["0", "1"]
    assert outs[0][1] != outs[1][1]  # two kernels
    got = [results[i] for i in range(2)]
    assert all(r.outcome is Outcome.PASSED for r in got)  # type: ignore[attr-defined]
    # They overlapped: each one's sleeping cell started before the other's finished.
    a, b = (r.cells[0] for r in got)  # type: ignore[attr-defined]
    assert a.started_at < b.finished_at and b.started_at < a.finished_at


def test_deadline_covers_kernel_start_up(make_notebook: Callable[..., Path], tmp_path: Path) -> None:
    nb_path = make_notebook("d.ipynb", ["import time\ntime.sleep(30)"])
    started = time.monotonic()
    result = execute(ExecuteRequest(notebook=nb_path, output_path=tmp_path / "d.ipynb", deadline=0.5))
    assert result.outcome is Outcome.NOTEBOOK_DEADLINE
    assert time.monotonic() - started < 25  # interrupted or killed, never waiting for the cell
    assert (tmp_path / "d.ipynb").exists()
    assert [c.status for c in result.cells] in (["deadline"], ["not_run"])  # never "ok"


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"notebook": Path("nope.ipynb")}, "does not exist"),
        ({"parameters": {"not valid": 1}}, "not a valid identifier"),
        ({"cwd": Path("/nonexistent-dir")}, "--cwd"),
        ({"cell_timeout": 0}, "must be positive"),
    ],
)
def test_bad_requests_raise_input_error(
    kwargs: dict[str, object], needle: str, make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    base = {"notebook": make_notebook("x.ipynb", ["1"]), "output_path": tmp_path / "o.ipynb"}
    with pytest.raises(InputError, match=needle):
        execute(ExecuteRequest(**{**base, **kwargs}))  # type: ignore[arg-type]


def test_exit_words_and_ansi() -> None:
    assert describe_exit(-9) == "killed by signal 9 (likely out of memory)"
    assert describe_exit(-11) == "killed by signal 11 (SIGSEGV)"
    assert describe_exit(1) == "exited with code 1"
    assert strip_ansi("\x1b[0;31mValueError\x1b[0m: boom \x1b]8;;http://x\x07link\x1b]8;;\x07") == (
        "ValueError: boom link"
    )
