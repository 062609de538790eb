"""The local runner: the whole DAG on one machine, no cluster.

clone → (per notebook, ``jobs`` at a time, each in its own kernel) execute → compare →
then probe → report. A notebook that fails never stops the others; everything produced so
far (executed notebooks, logs, the report) is kept.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from nbgate.errors import NbgateError, TransientError
from nbgate.outcomes import Outcome, Verdict
from nbgate.results import CompareResult, ExecutionResult, NotebookResult, ProbeResult, RunResult
from nbgate.runner.assemble import new_run_id, notebook_result, run_result, utcnow
from nbgate.runner.golden import golden_path_for
from nbgate.runner.progress import Progress
from nbgate.runner.sources import ResolvedSource, resolve_source
from nbgate.spec.model import NotebookValidation

__all__ = ["RunOptions", "run_local"]


@dataclass
class RunOptions:
    output_dir: Path
    base_dir: Path = field(default_factory=Path.cwd)
    jobs: int | None = None
    parameter_set: str | None = None
    formats: list[str] | None = None
    quiet: bool = False
    stream: TextIO | None = None
    keep_scratch: bool = False
    audit: dict[str, Any] = field(default_factory=dict)


class _NotebookLog:
    """``logs/<notebook>.log``: written as things happen, so a crash keeps what was logged."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w", encoding="utf-8", buffering=1)
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.write(f"{datetime.now().isoformat(timespec='milliseconds')} {text}\n")

    def close(self) -> None:
        with self._lock:
            self._file.close()


def _default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _describe_event(event: Any) -> str:
    fields = getattr(event, "__dict__", None) or (event.model_dump() if hasattr(event, "model_dump") else {})
    return " ".join(f"{k}={v}" for k, v in fields.items() if k != "notebook")


def _validate_notebook(
    nb: str,
    *,
    resource: NotebookValidation,
    source: ResolvedSource,
    golden_root: Path | None,
    parameters: dict[str, Any],
    output_dir: Path,
    scratch: Path,
    progress: Progress,
) -> NotebookResult:
    spec = resource.spec
    log = _NotebookLog(output_dir / "logs" / f"{nb}.log")
    progress.started(nb)
    execution: ExecutionResult | None = None
    comparison: CompareResult | None = None
    try:
        from nbgate.steps.execute import ExecuteRequest, execute

        log.write(f"execute {nb} kernel={spec.kernel or '(notebook default)'} parameters={sorted(parameters)}")
        notebook_path = source.root / nb
        request = ExecuteRequest(
            notebook=notebook_path,
            output_path=output_dir / "notebooks" / nb,
            parameters=parameters,
            kernel=spec.kernel,
            cell_timeout=spec.timeouts.cell,
            deadline=spec.timeouts.notebook,
            startup_timeout=spec.timeouts.startup,
            cwd=notebook_path.parent,
            scratch_dir=scratch / "kernels" / nb.replace("/", "__"),
        )

        def on_progress(event: Any) -> None:
            progress.event(nb, event)
            log.write(_describe_event(event))

        execution = execute(request, on_progress=on_progress)
        log.write(f"executed: {execution.outcome.value}: {execution.message}")
        for cell in execution.cells:
            if cell.error is not None:
                log.write(f"cell {cell.index} {cell.error.ename}: {cell.error.evalue}\n{cell.error.traceback}")

        if execution.outcome is Outcome.PASSED and spec.golden is not None and golden_root is not None:
            golden = golden_path_for(spec.golden.path, nb, golden_root)
            if not golden.is_file():
                if spec.golden.required:
                    result = notebook_result(
                        nb, execution, outcome=Outcome.INPUT_ERROR,
                        message=f"golden notebook {golden} not found: add it (nbgate compare EXECUTED "
                        "GOLDEN --update-golden writes one from a passing run) or set golden.required: false",
                    )
                    log.write(result.message)
                    return result
                log.write(f"no golden at {golden}: comparison skipped")
            else:
                from nbgate.steps.compare import compare

                comparison = compare(
                    Path(execution.executed_path or request.output_path), golden, spec.compare,
                    notebook=nb, golden_name=str(golden),
                )
                log.write(f"compared with {golden}: {comparison.outcome.value}: {comparison.message}")
        return notebook_result(nb, execution, comparison)
    except NbgateError as exc:
        outcome = Outcome.TRANSIENT_ERROR if isinstance(exc, TransientError) else Outcome.INPUT_ERROR
        log.write(f"{outcome.value}: {exc.message}")
        return notebook_result(nb, execution, comparison, outcome=outcome, message=exc.message)
    except Exception as exc:  # noqa: BLE001 — one notebook's crash must not stop the others
        message = f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())}"
        log.write(message)
        return notebook_result(nb, execution, comparison, outcome=Outcome.INPUT_ERROR, message=message)
    finally:
        log.close()


def run_local(
    resource: NotebookValidation,
    options: RunOptions,
    *,
    on_result: Callable[[NotebookResult], None] | None = None,
) -> RunResult:
    """Run the validation DAG for ``resource`` on this machine and write its reports."""
    spec = resource.spec
    started = utcnow()
    run_id = new_run_id()
    output_dir = options.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"nbgate-{run_id}-"))
    parameters = spec.effective_parameters(options.parameter_set)
    source_info = None
    notebooks_results: list[NotebookResult] = []
    probes: list[ProbeResult] = []
    failure: NbgateError | None = None
    try:
        source = resolve_source(
            spec.source, base_dir=options.base_dir, scratch=scratch,
            patterns=spec.notebooks, exclude=spec.exclude, label="source",
        )
        source_info = source.info
        golden_root: Path | None = None
        if spec.golden is not None:
            if spec.golden.source is None:
                golden_root = source.root
            else:
                golden_root = resolve_source(
                    spec.golden.source, base_dir=options.base_dir, scratch=scratch,
                    patterns=[], exclude=[], label="golden.source",
                ).root

        jobs = options.jobs or spec.jobs or _default_jobs()
        with Progress(total=len(source.notebooks), quiet=options.quiet,
                      stream=options.stream or __import__("sys").stderr) as progress:

            def work(nb: str) -> NotebookResult:
                result = _validate_notebook(
                    nb, resource=resource, source=source, golden_root=golden_root,
                    parameters=parameters, output_dir=output_dir, scratch=scratch, progress=progress,
                )
                progress.finished(result)
                if on_result is not None:
                    on_result(result)
                return result

            with ThreadPoolExecutor(max_workers=min(jobs, max(1, len(source.notebooks))),
                                    thread_name_prefix="nbgate-nb") as pool:
                notebooks_results = list(pool.map(work, source.notebooks))

        if spec.endpoints:
            from nbgate.steps.probe import probe

            scraps = None
            if len(notebooks_results) == 1 and notebooks_results[0].execution is not None:
                executed = notebooks_results[0].execution.executed_path
                scraps = Path(executed) if executed else None
            probes = probe(list(spec.endpoints), scraps=scraps, deadline=spec.timeouts.notebook)
    except NbgateError as exc:
        # The run could not start (bad source, clone failed): still write a report that says so.
        failure = exc
    finally:
        if not options.keep_scratch:
            shutil.rmtree(scratch, ignore_errors=True)

    run = run_result(
        resource.metadata.name, notebooks_results, started_at=started, run_id=run_id,
        source=source_info, parameters=parameters, probes=probes,
        audit={"runId": run_id, "trigger": "manual", **options.audit},
    )
    if failure is not None:
        verdict = Verdict.TRANSIENT if isinstance(failure, TransientError) else Verdict.ERROR
        run = run.model_copy(
            update={"verdict": verdict, "exit_code": int(failure.exit_code), "message": failure.message}
        )
    from nbgate.steps.report import report

    report(run, output_dir, options.formats or spec.report.formats)
    from nbgate.report.verdict import write_verdict

    write_verdict(run, output_dir / "verdict.json")
    if failure is not None:
        raise failure
    return run
