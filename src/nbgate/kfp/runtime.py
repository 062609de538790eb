"""What the KFP components do once they run inside a step image. Imports no kfp.

Each KFP component's embedded body is two lines: import one function from here and call it
with the artifact paths. The logic lives in this module so that it is tested, typed and
linted like the rest of nbgate, and a compiled component changes only when its interface
does.

How each step is called, and why:

* ``clone``, ``report`` and ``gate`` run their CLI (``python -m nbgate.cli.main …``, the same
  interpreter as the component): the CLI is the contract the Argo templates run too, and
  it already writes the verdict file and exits 0 in cluster mode (``--exit-zero``).
* ``execute``, ``compare`` and ``probe`` call the step functions exactly as the local
  runner (``nbgate.runner.local``) does — same request fields, same notebook names, same
  golden rules — so that a KFP run's verdicts equal ``nbgate run``'s on the same spec.

Every step writes a verdict artifact instead of failing on a validation failure; only a
transient error (exit 3) fails the task, so that KFP's retry policy retries it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from nbgate.errors import ExitCode, NbgateError, TransientError
from nbgate.files import write_atomic
from nbgate.outcomes import Outcome, Verdict, verdict_for

__all__ = [
    "run_clone",
    "run_compare",
    "run_execute",
    "run_gate",
    "run_probe",
    "run_report",
]


def _nbgate(args: Sequence[str], *, cwd: Path | None = None) -> int:
    """Run an nbgate subcommand with this interpreter; its output goes to the task log."""
    completed = subprocess.run([sys.executable, "-m", "nbgate.cli.main", *args], cwd=cwd, check=False)
    return completed.returncode


def _fail_if_transient(code: int, step: str) -> None:
    # --exit-zero already turned validation failures and bad inputs into exit 0; what is
    # left is a transient error (3) or a crash: fail the task so KFP retries / shows it.
    if code != 0:
        raise SystemExit(f"nbgate {step} exited {code}")


def _write_json(path: str | Path, data: Any) -> None:
    write_atomic(Path(path), json.dumps(data, indent=2, default=str) + "\n")


def _write_verdict(path: str | Path, outcome: Outcome, message: str) -> Verdict:
    verdict = verdict_for(outcome)
    code = {Verdict.PASSED: 0, Verdict.FAILED: 1, Verdict.ERROR: 2, Verdict.TRANSIENT: 3}[verdict]
    _write_json(
        path, {"verdict": verdict.value, "exitCode": code, "outcome": outcome.value, "message": message}
    )
    return verdict


def _outcome_of(exc: NbgateError) -> Outcome:
    return Outcome.TRANSIENT_ERROR if isinstance(exc, TransientError) else Outcome.INPUT_ERROR


# --------------------------------------------------------------------------- clone


def run_clone(
    *,
    url: str,
    ref: str,
    notebooks: list[str],
    exclude: list[str],
    depth: int,
    checkout: str,
    result: str,
    verdict: str,
) -> tuple[list[str], str]:
    """Clone into the ``checkout`` artifact folder; returns (notebooks, commit SHA)."""
    work = Path(tempfile.mkdtemp(prefix="nbgate-kfp-clone-"))
    args = ["clone", "--url", url, "--dest", checkout, "--depth", str(depth)]
    if ref:
        args += ["--ref", ref]
    for pattern in notebooks:
        args += ["--notebooks", pattern]
    for pattern in exclude:
        args += ["--exclude", pattern]
    args += [
        "--notebooks-out", str(work / "notebooks.json"), "--commit-out", str(work / "commit"),
        "--result", result, "--verdict", verdict, "--exit-zero",
    ]  # fmt: skip
    _fail_if_transient(_nbgate(args), "clone")
    Path(checkout).mkdir(parents=True, exist_ok=True)  # a failed clone still yields the artifact
    if not Path(result).exists():
        _write_json(result, [])  # no clone result (the clone failed): nothing for the report
    listed = work / "notebooks.json"
    found: list[str] = json.loads(listed.read_text(encoding="utf-8")) if listed.exists() else []
    commit_file = work / "commit"
    commit = commit_file.read_text(encoding="utf-8").strip() if commit_file.exists() else ""
    shutil.rmtree(work, ignore_errors=True)
    return found, commit


# --------------------------------------------------------------------------- execute


def _write_notebook_html(executed: Path, html_path: str) -> None:
    """The executed notebook as HTML, for the KFP UI's artifact viewer."""
    target = Path(html_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not executed.is_file():
        target.write_text("<p>no executed notebook was written</p>\n", encoding="utf-8")
        return
    try:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_filename(str(executed))  # type: ignore[no-untyped-call]
    except Exception as exc:  # the HTML view is a convenience, never a failure
        import html

        body = f"<p>cannot render {html.escape(executed.name)} ({html.escape(type(exc).__name__)})</p>"
    target.write_text(body, encoding="utf-8")


def run_execute(
    *,
    checkout: str,
    notebook: str,
    parameters: dict[str, Any],
    kernel: str,
    cell_timeout: float,
    deadline: float,
    startup_timeout: float,
    executed: str,
    executed_html: str,
    result: str,
    verdict: str,
) -> str:
    """Execute one notebook of the checkout; the ``executed`` artifact is a folder holding
    the notebook at its path in the checkout. Returns the verdict (``passed``, ``failed``…)."""
    from nbgate.steps.execute import ExecuteRequest, execute

    # A private copy: notebooks write next to themselves, and on kfp.local every iteration
    # of the loop reads the same checkout folder.
    work = Path(tempfile.mkdtemp(prefix="nbgate-kfp-execute-"))
    root = work / "checkout"
    shutil.copytree(checkout, root, symlinks=True)
    notebook_path = root / notebook
    output_path = Path(executed) / notebook
    output_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        request = ExecuteRequest(
            notebook=notebook_path,
            output_path=output_path,
            parameters=parameters,
            kernel=kernel or None,
            cell_timeout=cell_timeout if cell_timeout > 0 else None,
            deadline=deadline if deadline > 0 else None,
            startup_timeout=startup_timeout,
            cwd=notebook_path.parent,
            scratch_dir=work / "scratch",
        )
        execution = execute(request)
    except NbgateError as exc:
        _write_json(result, [])
        outcome = _outcome_of(exc)
        _write_verdict(verdict, outcome, exc.message)
        _write_notebook_html(output_path, executed_html)
        if outcome is Outcome.TRANSIENT_ERROR:
            raise SystemExit(f"nbgate execute: transient error: {exc.message}") from None
        return verdict_for(outcome).value
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # The result names the notebook by its path in the checkout, as the local runner does.
    _write_json(result, execution.model_copy(update={"notebook": notebook}).to_wire())
    _write_notebook_html(output_path, executed_html)
    return _write_verdict(verdict, execution.outcome, execution.message).value


# --------------------------------------------------------------------------- compare


def run_compare(
    *,
    checkout: str,
    executed: str,
    notebook: str,
    execution_verdict: str,
    golden: str,
    golden_required: bool,
    options: dict[str, Any],
    result: str,
    verdict: str,
) -> str:
    """Compare an executed notebook with its golden, with the local runner's rules: only a
    passing execution is compared; a missing golden is an input error when required, else
    the comparison is skipped. A skipped comparison writes an empty result list."""
    if not golden or execution_verdict != Verdict.PASSED.value:
        _write_json(result, [])
        _write_verdict(verdict, Outcome.SKIPPED, "comparison skipped")
        return Verdict.PASSED.value
    from nbgate.compare.options import CompareOptions
    from nbgate.results import CompareResult
    from nbgate.runner.golden import compare_with_golden

    try:
        found = compare_with_golden(
            Path(executed) / notebook,
            notebook,
            template=golden,
            golden_root=Path(checkout),
            required=golden_required,
            options=CompareOptions.model_validate(options),
        )
    except NbgateError as exc:
        found = CompareResult(notebook=notebook, golden=golden, outcome=_outcome_of(exc), message=exc.message)
    if found is None:
        _write_json(result, [])
        _write_verdict(verdict, Outcome.SKIPPED, f"no golden at {golden}: comparison skipped")
        return Verdict.PASSED.value
    comparison = found
    _write_json(result, comparison.to_wire())
    return _write_verdict(verdict, comparison.outcome, comparison.message).value


# --------------------------------------------------------------------------- probe


def run_probe(
    *,
    endpoints: list[dict[str, Any]],
    executed: Sequence[str],
    deadline: float,
    result: str,
    verdict: str,
) -> str:
    """Probe the spec's endpoints once per run, as the local runner does (scraps from the
    executed notebook when the run has exactly one). No endpoints: an empty result."""
    if not endpoints:
        _write_json(result, [])
        _write_verdict(verdict, Outcome.SKIPPED, "no endpoints to probe")
        return Verdict.PASSED.value
    from nbgate.probe.endpoint import Endpoint
    from nbgate.steps.probe import probe

    notebooks = [p for folder in executed for p in sorted(Path(folder).rglob("*.ipynb"))]
    scraps = notebooks[0] if len(notebooks) == 1 else None
    try:
        probes = probe(
            [Endpoint.model_validate(e) for e in endpoints],
            scraps=scraps,
            deadline=deadline if deadline > 0 else None,
        )
    except NbgateError as exc:
        _write_json(result, [])
        outcome = _outcome_of(exc)
        _write_verdict(verdict, outcome, exc.message)
        if outcome is Outcome.TRANSIENT_ERROR:
            raise SystemExit(f"nbgate probe: transient error: {exc.message}") from None
        return verdict_for(outcome).value
    _write_json(result, [p.to_wire() for p in probes])
    worst = next((p for p in probes if p.outcome is not Outcome.PASSED), None)
    if worst is None:
        return _write_verdict(verdict, Outcome.PASSED, f"{len(probes)} endpoint(s) passed").value
    return _write_verdict(verdict, worst.outcome, f"endpoint {worst.endpoint}: {worst.message}").value


# --------------------------------------------------------------------------- report


_FILES = {"json": "report.json", "junit": "junit.xml"}


def _first(folder: Path, *patterns: str) -> Path | None:
    for pattern in patterns:
        found = sorted(folder.rglob(pattern))
        if found:
            return found[0]
    return None


def _available(fmt: str) -> bool:
    """Whether this image can write ``fmt``: the UI artifacts are best effort, not a failure."""
    from nbgate.errors import InputError
    from nbgate.report.writers import get_writer

    try:
        get_writer(fmt)
    except InputError as exc:
        print(f"nbgate report: {fmt} report skipped: {exc.message}", file=sys.stderr)
        return False
    return True


def run_report(
    *,
    results: Sequence[str],
    name: str,
    repo: str,
    revision: str,
    commit: str,
    run_id: str,
    formats: list[str],
    report_dir: str,
    report_json: str,
    html: str,
    markdown: str,
    verdict: str,
    log_metric: Callable[[str, float], None],
) -> str:
    """Render the run's reports from every step result; copy the HTML and Markdown ones into
    the artifacts the KFP UI renders, and log pass/fail counts as KFP metrics."""
    wanted = [
        f for f in dict.fromkeys(["json", "junit", "html", "markdown", "metrics", *formats]) if _available(f)
    ]
    args = ["report", *results, "-o", report_dir, "--name", name, "--verdict", verdict]
    for fmt in wanted:
        args += ["--format", fmt]
    for flag, value in (
        ("--repo", repo),
        ("--revision", revision),
        ("--commit", commit),
        ("--run-id", run_id),
    ):
        if value:
            args += [flag, value]
    code = _nbgate(args)
    if code != 0:
        raise SystemExit(f"nbgate report exited {code}")
    out = Path(report_dir)
    shutil.copyfile(out / _FILES["json"], report_json)
    for target, patterns in (
        (html, ("report.html", "*.html")),
        (markdown, ("summary.md", "report.md", "*.md")),
    ):
        source = _first(out, *patterns)
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            Path(target).write_text("(not available in this image)\n", encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    run = json.loads((out / _FILES["json"]).read_text(encoding="utf-8"))
    counts: dict[str, int] = run.get("counts", {})
    for key in ("total", "passed", "failed", "errors"):
        log_metric(key, float(counts.get(key, 0)))
    total = counts.get("total", 0)
    log_metric("pass_rate", float(counts.get("passed", 0)) / total if total else 1.0)
    return str(run.get("verdict", Verdict.ERROR.value))


# --------------------------------------------------------------------------- gate


def run_gate(verdicts: Sequence[str]) -> None:
    """Fail the task (and so the run) with the worst verdict's exit code."""
    code = _nbgate(["gate", *verdicts])
    if code != int(ExitCode.PASSED):
        raise SystemExit(code)
