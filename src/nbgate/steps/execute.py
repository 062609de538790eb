"""The ``execute`` step: run one notebook with papermill, always leave the executed notebook.

Order of work, chosen for start-up time: read the notebook's kernel name (stdlib json),
launch the kernel, and only then import papermill/nbclient, load and parameterize the
notebook while the kernel boots; the started kernel manager is handed to papermill's
nbclient client. A watchdog thread enforces the whole-notebook deadline (start-up
included), a sampler thread records peak memory, and the notebook on disk is rewritten
atomically at every cell's start and end (papermill's hooks), so whatever kills the
process, the file holds the cells run so far.

``execute`` is thread-safe: each call owns its kernel, its threads, and its event loop
(nbclient's sync API runs one loop per thread); nothing changes the process's cwd.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbgate.errors import InputError
from nbgate.execution.request import ExecuteRequest, ProgressEvent, ProgressState
from nbgate.outcomes import Outcome

if TYPE_CHECKING:
    from nbgate.execution.kernel import KernelHandle
    from nbgate.execution.memory import MemorySampler
    from nbgate.execution.watchdog import DeadlineWatchdog
    from nbgate.results import ExecutionResult

__all__ = ["ExecuteRequest", "ProgressEvent", "execute"]

_LOG = logging.getLogger("nbgate.execute")
_LOG.addHandler(logging.NullHandler())  # nbclient's "kernel died" errors: ours to report, not to print

# Seconds a kernel gets to shut down (ask, SIGTERM, SIGKILL) once the notebook is done.
SHUTDOWN_TIMEOUT = 5.0

Progress = Callable[[ProgressEvent], None]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _read_raw(path: Path) -> dict[str, Any]:
    """The notebook's JSON, cheaply (no nbformat yet): enough to pick and start its kernel."""
    if not path.is_file():
        raise InputError(f"notebook {path} does not exist or is not a file: check the path")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read notebook {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"notebook {path} is not valid JSON (line {exc.lineno}): fix it or re-save it in Jupyter"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells", []), list):
        raise InputError(f"notebook {path} is not a Jupyter notebook (no cells): check the path")
    return data


def _kernel_name(request: ExecuteRequest, raw: dict[str, Any]) -> str:
    if request.kernel:
        return request.kernel
    spec = raw.get("metadata", {}).get("kernelspec") or {}
    name = spec.get("name") if isinstance(spec, dict) else None
    if not isinstance(name, str) or not name:
        raise InputError(
            f"notebook {request.notebook} names no kernel (metadata.kernelspec.name): "
            "pass --kernel NAME (e.g. python3) or set spec.kernel"
        )
    return name


def _check_request(request: ExecuteRequest) -> tuple[Path, Path, Path]:
    notebook = request.notebook.resolve()
    output = request.output_path.resolve()
    if output == notebook:
        raise InputError(
            f"output {request.output_path} is the input notebook: choose another path with -o "
            "(nbgate never overwrites the notebook it executes)"
        )
    if output.is_dir():
        raise InputError(f"output {request.output_path} is a directory: give a file path with -o")
    for name in request.parameters:
        if not isinstance(name, str) or not name.isidentifier():
            raise InputError(f"parameter name {name!r} is not a valid identifier: rename it (e.g. alpha)")
    cwd = (request.cwd or notebook.parent).resolve()
    if not cwd.is_dir():
        raise InputError(f"working directory {cwd} does not exist: check --cwd")
    for label, value in (
        ("cell timeout", request.cell_timeout),
        ("deadline", request.deadline),
        ("startup timeout", request.startup_timeout),
    ):
        if value is not None and value <= 0:
            raise InputError(f"the {label} must be positive, got {value}")
    return notebook, output, cwd


class _Progress:
    """Turns hook calls into ``ProgressEvent``s; a failing display never fails the run."""

    def __init__(self, notebook: str, callback: Progress | None, clock: float) -> None:
        self.notebook, self.callback, self.clock = notebook, callback, clock
        self.cell_count = 0

    def __call__(self, state: ProgressState, index: int | None, outcome: Outcome | None = None) -> None:
        if self.callback is None:
            return
        event = ProgressEvent(
            notebook=self.notebook,
            state=state,
            cell_index=index,
            cell_count=self.cell_count,
            elapsed_seconds=time.monotonic() - self.clock,
            outcome=outcome,
        )
        try:
            self.callback(event)
        except Exception:  # the live display is not the validation
            _LOG.warning("progress callback failed", exc_info=True)


def execute(request: ExecuteRequest, *, on_progress: Progress | None = None) -> ExecutionResult:
    """Execute ``request.notebook`` into ``request.output_path``; never raises for a bad notebook run.

    Raises ``InputError`` only for inputs that cannot be run at all (missing or unreadable
    notebook, output equal to input, bad parameter name, missing working directory); every
    other ending, a missing kernel included, is an ``ExecutionResult`` with its outcome.
    """
    clock = time.monotonic()
    started_at = _utcnow()
    notebook, output, cwd = _check_request(request)
    raw = _read_raw(notebook)
    kernel_name = _kernel_name(request, raw)
    progress = _Progress(str(request.notebook), on_progress, clock)
    progress.cell_count = len(raw.get("cells", []))
    progress("starting", None)
    output.parent.mkdir(parents=True, exist_ok=True)

    from nbgate.execution.kernel import MissingKernelError, find_kernelspec, launch_kernel
    from nbgate.execution.memory import MemorySampler
    from nbgate.execution.watchdog import DeadlineWatchdog

    # The deadline covers everything from here: kernel start-up included.
    watchdog = DeadlineWatchdog(request.deadline)
    watchdog.start()
    memory = MemorySampler()
    own_scratch = request.scratch_dir is None
    scratch = Path(tempfile.mkdtemp(prefix="nbgate-exec-")) if own_scratch else request.scratch_dir
    assert scratch is not None
    scratch.mkdir(parents=True, exist_ok=True)
    handle: KernelHandle | None = None
    try:
        try:
            kernelspec = find_kernelspec(kernel_name)
        except MissingKernelError as exc:
            return _missing_kernel(
                request,
                notebook=notebook,
                output=output,
                kernel_name=kernel_name,
                exc=exc,
                started_at=started_at,
                clock=clock,
                progress=progress,
            )
        from nbgate.execution.prelaunch import take

        handle = take(notebook, kernel_name, cwd, request.env) or launch_kernel(
            kernel_name, cwd=cwd, env=request.env, scratch_dir=scratch
        )
        watchdog.attach(handle.pid, handle.pgid)
        memory.attach(handle.pid)
        nb, verdict = _run(
            request,
            notebook=notebook,
            output=output,
            kernel_name=kernel_name,
            kernelspec=kernelspec,
            handle=handle,
            watchdog=watchdog,
            memory=memory,
            progress=progress,
        )
    finally:
        # Stop the watchdog before the kernel is reaped: a reaped pid can be reused.
        watchdog.stop()
        memory.stop()
        remove = scratch if own_scratch else None
        if handle is not None:
            from nbgate.execution.stopping import stop_kernel

            # In a runner's background_stops() block, the stop overlaps its compare and report.
            stop_kernel(handle, SHUTDOWN_TIMEOUT, remove=remove)
        elif remove is not None:
            shutil.rmtree(remove, ignore_errors=True)
    return _result(
        request,
        output=output,
        kernel_name=kernel_name,
        nb=nb,
        verdict=verdict,
        memory=memory,
        started_at=started_at,
        clock=clock,
        progress=progress,
    )


def _load(
    notebook: Path, output: Path, parameters: dict[str, Any], kernel_name: str, language: str | None
) -> Any:
    """papermill's own loading, parameterizing and metadata (what ``papermill`` CLI does)."""
    from nbgate.execution.lean_import import import_papermill

    import_papermill()
    from papermill.execute import prepare_notebook_metadata, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    try:
        nb = load_notebook_node(str(notebook))
    except Exception as exc:  # nbformat raises many kinds for a broken file
        raise InputError(
            f"notebook {notebook} cannot be loaded: {' '.join(str(exc).split())[:200]}"
        ) from None
    if parameters:
        nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name, language=language)
    nb = prepare_notebook_metadata(nb, str(notebook), str(output))
    return remove_error_markers(nb)


def _run(
    request: ExecuteRequest,
    *,
    notebook: Path,
    output: Path,
    kernel_name: str,
    kernelspec: Any,
    handle: KernelHandle,
    watchdog: DeadlineWatchdog,
    memory: MemorySampler,
    progress: _Progress,
) -> tuple[Any, Any]:
    # The kernel is booting: now pay for papermill/nbclient's imports and the loading.
    from nbgate.execution.lean_import import import_papermill

    import_papermill()
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.execute import raise_for_execution_errors

    from nbgate.execution.manager import ExecutionManager, write_notebook_atomic
    from nbgate.execution.outcome import classify, mark_failed_cell, unmark_unrun

    nb = _load(notebook, output, dict(request.parameters), kernel_name, kernelspec.language)
    progress.cell_count = len(nb.cells)
    manager = ExecutionManager(nb, output, memory=memory, on_cell=progress)
    manager.notebook_start()  # first save: the output exists from now on

    cell_timeout = request.cell_timeout
    remaining = watchdog.remaining()
    startup = (
        request.startup_timeout if remaining is None else min(request.startup_timeout, max(remaining, 0.1))
    )
    client = PapermillNotebookClient(
        manager,
        km=handle.km,
        kernel_name=kernel_name,
        # timeout_func, not timeout: nbclient's timeout trait is an int, ours may be 2.5 s.
        timeout_func=(lambda _cell: cell_timeout),
        startup_timeout=max(1, round(startup)),
        shutdown_kernel="immediate",  # if nbclient itself ever cleans up, it must not linger
        log=_LOG,
    )
    error: BaseException | None = None
    error_at: float | None = None
    started = False
    try:
        client.start_new_kernel_client()
        started = True
        client.execute(cleanup_kc=False)
    except Exception as exc:  # classified below; the notebook is saved either way
        error = exc
        error_at = time.monotonic()
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    nb = manager.nb
    verdict = classify(
        nb,
        error,
        manager.current_index,
        deadline=request.deadline,
        deadline_fired_at=watchdog.fired_at,
        deadline_killed=watchdog.killed,
        failed_at=min((t for t in (manager.failed_at, error_at) if t is not None), default=None),
        cell_timeout=cell_timeout,
        kernel_exit=lambda: _exit_words(handle),
        started=started,
    )
    # Every output is in and the verdict no longer needs the kernel: let it stop while the
    # notebook is saved (execute() waits for the exit, or a runner does, in the background).
    handle.request_stop()
    mark_failed_cell(nb, verdict)
    manager.notebook_complete()
    if verdict.outcome is not Outcome.PASSED:
        unmark_unrun(nb)
        # papermill's error banner at the top and an anchor before the failing cell; it
        # raises by design once it has edited nb in place.
        with contextlib.suppress(Exception):
            raise_for_execution_errors(nb, None)
    verdict.finalize(nb)
    write_notebook_atomic(nb, output, copies=manager.copies)
    return nb, verdict


def _exit_words(handle: KernelHandle) -> str:
    from nbgate.execution.kernel import describe_exit

    return describe_exit(handle.returncode(wait=2.0))


def _missing_kernel(
    request: ExecuteRequest,
    *,
    notebook: Path,
    output: Path,
    kernel_name: str,
    exc: Exception,
    started_at: datetime,
    clock: float,
    progress: _Progress,
) -> ExecutionResult:
    """No kernel to run on: still leave the notebook behind, unexecuted and unchanged.

    (Not parameterized: that needs papermill, and the kernel's language, which is unknown.)
    """
    from nbgate.execution.outcome import Classified

    tmp = output.with_name(f".{output.name}.tmp")
    shutil.copyfile(notebook, tmp)
    tmp.replace(output)
    verdict = Classified(Outcome.MISSING_KERNEL, str(exc))
    return _result(
        request,
        output=output,
        kernel_name=kernel_name,
        nb=None,
        verdict=verdict,
        memory=None,
        started_at=started_at,
        clock=clock,
        progress=progress,
    )


def _result(
    request: ExecuteRequest,
    *,
    output: Path,
    kernel_name: str,
    nb: Any,
    verdict: Any,
    memory: MemorySampler | None,
    started_at: datetime,
    clock: float,
    progress: _Progress,
) -> ExecutionResult:
    from nbgate.execution.outcome import cell_results
    from nbgate.results import ExecutionResult

    cells, failed = cell_results(nb, verdict.outcome) if nb is not None else ([], None)
    duration = time.monotonic() - clock
    message = verdict.message
    if verdict.outcome is Outcome.PASSED and not message:
        message = f"{len(cells)} code cells ran in {duration:.1f}s"
    progress("finished", failed, verdict.outcome)
    from nbgate.redact import redact_execution_result

    return redact_execution_result(
        ExecutionResult(
            notebook=str(request.notebook),
            executed_path=str(output),
            kernel=kernel_name,
            parameters=dict(request.parameters),
            outcome=verdict.outcome,
            message=message,
            started_at=started_at,
            finished_at=_utcnow(),
            duration_seconds=round(duration, 3),
            failed_cell=failed,
            cells=cells,
            peak_memory_bytes=memory.peak if memory is not None else None,
        )
    )
