"""The local runner: the whole DAG on one machine, no cluster.

clone → (per notebook, ``jobs`` at a time, each in its own kernel) execute → compare →
then probe → report. A notebook that fails never stops the others; everything produced so
far (executed notebooks, logs, the report) is kept.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from nbgate.errors import NbgateError, TransientError
from nbgate.outcomes import Outcome, Verdict
from nbgate.redact import install_log_redaction, redact_text
from nbgate.results import CompareResult, ExecutionResult, NotebookResult, ProbeResult, RunResult
from nbgate.runner.assemble import new_run_id, notebook_result, run_result, utcnow
from nbgate.runner.golden import compare_with_golden
from nbgate.runner.progress import Progress
from nbgate.runner.sources import ResolvedSource, resolve_source
from nbgate.spec.model import NotebookValidation

if TYPE_CHECKING:
    from nbgate.envs.build import CleanEnvProvider
    from nbgate.fingerprint import FingerprintCache

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
                # Redacted here too: a cell's error message may carry a secret it printed.
                self._file.write(f"{datetime.now().isoformat(timespec='milliseconds')} {redact_text(text)}\n")

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
    clean_envs: CleanEnvProvider | None = None,
    fingerprints: FingerprintCache | None = None,
) -> NotebookResult:
    spec = resource.spec
    log = _NotebookLog(output_dir / "logs" / f"{nb}.log")
    progress.started(nb)
    execution: ExecutionResult | None = None
    comparison: CompareResult | None = None
    findings: list[dict[str, Any]] = []
    changes: list[str] | None = None
    try:
        from nbgate.budgets import cell_timeout
        from nbgate.steps.execute import ExecuteRequest, execute

        notebook_path = source.root / nb
        if spec.preflight.enabled:
            # Static checks first: a notebook that cannot work anywhere else never starts a kernel.
            from nbgate.preflight import format_finding, has_errors, preflight_notebook, summarize

            found = preflight_notebook(
                notebook_path,
                repo=source.root,
                parameters=parameters,
                label=nb,
                rules=spec.preflight.rules.model_dump(by_alias=True, exclude_none=True),
            )
            findings = [f.to_wire() for f in found]
            for finding in found:
                log.write(f"pre-flight {format_finding(finding)}")
            if has_errors(found):
                executed = output_dir / "notebooks" / nb  # always written: here, unexecuted
                executed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(notebook_path, executed)
                return notebook_result(
                    nb, None, outcome=Outcome.PREFLIGHT_FAILED, message=summarize(found), findings=findings
                )
        kernel, clean_env = spec.kernel, None
        kernel_env: dict[str, str] = {}
        if clean_envs is not None:
            clean_env = clean_envs.get()
            kernel, kernel_env = clean_env.kernel_name, clean_env.kernel_env()
            log.write(f"clean environment {clean_env.prefix} (cache hit: {clean_env.cache_hit})")
        if fingerprints is not None:
            from nbgate.fingerprint import notebook_kernel

            fingerprints.prefetch(kernel or notebook_kernel(notebook_path), kernel_env)
        log.write(f"execute {nb} kernel={kernel or '(notebook default)'} parameters={sorted(parameters)}")
        request = ExecuteRequest(
            notebook=notebook_path,
            output_path=output_dir / "notebooks" / nb,
            parameters=parameters,
            kernel=kernel,
            env=kernel_env,
            cell_timeout=cell_timeout(spec.timeouts.cell, spec.budgets.cell_seconds),
            deadline=spec.timeouts.notebook,
            startup_timeout=spec.timeouts.startup,
            cwd=notebook_path.parent,
            scratch_dir=scratch / "kernels" / nb.replace("/", "__"),
        )

        def on_progress(event: Any) -> None:
            progress.event(nb, event)
            log.write(_describe_event(event))

        execution = execute(request, on_progress=on_progress)
        if clean_env is not None:
            from nbgate.envs.missing import explain_missing_module

            execution = explain_missing_module(execution, clean_env)
        from nbgate.budgets import apply_budgets

        execution = apply_budgets(spec.budgets, execution, timeout=spec.timeouts.cell)
        if fingerprints is not None and execution.outcome is not Outcome.MISSING_KERNEL:
            from nbgate.fingerprint import attach_fingerprint

            execution = attach_fingerprint(
                execution,
                fingerprints.get(execution.kernel, kernel_env),
                cleanEnvironment=clean_env.to_wire() if clean_env is not None else None,
            )
        log.write(f"executed: {execution.outcome.value}: {execution.message}")
        for cell in execution.cells:
            if cell.error is not None:
                log.write(
                    f"cell {cell.index} {cell.error.ename}: {cell.error.evalue}\n{cell.error.traceback}"
                )

        if execution.outcome is Outcome.PASSED and spec.golden is not None and golden_root is not None:
            comparison = compare_with_golden(
                Path(execution.executed_path or request.output_path),
                nb,
                template=spec.golden.path,
                golden_root=golden_root,
                required=spec.golden.required,
                options=spec.compare,
            )
            if comparison is None:
                log.write(f"no golden for {nb} ({spec.golden.path}): comparison skipped")
            else:
                log.write(
                    f"compared with {comparison.golden}: {comparison.outcome.value}: {comparison.message}"
                )
            if comparison is not None and comparison.outcome is Outcome.MISMATCH:
                from nbgate.fingerprint import environment_changes

                changes = environment_changes(Path(comparison.golden), execution.environment)
        result = notebook_result(nb, execution, comparison, findings=findings)
        from nbgate.budgets import suggest_resources

        update: dict[str, Any] = {"suggested_resources": suggest_resources(execution)}
        if changes:
            shown = ", ".join(changes[:3]) + (f" (+{len(changes) - 3} more)" if len(changes) > 3 else "")
            update |= {
                "environment_changes": changes,
                "message": f"{result.message}; environment changed since the golden's run: {shown}",
            }
            log.write(f"environment changes since the golden's run: {'; '.join(changes)}")
        return result.model_copy(update=update)
    except NbgateError as exc:
        outcome = Outcome.TRANSIENT_ERROR if isinstance(exc, TransientError) else Outcome.INPUT_ERROR
        log.write(f"{outcome.value}: {exc.message}")
        return notebook_result(
            nb, execution, comparison, outcome=outcome, message=exc.message, findings=findings
        )
    except Exception as exc:
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
    install_log_redaction()  # whatever handlers exist (the CLI's, pytest's): secrets never logged
    run_id = new_run_id()
    # Unwound last-in first-out once the reports are written: the kernels still stopping in
    # the background, then the kernel template, then the scratch space they worked in.
    with contextlib.ExitStack() as kernels:
        scratch = Path(tempfile.mkdtemp(prefix=f"nbgate-{run_id}-"))
        if not options.keep_scratch:
            kernels.callback(shutil.rmtree, scratch, ignore_errors=True)
        return _run_dag(resource, options, on_result, run_id=run_id, scratch=scratch, kernels=kernels)


def _run_dag(
    resource: NotebookValidation,
    options: RunOptions,
    on_result: Callable[[NotebookResult], None] | None,
    *,
    run_id: str,
    scratch: Path,
    kernels: contextlib.ExitStack,
) -> RunResult:
    spec = resource.spec
    started = utcnow()
    output_dir = options.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    parameters = spec.effective_parameters(options.parameter_set)
    source_info = None
    notebooks_results: list[NotebookResult] = []
    probes: list[ProbeResult] = []
    failure: NbgateError | None = None
    try:
        from nbgate.gpu import profile_needs_gpu, require_gpu

        profile = spec.profiles.get(spec.pod.profile)
        if profile_needs_gpu(spec.pod.profile, profile.gpus if profile else 0):
            require_gpu(spec.pod.profile)  # before any clone or kernel: fail early, not on the CPU
        source = resolve_source(
            spec.source,
            base_dir=options.base_dir,
            scratch=scratch,
            patterns=spec.notebooks,
            exclude=spec.exclude,
            label="source",
        )
        source_info = source.info
        from nbgate.fingerprint import FingerprintCache

        fingerprints = FingerprintCache()
        clean_envs = None
        if spec.environment.clean:
            from nbgate.envs import CleanEnvProvider, options_from_spec

            clean_envs = CleanEnvProvider(
                source.root, options_from_spec(spec.environment, options.base_dir), scratch
            )
        golden_root: Path | None = None
        if spec.golden is not None:
            if spec.golden.source is None:
                golden_root = source.root
            else:
                golden_root = resolve_source(
                    spec.golden.source,
                    base_dir=options.base_dir,
                    scratch=scratch,
                    patterns=[],
                    exclude=[],
                    label="golden.source",
                ).root

        jobs = options.jobs or spec.jobs or _default_jobs()
        with Progress(
            total=len(source.notebooks),
            quiet=options.quiet,
            stream=options.stream or __import__("sys").stderr,
        ) as progress:

            def work(nb: str) -> NotebookResult:
                result = _validate_notebook(
                    nb,
                    resource=resource,
                    source=source,
                    golden_root=golden_root,
                    parameters=parameters,
                    output_dir=output_dir,
                    scratch=scratch,
                    progress=progress,
                    clean_envs=clean_envs,
                    fingerprints=fingerprints,
                )
                progress.finished(result)
                if on_result is not None:
                    on_result(result)
                return result

            from nbgate.execution.forked import kernel_template
            from nbgate.execution.stopping import background_stops

            # Many notebooks: fork their kernels from one pre-imported template instead of
            # paying every kernel's imports again (a clean environment has its own interpreter).
            kernels.enter_context(kernel_template(enabled=len(source.notebooks) > 1 and clean_envs is None))
            # Kernels stop in the background while later notebooks, probes and reports go on;
            # the run waits for the last of them before it returns.
            kernels.enter_context(background_stops())
            with ThreadPoolExecutor(
                max_workers=min(jobs, max(1, len(source.notebooks))), thread_name_prefix="nbgate-nb"
            ) as pool:
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

    run = run_result(
        resource.metadata.name,
        notebooks_results,
        started_at=started,
        run_id=run_id,
        source=source_info,
        parameters=parameters,
        probes=probes,
        audit={"runId": run_id, "trigger": "manual", **options.audit},
    )
    if failure is not None:
        verdict = Verdict.TRANSIENT if isinstance(failure, TransientError) else Verdict.ERROR
        run = run.model_copy(
            update={"verdict": verdict, "exit_code": int(failure.exit_code), "message": failure.message}
        )
    from nbgate.logs import audit_record, log_audit

    audit = audit_record(run, resource, extra={"runId": run_id, **options.audit})
    run = run.model_copy(update={"audit": audit})
    log_audit(run.audit)
    from nbgate.steps.report import report

    report(run, output_dir, options.formats or spec.report.formats)
    from nbgate.report.verdict import write_verdict

    write_verdict(run, output_dir / "verdict.json")
    if failure is not None:
        raise failure
    return run
